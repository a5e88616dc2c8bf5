import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { isPodError, type PodError } from "../../provider/src/common/errors";
import { WinrmConnection, type WinrmConnectionOptions } from "../../provider/src/connections/winrm/connection";
import { type GssIov, loadGssIov } from "../../provider/src/connections/winrm/kerberos/gss-native";
import { withKrb5Env } from "../../provider/src/connections/winrm/kerberos/krb5-env";
import { type KerberosGuest, startKerberosGuest } from "../support/kerberos-guest";
import { requireLab } from "../support/lab-env";
import { needEnv } from "../support/windows-lab-env";
import { issueInterceptorCert, type Mitm, startTlsInterceptor } from "../support/winrm-mitm";

/**
 * Issue 17: Kerberos channel bindings (Extended Protection) over HTTPS. pod binds its AP-REQ to the
 * certificate it verified (RFC 5929 tls-server-end-point, as gss channel bindings' application
 * data); the lab's Windows guest requires and checks them. First the GSS addon alone against the lab
 * KDC (matching, different and missing bindings), then pod against a guest of the test's own,
 * directly and through a TLS terminator the test starts with another certificate from the lab CA
 * (one pod trusts): the guest refuses the relayed ticket, pod reports AUTH_FAILED naming the binding.
 */
const run = promisify(execFile);

