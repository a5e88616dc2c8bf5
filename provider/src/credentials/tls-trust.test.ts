import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPodError } from "../common/errors";
import { toGuestAccess } from "../execution/guest-target";
import { resolveTlsTrust } from "./tls-trust";
import { readProviderConfig, resolveVsphereFields } from "./vsphere";

const PIN = "AB".repeat(32);
const base = { host: "vc.lab", user: "u", password: "p-Pw-1" };

describe("credentials: TLS trust, pin versus insecure", () => {
  let dir: string;
  let caFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-trust-"));
    caFile = join(dir, "ca.pem");
    writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("POD_VSPHERE_INSECURE=true in the environment does not cancel a resource's pin", () => {
    const r = resolveVsphereFields({ ...base, thumbprint: PIN }, {}, { POD_VSPHERE_INSECURE: "true" });
    assert.deepEqual(r.trust, { thumbprint: PIN });
  });

  it("nor a pin or CA from stack config or the environment, whoever says insecure", () => {
    const config = readProviderConfig({ get: (k) => ({ "pod:vsphereThumbprint": PIN })[k] });
    assert.deepEqual(resolveVsphereFields({ ...base, insecure: true }, config, {}).trust, { thumbprint: PIN });
    assert.deepEqual(resolveVsphereFields(base, { vsphereInsecure: "true" }, { POD_VSPHERE_THUMBPRINT: PIN }).trust, {
      thumbprint: PIN,
    });
    const withCa = resolveVsphereFields({ ...base, caFile }, {}, { POD_VSPHERE_INSECURE: "true" });
    assert.ok(Buffer.isBuffer(withCa.trust.ca));
    assert.equal(withCa.trust.insecure, undefined);
  });

  it("a pin plus insecure from the same source is INVALID_INPUT naming the source", () => {
    const cases: [Parameters<typeof resolveVsphereFields>, RegExp][] = [
      [[{ ...base, thumbprint: PIN, insecure: true }, {}, {}], /connection input/],
      [[base, { vsphereThumbprint: PIN, vsphereInsecure: "true" }, {}], /stack config/],
      [[base, {}, { POD_VSPHERE_THUMBPRINT: PIN, POD_VSPHERE_INSECURE: "true" }], /environment/],
      [[base, {}, { POD_VSPHERE_CA_FILE: caFile, POD_VSPHERE_INSECURE: "true" }], /environment.*caFile/],
    ];
    for (const [args, source] of cases) {
      assert.throws(
        () => resolveVsphereFields(...args),
        (e) => isPodError(e, "INVALID_INPUT") && source.test(e.message) && /drop insecure/.test(e.fix ?? ""),
      );
    }
  });

  it("insecure alone still works, and an explicit insecure: false beats the environment", () => {
    assert.deepEqual(resolveVsphereFields(base, {}, { POD_VSPHERE_INSECURE: "true" }).trust, { insecure: true });
    assert.deepEqual(
      resolveVsphereFields({ ...base, insecure: false }, {}, { POD_VSPHERE_INSECURE: "true" }).trust,
      {},
    );
    assert.deepEqual(resolveVsphereFields(base, {}, {}).trust, {}, "verified against system roots by default");
  });

  it("insecure must say true or false: anything else is refused, not guessed", () => {
    for (const value of ["yes", "1", "True", "on"]) {
      assert.throws(
        () => resolveVsphereFields(base, {}, { POD_VSPHERE_INSECURE: value }),
        (e) => isPodError(e, "INVALID_INPUT") && e.message.includes(JSON.stringify(value)),
      );
    }
    assert.deepEqual(resolveTlsTrust([{ name: "x", insecure: "false" }]), {});
  });

  it("a WinRM HTTPS target follows the same rule", () => {
    const target = { transport: "winrm" as const, host: "w", user: "Administrator", password: "x-Pw-9", https: true };
    const access = (extra: object) => toGuestAccess({ ...target, ...extra }) as { tls?: object };
    assert.deepEqual(access({ thumbprint: PIN }).tls, { thumbprint: PIN });
    assert.deepEqual(access({ insecure: true }).tls, { insecure: true });
    assert.throws(
      () => access({ thumbprint: PIN, insecure: true }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });
});
