import assert from "node:assert/strict";
import { routableAddress } from "./vm-wait";

describe("routableAddress", () => {
  it("picks the address that shares a subnet with a default gateway", () => {
    const seen = {
      addresses: [
        { ip: "10.9.0.5", prefix: 24 },
        { ip: "172.17.0.3", prefix: 16 },
      ],
      gateways: ["172.17.0.1"],
    };
    assert.equal(routableAddress(seen), "172.17.0.3");
  });

  it("finds none without a gateway, or when no address is in its subnet", () => {
    assert.equal(routableAddress({ addresses: [{ ip: "10.77.0.20", prefix: 24 }], gateways: [] }), undefined);
    assert.equal(
      routableAddress({ addresses: [{ ip: "10.77.0.20", prefix: 24 }], gateways: ["10.78.0.1"] }),
      undefined,
    );
  });
});