describe("WinRM Kerberos channel bindings over HTTPS (lab KDC)", function () {
  this.timeout(180_000);
  let gss: GssIov;
  let scratch: string;
  let krb5Config: string;
  let ccache: string;

  before(async () => {
    requireLab();
    gss = loadGssIov();
    krb5Config = needEnv("POD_KDC_KRB5_CONFIG");
    scratch = mkdtempSync(join(tmpdir(), "pod-krb-cbt-"));
    ccache = `FILE:${join(scratch, "cc")}`;
    await run("kinit", ["-k", "-t", needEnv("POD_KDC_USER_KEYTAB"), "-c", ccache, needEnv("POD_KDC_USER")], {
      env: { ...process.env, KRB5_CONFIG: krb5Config },
    });
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const service = () => `HTTP@${needEnv("POD_KDC_SERVICE_HOST")}`;
  /** An AP-REQ (in SPNEGO) from the lab user's cache, with these bindings. */
  const initiate = (bindings?: Buffer) =>
    withKrb5Env({ KRB5_CONFIG: krb5Config, KRB5CCNAME: ccache }, () => {
      const c = gss.create(service(), bindings);
      const token = gss.step(c, null).token;
      assert.ok(token);
      return token;
    });
  /** The service's side, with HTTP/<host>'s keytab. */
  const accept = (token: Buffer, bindings?: Buffer) => {
    const saved = process.env.KRB5_KTNAME;
    process.env.KRB5_KTNAME = `FILE:${needEnv("POD_KDC_HTTP_KEYTAB")}`;
    try {
      return withKrb5Env({ KRB5_CONFIG: krb5Config }, () => gss.step(gss.create(undefined, bindings), token));
    } finally {
      if (saved === undefined) delete process.env.KRB5_KTNAME;
      else process.env.KRB5_KTNAME = saved;
    }
  };
  const binding = (label: string) => Buffer.concat([Buffer.from("tls-server-end-point:"), Buffer.from(label)]);

  describe("the GSS addon with the lab KDC", () => {
    it("matching bindings: accepted, and the acceptor sees them bound", () => {
      const step = accept(initiate(binding("A".repeat(32))), binding("A".repeat(32)));
      assert.equal(step.complete, true);
      assert.equal(step.channelBound, true);
      assert.equal(step.user, needEnv("POD_KDC_USER"));
    });

    it("different bindings: refused by the acceptor's GSS library", () => {
      assert.throws(() => accept(initiate(binding("A".repeat(32))), binding("B".repeat(32))), /channel binding/i);
    });

    it("no bindings from the initiator: MIT accepts, but says it is not bound (the guest refuses that)", () => {
      const step = accept(initiate(), binding("A".repeat(32)));
      assert.equal(step.complete, true);
      assert.equal(step.channelBound, false);
      assert.equal(accept(initiate(binding("A".repeat(32)))).channelBound, false, "no acceptor bindings: not bound");
    });
  });

  describe("pod and the lab's Windows guest", () => {
    let guest: KerberosGuest;
    let ca: Buffer;
    let interceptor: { cert: Buffer; key: Buffer };
    const proxies: Mitm[] = [];

    before(async () => {
      guest = await startKerberosGuest();
      ca = readFileSync(needEnv("POD_WINRM_CA_FILE"));
      // Another certificate for 127.0.0.1 from the lab's own CA: pod trusts it, as it would a
      // TLS-inspecting proxy's certificate from a CA the user trusts.
      const caFile = needEnv("POD_WINRM_CA_FILE");
      interceptor = await issueInterceptorCert(scratch, caFile, join(dirname(caFile), "ca-key.pem"));
    });

    after(async () => {
      for (const p of proxies) await p.close();
      await guest?.stop();
    });

    const options = (port: number): WinrmConnectionOptions => ({
      host: "127.0.0.1",
      port,
      https: true,
      tls: { ca },
      auth: "kerberos",
      username: "pod-user",
      password: needEnv("POD_KDC_USER_PASSWORD"),
      kerberos: { realm: "POD.LAB", kdc: needEnv("POD_KDC_ADDR"), spnHost: guest.spnHost },
    });

    it("binds pod's ticket to the guest's certificate; the guest checks and accepts it", async () => {
      const from = guest.lines.length;
      const c = new WinrmConnection(options(guest.httpsPort));
      try {
        assert.equal((await c.exec("echo bound")).stdout.trim(), "bound");
      } finally {
        await c.close();
      }
      const log = guest.lines.slice(from).join("\n");
      assert.match(log, /Kerberos channel bindings verified for pod-user@POD\.LAB from 127\.0\.0\.1/);
    });

    it("through a TLS terminator with another trusted certificate: the guest refuses, pod says AUTH_FAILED", async () => {
      const mitm = await startTlsInterceptor({
        upstream: { host: "127.0.0.1", port: guest.httpsPort },
        ...interceptor,
        upstreamCa: ca,
      });
      proxies.push(mitm);
      const from = guest.lines.length;
      const marker = `cbt-${randomBytes(4).toString("hex")}`;
      const c = new WinrmConnection(options(mitm.port));
      let error: PodError | undefined;
      try {
        await c.exec(`echo ${marker}`);
      } catch (e) {
        if (!isPodError(e)) throw e;
        error = e;
      } finally {
        await c.close();
      }
      assert.ok(error, "pod got through the TLS terminator");
      assert.equal(error.code, "AUTH_FAILED", error.message);
      assert.match(error.fix ?? "", /channel binding/);
      const log = await guest.waitForLine(/Kerberos authentication failed from 127\.0\.0\.1: .*channel binding/i);
      assert.ok(guest.lines.indexOf(log) >= from, "the refusal is this test's");
      assert.ok(!mitm.capture().toString("latin1").includes(marker), "the command never went through");
    });

    /** pywinrm 0.5's Kerberos transport (vendored requests_kerberos + pykerberos, send_cbt on) over https. */
    const pywinrm = async (port: number) => {
      const script = [
        "import sys, winrm",
        "s = winrm.Session(sys.argv[1], auth=(sys.argv[2], ''), transport='kerberos',",
        "    server_cert_validation='validate', ca_trust_path=sys.argv[4], kerberos_hostname_override=sys.argv[3])",
        "try:",
        "    r = s.run_cmd('echo', ['from-pywinrm'])",
        "    print(r.status_code, r.std_out.decode().strip())",
        "except Exception as e:",
        "    print('refused', type(e).__name__, e)",
      ].join("\n");
      const url = `https://127.0.0.1:${port}/wsman`;
      const { stdout } = await run(
        needEnv("POD_PYWINRM_KERBEROS_PYTHON"),
        ["-c", script, url, needEnv("POD_KDC_USER"), guest.spnHost, needEnv("POD_WINRM_CA_FILE")],
        { env: { ...process.env, KRB5_CONFIG: krb5Config, KRB5CCNAME: ccache } },
      );
      return stdout.trim();
    };

    it("pywinrm (a client we did not write) binds its ticket the same way: accepted directly, refused relayed", async () => {
      const from = guest.lines.length;
      assert.equal(await pywinrm(guest.httpsPort), "0 from-pywinrm");
      await guest.waitForLines(/Kerberos channel bindings verified for pod-user@POD\.LAB/, 1, from);
      const mitm = await startTlsInterceptor({
        upstream: { host: "127.0.0.1", port: guest.httpsPort },
        ...interceptor,
        upstreamCa: ca,
      });
      proxies.push(mitm);
      const relayed = guest.lines.length;
      assert.match(await pywinrm(mitm.port), /^refused/);
      await guest.waitForLines(/Kerberos authentication failed from 127\.0\.0\.1: .*channel binding/i, 1, relayed);
    });

    it("a Kerberos client that sends no bindings over HTTPS is refused by the guest", async () => {
      const from = guest.lines.length;
      const token = initiate();
      const status = await new Promise<number>((resolve, reject) => {
        const req = https.request(
          {
            host: "127.0.0.1",
            port: guest.httpsPort,
            path: "/wsman",
            method: "POST",
            ca,
            headers: { Authorization: `Negotiate ${token.toString("base64")}`, "Content-Length": 0 },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end();
      });
      assert.equal(status, 401);
      await guest.waitForLines(
        /refused Kerberos from 127\.0\.0\.1 \(pod-user@POD\.LAB\): no channel bindings/,
        1,
        from,
      );
    });
  });
});
