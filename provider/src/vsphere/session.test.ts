import assert from "node:assert/strict";
import { FakeSoap } from "../../../test/support/fake-soap";
import { Secret } from "../common/secret";
import { VsphereSession } from "./session";

async function connect(fake: FakeSoap): Promise<VsphereSession> {
  return VsphereSession.connect({
    host: "vcenter.example:443",
    user: "pod",
    password: new Secret("pw"),
    trust: { insecure: true },
    keepaliveMs: 0,
    transport: fake,
  });
}

describe("vSphere API version negotiation", () => {
  it("uses the announced version when it is a real version string", async () => {
    const fake = new FakeSoap({ announced: "8.0.3.0", apiVersion: "8.0.2.0" });
    const session = await connect(fake);
    assert.equal(session.apiVersion, "8.0.3.0");
    assert.equal(fake.calls("Login")[0]?.soapAction, "urn:vim25/8.0.3.0");
    await session.close();
  });

  it("ignores an announced build tag like uA046D008 and falls back to about.apiVersion", async () => {
    const fake = new FakeSoap({ announced: "uA046D008", apiVersion: "7.0" });
    const session = await connect(fake);
    assert.equal(session.apiVersion, "7.0");
    assert.equal(fake.calls("Login")[0]?.soapAction, "urn:vim25/7.0");
    assert.ok(fake.sent.every((s) => !s.soapAction?.includes("uA046D008")));
    await session.close();
  });

  it("falls back to about.apiVersion when nothing is announced, and keeps the default when that is bad too", async () => {
    const missing = new FakeSoap({ apiVersion: "8.0.1.0" });
    const first = await connect(missing);
    assert.equal(first.apiVersion, "8.0.1.0");
    await first.close();

    const bad = new FakeSoap({ announced: "8.0.3.0-beta", apiVersion: "dev" });
    const second = await connect(bad);
    assert.match(second.apiVersion, /^\d+(\.\d+)+$/);
    assert.equal(bad.calls("Login")[0]?.soapAction, `urn:vim25/${second.apiVersion}`);
    await second.close();
  });
});
