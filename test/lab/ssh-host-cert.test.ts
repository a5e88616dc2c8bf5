import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ServerHostKeyAlgorithm } from "ssh2";
import { PodClient } from "../../provider/src/client";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { createHostKeyVerifier } from "../../provider/src/connections/ssh/host-key";
import { docker, type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { type LabVault, requireVault } from "../support/vault";

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, "g")) ?? []).length;
const LISTENING = /Server listening on 0\.0\.0\.0/;
const ACCEPTED = /Accepted password for pod/;
const CERT_KEX = /kex: host key algorithm: ssh-ed25519-cert-v01@openssh\.com/;
/** What ssh2 sends when its hostVerifier refuses: SSH_DISCONNECT_KEY_EXCHANGE_FAILED (3). */
const KEX_FAILED = /Received disconnect from \S+ port \d+:3:/;

/**
 * Issue 17: SSH host certificates. A lab guest's sshd presents a
 * HostCertificate; pod's known_hosts holds only `@cert-authority` lines (no
 * key of the guest pinned). The trusted CAs: the lab Vault's SSH engine
 * (signing with cert_type=host) and a throw-away ssh-keygen CA (for an
 * expired certificate, which Vault will not issue). The guest's sshd log
 * (LogLevel DEBUG1) shows which host key algorithm each connection used and
 * why pod left.
 */
