import assert from "node:assert/strict";
import { providerConfig } from "./config";
import { wireSecret } from "./wire";

describe("plugin/config: Configure's two forms", () => {
  it("reads args (secrets revealed, booleans as text) over the variables map", () => {
    const variables = new Map([
      ["pod:config:vsphereHost", "old:443"],
      ["pod:config:vsphereUser", "u"],
    ]);
    const config = providerConfig(
      { vsphereHost: "vc2:443", vspherePassword: wireSecret("pw"), vsphereInsecure: true },
      variables,
    );
    assert.equal(config.get("pod:vsphereHost"), "vc2:443");
    assert.equal(config.get("pod:vsphereUser"), "u");
    assert.equal(config.get("pod:vspherePassword"), "pw");
    assert.equal(config.get("pod:vsphereInsecure"), "true");
    assert.equal(config.get("pod:guestUser"), undefined);
  });
});
