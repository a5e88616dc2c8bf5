import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { isPodError, type PodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { WinrmConnection, type WinrmConnectionOptions } from "../../provider/src/connections/winrm/connection";
import { Flag, MessageType } from "../../provider/src/connections/winrm/ntlm/constants";
import { requireLab } from "../support/lab-env";
import { hostPort, needEnv } from "../support/windows-lab-env";
import { FORGED_401, issueInterceptorCert, type Mitm, startHttpMitm, startTlsInterceptor } from "../support/winrm-mitm";
import { assertNotInCapture, FORGED_RECEIVE, sentTypes, weaken } from "../support/winrm-mitm-attacks";

/**
 * Issue 12 (High): WinRM NTLM against a man in the middle. Each attacker is a
 * proxy this test starts on 127.0.0.1 between pod and the lab's Windows
 * guest; its capture of every forwarded byte is checked afterwards.
 *  - HTTP: a CHALLENGE stripped of sealing/128/key exchange or of its
 *    timestamp → NTLM_DOWNGRADE, nothing further sent; an encrypted reply
 *    replaced by a forged plaintext one (exit code 0) → UNSEALED_REPLY, or
 *    altered by one bit → INTEGRITY_FAILED; a Command forwarded to the guest
 *    and answered 401 → CONNECTION_LOST, not resent (it ran once), while a
 *    Receive answered 401 is resent after a fresh handshake. The
 *    command text and the password never cross the wire in clear.
 *  - HTTPS (pod's default): NTLM with channel binding works end to end, and
 *    a TLS-intercepting proxy holding another lab-CA certificate is refused
 *    by the guest (it logs the wrong binding), for pod and for pywinrm.
 */
const run = promisify(execFile);

function windowsLab() {
  const labEnv = requireLab();
  const caFile = needEnv("POD_WINRM_CA_FILE");
  return {
    http: hostPort(needEnv("POD_WINRM_HTTP")),
    https: hostPort(needEnv("POD_WINRM_HTTPS")),
    caFile,
    ca: readFileSync(caFile),
    caKeyFile: join(dirname(caFile), "ca-key.pem"),
    guestLog: process.env.POD_WINDOWS_GUEST_LOG ?? join(labEnv.state, "logs", "windows-guest.log"),
    user: needEnv("POD_WINDOWS_USER"),
    password: needEnv("POD_WINDOWS_PASSWORD"),
    py05: needEnv("POD_PYWINRM_VENV_PYTHON"),
    py03: needEnv("POD_PYWINRM03_PYTHON"),
    opensslLegacy: needEnv("POD_OPENSSL_LEGACY_CONF"),
  };
}

/** New lines of the guest's log since `from` (a byte offset). */
const logSince = (file: string, from: number): string => readFileSync(file).subarray(from).toString("utf8");
const logSize = (file: string): number => statSync(file).size;

describe("lab: WinRM NTLM against a man in the middle (issue 12)", function () {
  this.timeout(120_000);
  const lab = windowsLab();
  const secretPassword = `Bk-${randomBytes(9).toString("base64url")}`;
  const command = `net user backup "${secretPassword}"`;
  const open: WinrmConnection[] = [];
  const proxies: Mitm[] = [];
  const connect = (o: Partial<WinrmConnectionOptions> & { host: string; port: number }) => {
    const c = new WinrmConnection({ username: lab.user, password: new Secret(lab.password), ...o });
    open.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  const failure = async (p: Promise<unknown>): Promise<PodError> => {
    const e = await p.then(
      (r) => assert.fail(`expected a refusal, got ${JSON.stringify(r)}`),
      (error: unknown) => error,
    );
    assert.ok(isPodError(e), String(e));
    return e;
  };

  describe("plain HTTP (explicit), NTLM message encryption", () => {
    for (const [name, weakening, missing] of [
      [
        "sealing, 128-bit and key exchange stripped",
        { clearFlags: Flag.SEAL | Flag.NEGOTIATE_128 | Flag.KEY_EXCH },
        ["SEAL", "128", "KEY_EXCH"],
      ],
      ["timestamp removed (no MIC possible)", { dropTimestamp: true }, ["timestamp (MsvAvTimestamp)"]],
    ] as const) {
      it(`refuses a CHALLENGE with ${name}: NTLM_DOWNGRADE, no AUTHENTICATE, no command sent`, async () => {
        const mitm = await startHttpMitm({ upstream: lab.http, rewriteChallenge: (t) => weaken(t, weakening) });
        proxies.push(mitm);
        const c = connect({ host: "127.0.0.1", port: mitm.port, https: false });
        const e = await failure(c.exec(command));
        assert.equal(e.code, "NTLM_DOWNGRADE", e.describe());
        assert.deepEqual(e.details.missing, missing);
        assert.ok(e.fix && /https/.test(e.fix));
        assert.deepEqual(sentTypes(mitm), [MessageType.Negotiate], "only the NEGOTIATE went out");
        assertNotInCapture(mitm.capture(), "net user backup", "the command");
        assertNotInCapture(mitm.capture(), secretPassword, "the command's password");
        assertNotInCapture(mitm.capture(), lab.password, "the Administrator password");
      });
    }

    it("refuses a forged plaintext reply on the sealed session (exit code 0): UNSEALED_REPLY", async () => {
      // Replies 1 and 2 (shell created, command started) pass; the Receive that carries the exit code is forged.
      const mitm = await startHttpMitm({
        upstream: lab.http,
        rewriteReply: (n, reply) => (n >= 3 ? FORGED_RECEIVE(reply.status) : undefined),
      });
      proxies.push(mitm);
      const c = connect({ host: "127.0.0.1", port: mitm.port, https: false });
      const e = await failure(c.exec(command));
      assert.equal(e.code, "UNSEALED_REPLY", e.describe());
      assert.ok(e.fix);
      const wire = mitm.capture();
      assert.ok(wire.includes("multipart/encrypted"), "the requests went sealed");
      assertNotInCapture(wire, "net user backup", "the command");
      assertNotInCapture(wire, secretPassword, "the command's password");
      assertNotInCapture(wire, lab.password, "the Administrator password");
    });

    it("refuses a sealed reply altered on the way (one ciphertext byte flipped): INTEGRITY_FAILED", async () => {
      const mitm = await startHttpMitm({
        upstream: lab.http,
        rewriteReply: (n, reply) => {
          if (n < 3) return undefined;
          const body = Buffer.from(reply.body);
          const at = body.lastIndexOf("--Encrypted Boundary--") - 5; // inside the sealed SOAP
          body[at] = (body[at] ?? 0) ^ 0x01;
          return { ...reply, body };
        },
      });
      proxies.push(mitm);
      const e = await failure(connect({ host: "127.0.0.1", port: mitm.port, https: false }).exec(command));
      assert.equal(e.code, "INTEGRITY_FAILED", e.describe());
      assertNotInCapture(mitm.capture(), "net user backup", "the command");
    });

    it("the same proxy, forwarding faithfully, changes nothing (the refusals above are the attacks')", async () => {
      const mitm = await startHttpMitm({ upstream: lab.http });
      proxies.push(mitm);
      const r = await connect({ host: "127.0.0.1", port: mitm.port, https: false }).exec("echo sealed-through-proxy");
      assert.deepEqual([r.exitCode, r.stdout], [0, "sealed-through-proxy\r\n"]);
      assertNotInCapture(mitm.capture(), "sealed-through-proxy", "the command");
    });

    it("does not resend a Command the proxy forwarded and answered with 401: CONNECTION_LOST, it ran once", async () => {
      const file = `C:\\pod-replay-${randomBytes(4).toString("hex")}.txt`;
      // Reply 1 (shell created) passes; the Command reaches the guest (it runs), but pod is told 401.
      const mitm = await startHttpMitm({ upstream: lab.http, rewriteReply: (n) => (n === 2 ? FORGED_401 : undefined) });
      proxies.push(mitm);
      const c = connect({ host: "127.0.0.1", port: mitm.port, https: false });
      const e = await failure(c.exec(`echo ran>> ${file}`));
      const [sealed, handshakes] = [mitm.bodies.length, sentTypes(mitm)];
      assert.equal(e.code, "CONNECTION_LOST", e.describe());
      assert.deepEqual(e.details, { status: 401, operation: "Command" });
      assert.match(e.message, /may or may not have run, and pod did not send it again/);
      assert.match(e.fix ?? "", /only if it is safe to repeat.*https/);
      assert.equal(sealed, 2, "Create shell, then the Command once: not resent");
      assert.deepEqual(handshakes, [MessageType.Negotiate, MessageType.Authenticate], "no second handshake");
      // The guest's side, through a fresh direct connection: one line, the command ran exactly once.
      const r = await connect({ ...lab.http, https: false }).exec(`type ${file}`);
      assert.deepEqual([r.exitCode, r.stdout], [0, "ran\r\n"]);
    });

    it("does not resend stdin (Send) answered with 401 either: CONNECTION_LOST, the script ran once", async () => {
      const file = `C:\\pod-replay-${randomBytes(4).toString("hex")}.txt`;
      // Replies 1 and 2 (shell, Command) pass; the Send carrying the script reaches the guest, pod is told 401.
      const mitm = await startHttpMitm({ upstream: lab.http, rewriteReply: (n) => (n === 3 ? FORGED_401 : undefined) });
      proxies.push(mitm);
      const c = connect({ host: "127.0.0.1", port: mitm.port, https: false });
      const e = await failure(c.exec("powershell -NoProfile", { stdin: `Add-Content -Path ${file} -Value ran\r\n` }));
      const [sealed, handshakes] = [mitm.bodies.length, sentTypes(mitm)];
      assert.equal(e.code, "CONNECTION_LOST", e.describe());
      assert.deepEqual(e.details, { status: 401, operation: "Send" });
      // After the refusal pod ends the command with a terminate Signal (replay-safe) on a fresh session.
      assert.equal(sealed, 4, "Create shell, Command, the Send once (not resent), then the Signal");
      const { Negotiate: N, Authenticate: A } = MessageType;
      assert.deepEqual(handshakes, [N, A, N, A], "the second handshake is the Signal's");
      const r = await connect({ ...lab.http, https: false }).exec(`type ${file}`);
      assert.deepEqual([r.exitCode, r.stdout], [0, "ran\r\n"]);
    });

    it("recovers a Receive (replay-safe) answered with 401: one fresh handshake, the command completes", async () => {
      // Requests 1 and 2 (Create shell, Command) pass; the first Receive never reaches the guest: pod gets 401.
      const mitm = await startHttpMitm({
        upstream: lab.http,
        answerRequest: (n) => (n === 3 ? FORGED_401 : undefined),
      });
      proxies.push(mitm);
      const c = connect({ host: "127.0.0.1", port: mitm.port, https: false });
      const r = await c.exec("echo received-after-401");
      assert.deepEqual([r.exitCode, r.stdout], [0, "received-after-401\r\n"]);
      assert.deepEqual(
        mitm.bodies.slice(0, 4).map((b) => b.forwarded),
        [true, true, false, true],
        "the Receive resent after the 401",
      );
      const { Negotiate: N, Authenticate: A } = MessageType;
      assert.deepEqual(sentTypes(mitm), [N, A, N, A], "one fresh handshake before the resend");
    });
  });

  describe("HTTPS (the default) with channel binding", () => {
    let dir = "";
    let interceptor: { cert: Buffer; key: Buffer };
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "pod-mitm-"));
      interceptor = await issueInterceptorCert(dir, lab.caFile, lab.caKeyFile);
    });
    after(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });
    const startInterceptor = async () => {
      const mitm = await startTlsInterceptor({ upstream: lab.https, ...interceptor, upstreamCa: lab.ca });
      proxies.push(mitm);
      return mitm;
    };

    it("works end to end with no https option given, the guest verifying pod's channel binding", async () => {
      const from = logSize(lab.guestLog);
      const c = connect({ ...lab.https, tls: { ca: lab.ca } });
      const r = await c.exec("whoami");
      assert.deepEqual([r.exitCode, r.stdout], [0, "win2022-lab\\administrator\r\n"]);
      assert.match(
        logSince(lab.guestLog, from),
        /NTLM authenticated Administrator from 127\.0\.0\.1 \(channel bindings: verified\)/,
      );
    });

    it("is refused by the guest through a TLS-intercepting proxy (wrong channel binding): AUTH_FAILED", async () => {
      const mitm = await startInterceptor();
      const from = logSize(lab.guestLog);
      const c = connect({ host: "127.0.0.1", port: mitm.port, tls: { ca: lab.ca } });
      const e = await failure(c.exec(command));
      assert.equal(e.code, "AUTH_FAILED", e.describe());
      assert.match(e.fix ?? "", /channel binding/);
      assert.match(
        logSince(lab.guestLog, from),
        /NTLM authentication failed from 127\.0\.0\.1: channel bindings wrong/,
      );
      // The interceptor reads everything in clear, yet saw no password and no command: NTLM never sends
      // the password, and the command would only follow a successful authentication.
      assertNotInCapture(mitm.capture(), "net user backup", "the command");
      assertNotInCapture(mitm.capture(), lab.password, "the Administrator password");
    });

    it("(control) Basic through the same interceptor gets in: binding is what stops the relay", async () => {
      const mitm = await startInterceptor();
      const c = connect({ host: "127.0.0.1", port: mitm.port, auth: "basic", tls: { ca: lab.ca } });
      assert.equal((await c.exec("hostname")).exitCode, 0);
      assert.ok(
        mitm.capture().includes(Buffer.from(`Basic ${Buffer.from(`${lab.user}:${lab.password}`).toString("base64")}`)),
      );
    });

    const PYWINRM = `
import json, sys, winrm
from winrm.exceptions import InvalidCredentialsError
url, user, password, ca = sys.argv[1:5]
s = winrm.Session(url, auth=(user, password), transport="ntlm", server_cert_validation="validate", ca_trust_path=ca)
try:
    r = s.run_cmd("hostname"); print(json.dumps({"ok": [r.status_code, r.std_out.decode()]}))
except InvalidCredentialsError as e:
    print(json.dumps({"refused": str(e)[:200]}))
`;
    for (const [name, python, env] of [
      ["pywinrm 0.5.0 (requests_ntlm 1.3 / pyspnego)", () => lab.py05, () => ({})],
      ["pywinrm 0.3.0 (Debian; requests_ntlm 1.1)", () => lab.py03, () => ({ OPENSSL_CONF: lab.opensslLegacy })],
    ] as const) {
      it(`${name} sends channel bindings over HTTPS: verified directly, refused through the interceptor`, async () => {
        const py = async (port: number) => {
          const { stdout } = await run(
            python(),
            ["-c", PYWINRM, `https://127.0.0.1:${port}/wsman`, lab.user, lab.password, lab.caFile],
            { env: { ...process.env, ...env() }, timeout: 60_000 },
          );
          return JSON.parse(stdout) as { ok?: [number, string]; refused?: string };
        };
        let from = logSize(lab.guestLog);
        assert.deepEqual((await py(lab.https.port)).ok, [0, "WIN2022-LAB\r\n"]);
        assert.match(logSince(lab.guestLog, from), /\(channel bindings: verified\)/);
        const mitm = await startInterceptor();
        from = logSize(lab.guestLog);
        const through = await py(mitm.port);
        assert.ok(through.refused !== undefined, `pywinrm got through the interceptor: ${JSON.stringify(through)}`);
        assert.match(logSince(lab.guestLog, from), /channel bindings wrong/);
      });
    }
  });
});