describe("lab: SSH host certificates (@cert-authority)", function () {
  this.timeout(180_000);
  requireLab();
  const id = randomBytes(4).toString("hex");
  const role = `pod-host-${id}`;
  const password = `pod-Hc-${id}-Q9`;
  let lab: LabVault;
  let guest: GuestContainer;
  let dir: string;
  let knownHosts: string;
  let hostKey: string;

  const keygen = (args: string[]) => execFileSync("ssh-keygen", args, { encoding: "utf8", stdio: "pipe" });
  /** A host certificate for the guest's ED25519 key from a local CA (ssh-keygen -h). */
  const localCert = (ca: string, principals: string, validity: string, key = hostKey) => {
    writeFileSync(join(dir, "host.pub"), key);
    keygen([
      "-q",
      "-s",
      join(dir, ca),
      "-h",
      "-I",
      `pod-test-${id}`,
      "-n",
      principals,
      "-V",
      validity,
      join(dir, "host.pub"),
    ]);
    return readFileSync(join(dir, "host-cert.pub"), "utf8").trim();
  };
  const vaultCert = (principals: string) =>
    lab
      .vault(
        [
          "write",
          "-field=signed_key",
          `ssh/sign/${role}`,
          "cert_type=host",
          `valid_principals=${principals}`,
          "public_key=-",
        ],
        hostKey,
      )
      .trim();

  /** The guest's whole log so far (not followed). */
  const fullLog = async () =>
    (await docker.getContainer(guest.id).logs({ stdout: true, stderr: true, follow: false })).toString("utf8");
  /** Resolves with the log once it has more `pattern` lines than `before` had. */
  const more = (pattern: RegExp, before: string) =>
    guest.waitForLog((log) => count(log, pattern) > count(before, pattern), 15_000);

  /** Puts the certificate in place and has sshd re-read its configuration (SIGHUP); resolves when it listens again. */
  const present = async (cert: string) => {
    const before = await fullLog();
    const put = await guest.run([
      "sh",
      "-c",
      'printf "%s\\n" "$1" > /etc/ssh/ssh_host_ed25519_key-cert.pub && kill -HUP "$(cat /run/sshd.pid)"',
      "sh",
      cert,
    ]);
    assert.equal(put.exitCode, 0, put.stderr);
    await more(LISTENING, before);
  };
  /** The refusal as sshd saw it: pod left during the key exchange, and no login happened. */
  const refusedInKex = async (before: string) => {
    const log = await more(KEX_FAILED, before);
    assert.equal(count(log, CERT_KEX), count(before, CERT_KEX) + 1, "the certificate was negotiated");
    assert.equal(count(await fullLog(), ACCEPTED), count(before, ACCEPTED), "no login");
  };

  const client = () =>
    new PodClient({
      guest: { username: "pod", password: new Secret(password) },
      agent: false,
      keyFiles: [],
      knownHostsFile: knownHosts,
      env: {},
    });
  const run = async () => {
    const pod = client();
    try {
      return (await pod.executeCommand(guest.ip, ["id", "-un"])).stdout.trim();
    } finally {
      await pod.close();
    }
  };
  before(async () => {
    lab = requireVault();
    dir = mkdtempSync(join(tmpdir(), "pod-hostcert-"));
    keygen(["-q", "-t", "ed25519", "-N", "", "-C", "trusted-ca", "-f", join(dir, "ca")]);
    keygen(["-q", "-t", "ed25519", "-N", "", "-C", "other-ca", "-f", join(dir, "other-ca")]);
    guest = await startGuest({ password });
    hostKey = (await guest.run(["cat", "/etc/ssh/ssh_host_ed25519_key.pub"])).stdout.trim();
    lab.vault([
      "write",
      `ssh/roles/${role}`,
      "key_type=ca",
      "allow_host_certificates=true",
      "allow_bare_domains=true",
      "allow_subdomains=true",
      `allowed_domains=pod.lab,${guest.ip}`,
      "ttl=10m",
    ]);
    const conf = await guest.run([
      "sh",
      "-c",
      "printf 'HostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub\\nLogLevel DEBUG1\\n' > /etc/ssh/sshd_config.d/pod-host-cert.conf",
    ]);
    assert.equal(conf.exitCode, 0, conf.stderr);
    // Only CA lines: nothing about this guest's own key is known to pod.
    knownHosts = join(dir, "known_hosts");
    writeFileSync(
      knownHosts,
      [
        `@cert-authority ${guest.ip},*.pod.lab ${lab.sshCaPublicKey}`,
        `@cert-authority ${guest.ip} ${readFileSync(join(dir, "ca.pub"), "utf8").trim()}`,
      ].join("\n"),
    );
  });

  after(async () => {
    await guest?.remove();
    lab?.vault(["delete", `ssh/roles/${role}`]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("connects with only @cert-authority lines: a Vault-signed host certificate for the dialled IP", async () => {
    await present(vaultCert(guest.ip));
    let before = await fullLog();
    assert.equal(await run(), "pod");
    let log = await more(ACCEPTED, before);
    assert.equal(count(log, CERT_KEX), count(before, CERT_KEX) + 1, "sshd negotiated its host certificate");
    // And the same through the ssh-keygen CA's line.
    await present(localCert("ca", guest.ip, "-5m:+10m"));
    before = await fullLog();
    assert.equal(await run(), "pod");
    log = await more(ACCEPTED, before);
    assert.equal(count(log, CERT_KEX), count(before, CERT_KEX) + 1);
  });

  it("refuses a certificate from another CA (HOST_KEY_MISMATCH); sshd sees pod leave during the key exchange", async () => {
    await present(localCert("other-ca", guest.ip, "-5m:+10m"));
    const before = await fullLog();
    await assert.rejects(run(), (e) => isPodError(e, "HOST_KEY_MISMATCH") && /CA not trusted/.test(e.message));
    await refusedInKex(before);
  });

  it("refuses an expired certificate from a trusted CA (HOST_CERT_INVALID)", async () => {
    await present(localCert("ca", guest.ip, "20200101:20200102"));
    const before = await fullLog();
    await assert.rejects(run(), (e) => isPodError(e, "HOST_CERT_INVALID") && /expired/.test(e.message));
    await refusedInKex(before);
  });

  it("refuses a certificate whose principals do not name the dialled host (HOST_CERT_INVALID)", async () => {
    await present(vaultCert("elsewhere.pod.lab"));
    const before = await fullLog();
    await assert.rejects(
      run(),
      (e) =>
        isPodError(e, "HOST_CERT_INVALID") && e.message.includes(`not "${guest.ip}"`) && /elsewhere/.test(e.message),
    );
    await refusedInKex(before);
  });

  it("negotiates the RSA (rsa-sha2-512/256) and ECDSA certificate algorithms too, checked by pod's verifier", async () => {
    const keys = await guest.run(["sh", "-c", "cat /etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_ecdsa_key.pub"]);
    const [rsa = "", ecdsa = ""] = keys.stdout.trim().split("\n");
    const put = await guest.run([
      "sh",
      "-c",
      'printf "%s\\n" "$1" > /etc/ssh/ssh_host_rsa_key-cert.pub && printf "%s\\n" "$2" > /etc/ssh/ssh_host_ecdsa_key-cert.pub && printf "HostCertificate /etc/ssh/ssh_host_rsa_key-cert.pub\\nHostCertificate /etc/ssh/ssh_host_ecdsa_key-cert.pub\\n" >> /etc/ssh/sshd_config.d/pod-host-cert.conf',
      "sh",
      localCert("ca", guest.ip, "-5m:+10m", rsa),
      localCert("ca", guest.ip, "-5m:+10m", ecdsa),
    ]);
    assert.equal(put.exitCode, 0, put.stderr);
    await present(localCert("ca", guest.ip, "-5m:+10m"));
    const verifier = await createHostKeyVerifier(guest.ip, 22, { knownHostsFile: knownHosts });
    for (const algorithm of [
      "rsa-sha2-512-cert-v01@openssh.com",
      "rsa-sha2-256-cert-v01@openssh.com",
      "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    ]) {
      const before = await fullLog();
      const user = await new Promise<string>((resolve, reject) => {
        const ssh = new Client();
        ssh.on("error", reject);
        ssh.on("ready", () =>
          ssh.exec("id -un", (error, channel) => {
            if (error) return reject(error);
            let out = "";
            channel.on("data", (d: Buffer) => {
              out += d;
            });
            channel.on("close", () => {
              ssh.end();
              resolve(out.trim());
            });
          }),
        );
        ssh.connect({
          host: guest.ip,
          username: "pod",
          password,
          algorithms: { serverHostKey: [algorithm as ServerHostKeyAlgorithm] },
          hostVerifier: (key: Buffer, done: (ok: boolean) => void) =>
            verifier.verify(key).then(
              () => done(true),
              (e: unknown) => {
                reject(e);
                done(false);
              },
            ),
        });
      });
      assert.equal(user, "pod", algorithm);
      const log = await more(ACCEPTED, before);
      assert.equal(
        count(log, new RegExp(`host key algorithm: ${algorithm}`)),
        count(before, new RegExp(`host key algorithm: ${algorithm}`)) + 1,
      );
    }
  });
});
