import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as kerberos from "kerberos";
import { loadGssIov } from "../../provider/src/connections/winrm/kerberos/gss-native";
import { requireLab } from "../support/lab-env";
import { needEnv } from "../support/windows-lab-env";

/**
 * What the `kerberos` npm package (7.0.0) can and cannot do for WinRM's
 * message encryption, pinned against the lab KDC (docs/credentials.md,
 * "Kerberos"): if a later version wraps the caller's data, or gives its
 * server wrap/unwrap, these assertions fail and pod can drop its addon.
 * The package's calls run on worker threads, so its credentials come from
 * the process environment, set for this file only.
 */
const run = promisify(execFile);

describe("the kerberos npm package against the lab KDC (what WinRM encryption needs)", function () {
  this.timeout(60_000);
  let scratch: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    requireLab();
    scratch = mkdtempSync(join(tmpdir(), "pod-krb-pkg-"));
    const env = {
      KRB5_CONFIG: needEnv("POD_KDC_KRB5_CONFIG"),
      KRB5CCNAME: `FILE:${join(scratch, "ccache")}`,
      KRB5_KTNAME: `FILE:${needEnv("POD_KDC_HTTP_KEYTAB")}`,
    };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    await run("kinit", ["-k", "-t", needEnv("POD_KDC_USER_KEYTAB"), needEnv("POD_KDC_USER")]);
  });

  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("authenticates (SPNEGO, mutual) and unwraps a Windows-layout message, but its wrap drops the data", async () => {
    const gss = loadGssIov();
    const client = await kerberos.initializeClient(`HTTP@${needEnv("POD_KDC_SERVICE_HOST")}`, {
      mechOID: kerberos.GSS_MECH_OID_SPNEGO,
    });
    const acceptor = gss.create();
    const accepted = gss.step(acceptor, Buffer.from(await client.step(""), "base64"));
    assert.equal(accepted.user, needEnv("POD_KDC_USER"));
    await client.step(accepted.token?.toString("base64") ?? "");
    assert.equal(client.contextComplete, true, "the AP-REP verified");

    // Can: unwrap what Windows (gss_wrap_iov: header with rotated trailer, then same-length data) sends.
    const body = Buffer.from(`<s:Envelope>${"x".repeat(1000)}</s:Envelope>`);
    const { header, data } = gss.wrap(acceptor, body);
    assert.equal(header.length, 60, "AES: 16-byte token header + 44 bytes of rotated trailer");
    assert.equal(data.length, body.length);
    const unwrapped = await client.unwrap(Buffer.concat([header, data]).toString("base64"));
    assert.deepEqual(Buffer.from(unwrapped, "base64"), body);

    // Cannot: wrap() takes its SASL branch for any options and wraps 4 bytes (+ user), not the body.
    const wrapped = Buffer.from(await client.wrap(body.toString("base64"), { protect: true }), "base64");
    assert.ok(wrapped.length < 100, `a ${body.length}-byte body came out as a ${wrapped.length}-byte token`);

    // Cannot: the server side has step() only.
    const server = await kerberos.initializeServer(`HTTP@${needEnv("POD_KDC_SERVICE_HOST")}`);
    const serverApi = server as unknown as Record<string, unknown>;
    assert.equal(typeof serverApi.step, "function");
    assert.equal(serverApi.wrap, undefined);
    assert.equal(serverApi.unwrap, undefined);
  });
});
