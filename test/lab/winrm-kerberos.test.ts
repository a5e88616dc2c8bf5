import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isPodError, type PodError } from "../../provider/src/common/errors";
import { WinrmConnection, type WinrmConnectionOptions } from "../../provider/src/connections/winrm/connection";
import { type KerberosGuest, startKerberosGuest } from "../support/kerberos-guest";
import { requireLab } from "../support/lab-env";
import { needEnv } from "../support/windows-lab-env";
import { startHttpMitm } from "../support/winrm-mitm";

/**
 * Issue 17: WinRM with Kerberos against the lab's MIT KDC (realm POD.LAB) and
 * a Windows guest of this test's own that holds HTTP/<host>'s keytab. Over
 * plain HTTP every message is encrypted with the Kerberos session; a proxy
 * started here records the wire and tampers with replies. Credentials: a
 * password (pod's own kinit), a keytab, an existing ticket cache; a wrong
 * password and an expired ticket are typed errors. pywinrm's Kerberos
 * transport (pykerberos) runs a command through the same guest.
 */
const run = promisify(execFile);

async function rejection(promise: Promise<unknown>): Promise<PodError> {
  try {
    await promise;
  } catch (error) {
    if (isPodError(error)) return error;
    throw error;
  }
  assert.fail("expected a PodError");
}

describe("WinRM Kerberos (lab KDC, encrypted over HTTP)", function () {
  this.timeout(180_000);
  let guest: KerberosGuest;
  let scratch: string;
  let password: string;
  let krb5Config: string;

  before(async () => {
    requireLab();
    password = needEnv("POD_KDC_USER_PASSWORD");
    krb5Config = needEnv("POD_KDC_KRB5_CONFIG");
    scratch = mkdtempSync(join(tmpdir(), "pod-krb-test-"));
    guest = await startKerberosGuest();
  });

  after(async () => {
    await guest?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const options = (extra: Partial<WinrmConnectionOptions> = {}): WinrmConnectionOptions => ({
    host: guest.host,
    port: guest.port,
    https: false,
    auth: "kerberos",
    username: "pod-user",
    password,
    kerberos: { realm: "POD.LAB", kdc: needEnv("POD_KDC_ADDR"), spnHost: guest.spnHost },
    ...extra,
  });

  /** A ticket cache of the test's own, filled by MIT's kinit from the user's keytab. */
  async function kinit(name: string, lifetime?: string): Promise<string> {
    const ccache = `FILE:${join(scratch, name)}`;
    const life = lifetime ? ["-l", lifetime] : [];
    await run("kinit", [...life, "-k", "-t", needEnv("POD_KDC_USER_KEYTAB"), "-c", ccache, needEnv("POD_KDC_USER")], {
      env: { ...process.env, KRB5_CONFIG: krb5Config },
    });
    return ccache;
  }

  const newLines = (from: number) => guest.lines.slice(from).join("\n");

  it("runs commands with a password: pod's own kinit, mutual authentication, every message encrypted", async () => {
    const mitm = await startHttpMitm({ upstream: { host: guest.host, port: guest.port } });
    const marker = `krb-${randomBytes(4).toString("hex")}`;
    const from = guest.lines.length;
    const c = new WinrmConnection(options({ port: mitm.port }));
    try {
      const result = await c.exec(`echo ${marker}`);
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout.trim(), marker);
      const ps = await c.execPowerShell("Write-Output (6*7)");
      assert.equal(ps.stdout.trim(), "42");
    } finally {
      await c.close();
      await mitm.close();
    }
    // The guest's own log: a Kerberos login with confidentiality, then an encrypted Kerberos session.
    assert.match(newLines(from), /Kerberos authenticated pod-user@POD\.LAB from 127\.0\.0\.1 \(confidentiality: yes\)/);
    assert.match(newLines(from), /encrypted Kerberos session \(HTTP-SPNEGO-session-encrypted\) with pod-user/);
    assert.match(mitm.authorizations[0] ?? "", /^Negotiate YI/, "an SPNEGO token (GSS framing 0x60) under Negotiate");
    assert.ok(mitm.bodies.length >= 3, "shell, command and receive went through the proxy");
    const wire = mitm.capture().toString("latin1");
    assert.ok(wire.includes("application/HTTP-SPNEGO-session-encrypted"), "multipart/encrypted bodies");
    assert.ok(!wire.includes(marker), "the command text never crossed the wire in clear");
    assert.ok(!wire.includes(password), "nor the password");
  });

  it("authenticates with a keytab and with an existing ticket cache, no password anywhere", async () => {
    const viaKeytab = new WinrmConnection(
      options({ password: "", kerberos: { ...options().kerberos, keytab: needEnv("POD_KDC_USER_KEYTAB") } }),
    );
    const ccache = await kinit("existing");
    const viaCache = new WinrmConnection(
      options({
        username: needEnv("POD_KDC_USER"),
        password: "",
        kerberos: { spnHost: guest.spnHost, krb5Config, ccache },
      }),
    );
    try {
      assert.equal((await viaKeytab.exec("echo keytab")).stdout.trim(), "keytab");
      assert.equal((await viaCache.exec("echo cache")).stdout.trim(), "cache");
    } finally {
      await viaKeytab.close();
      await viaCache.close();
    }
    // The user's cache now also holds the service ticket pod asked for with it.
    const { stdout } = await run("klist", ["-c", ccache], { env: { ...process.env, KRB5_CONFIG: krb5Config } });
    assert.match(stdout, new RegExp(`HTTP/${guest.spnHost.replace(/\./g, "\\.")}@POD\\.LAB`));
  });

  it("works over HTTPS too (TLS protects the bodies; no message encryption on top)", async () => {
    const from = guest.lines.length;
    const c = new WinrmConnection(
      options({ https: true, port: guest.httpsPort, tls: { ca: readFileSync(needEnv("POD_WINRM_CA_FILE")) } }),
    );
    try {
      assert.equal((await c.exec("echo over-tls")).stdout.trim(), "over-tls");
    } finally {
      await c.close();
    }
    assert.match(newLines(from), /Kerberos authenticated pod-user@POD\.LAB/);
    assert.doesNotMatch(newLines(from), /encrypted Kerberos session/);
  });

  it("a wrong password is AUTH_FAILED from the KDC, before anything reaches the guest", async () => {
    const from = guest.lines.length;
    const wrong = `wrong-${randomBytes(4).toString("hex")}`;
    const c = new WinrmConnection(options({ password: wrong }));
    try {
      const error = await rejection(c.exec("echo never"));
      assert.equal(error.code, "AUTH_FAILED");
      assert.match(error.message, /KDC refused the password of pod-user@POD\.LAB/);
      assert.ok(!error.message.includes(wrong) && !(error.fix ?? "").includes(wrong));
    } finally {
      await c.close();
    }
    assert.doesNotMatch(newLines(from), /Kerberos authenticated/);
  });

  it("an expired ticket is CREDENTIALS_EXPIRED", async () => {
    const ccache = await kinit("short", "2s");
    const env = { ...process.env, KRB5_CONFIG: krb5Config };
    // klist -s fails once the cache holds no valid ticket: poll that, bounded.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const valid = await run("klist", ["-s", "-c", ccache], { env }).then(
        () => true,
        () => false,
      );
      if (!valid) break;
      assert.ok(Date.now() < deadline, "the 2-second ticket never expired");
      await new Promise((r) => setTimeout(r, 250));
    }
    // klist counts a ticket expired from its end second on, MIT's TGS request only after it: the clock
    // has to pass one more whole second (a wait on the clock itself, the thing under test).
    const invalidFrom = Math.floor(Date.now() / 1000);
    while (Math.floor(Date.now() / 1000) < invalidFrom + 2) await new Promise((r) => setTimeout(r, 100));
    const c = new WinrmConnection(
      options({
        username: needEnv("POD_KDC_USER"),
        password: "",
        kerberos: { spnHost: guest.spnHost, krb5Config, ccache },
      }),
    );
    try {
      const error = await rejection(c.exec("echo never"));
      assert.equal(error.code, "CREDENTIALS_EXPIRED");
      assert.match(error.fix ?? "", /kinit/);
    } finally {
      await c.close();
    }
  });

  it("a tampered encrypted reply is refused (INTEGRITY_FAILED), a plaintext forgery too (UNSEALED_REPLY)", async () => {
    const tamper = await startHttpMitm({
      upstream: { host: guest.host, port: guest.port },
      // One bit of ciphertext, just before the closing boundary.
      rewriteReply: (n, reply) => {
        if (n !== 1) return undefined;
        const body = Buffer.from(reply.body);
        const at = body.length - "--Encrypted Boundary--\r\n".length - 5;
        body[at] = (body[at] ?? 0) ^ 0x01;
        return { ...reply, body };
      },
    });
    const forge = await startHttpMitm({
      upstream: { host: guest.host, port: guest.port },
      rewriteReply: (n, reply) =>
        n === 1
          ? {
              ...reply,
              headers: { ...reply.headers, "content-type": "application/soap+xml;charset=UTF-8" },
              body: Buffer.from("<s:Envelope/>"),
            }
          : undefined,
    });
    const tampered = new WinrmConnection(options({ port: tamper.port }));
    const forged = new WinrmConnection(options({ port: forge.port }));
    try {
      assert.equal((await rejection(tampered.exec("echo x"))).code, "INTEGRITY_FAILED");
      assert.equal((await rejection(forged.exec("echo x"))).code, "UNSEALED_REPLY");
    } finally {
      await tampered.close();
      await forged.close();
      await tamper.close();
      await forge.close();
    }
  });

  it("pywinrm's Kerberos transport (pykerberos) runs a command through the guest, encrypted", async () => {
    const ccache = await kinit("pywinrm");
    const from = guest.lines.length;
    const script = [
      "import sys, winrm",
      "s = winrm.Session(sys.argv[1], auth=(sys.argv[2], ''), transport='kerberos',",
      "    message_encryption='always', kerberos_hostname_override=sys.argv[3])",
      "r = s.run_cmd('echo', ['from-pywinrm'])",
      "print(r.status_code, r.std_out.decode().strip())",
    ].join("\n");
    const { stdout } = await run(
      needEnv("POD_PYWINRM_KERBEROS_PYTHON"),
      ["-c", script, `http://${guest.host}:${guest.port}/wsman`, needEnv("POD_KDC_USER"), guest.spnHost],
      { env: { ...process.env, KRB5_CONFIG: krb5Config, KRB5CCNAME: ccache } },
    );
    assert.equal(stdout.trim(), "0 from-pywinrm");
    assert.match(newLines(from), /Kerberos authenticated pod-user@POD\.LAB/);
    assert.match(newLines(from), /encrypted Kerberos session \(HTTP-SPNEGO-session-encrypted\)/);
  });
});
