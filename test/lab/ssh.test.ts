import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { SshConnection, type SshConnectionOptions } from "../../provider/src/connections/ssh";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { closedLoopbackPort } from "../support/ports";
import { ed25519KeyPair } from "../support/ssh-keys";

/** Processes on the guest whose command line matches, seen through Docker (not through pod). */
async function processesMatching(guest: GuestContainer, pattern: string): Promise<string[]> {
  const { stdout } = await guest.run(["ps", "-eo", "args"]);
  return stdout.split("\n").filter((line) => line.includes(pattern) && !line.includes("ps -eo"));
}

const FINGERPRINTS_END = "-----END SSH HOST KEY FINGERPRINTS-----";

/** A restartable guest's log after its sshd came back: a second fingerprint block, and sshd listening after it. */
function sshdRestarted(log: string): boolean {
  const second = log.indexOf(FINGERPRINTS_END, log.indexOf(FINGERPRINTS_END) + 1);
  return second > 0 && /Server listening on/.test(log.slice(second));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

describe("lab: SSH connections (ssh2 pool) against OpenSSH guests", function () {
  this.timeout(120_000);
  requireLab();
  const key = ed25519KeyPair({ comment: "pod-lab" });
  const protectedKey = ed25519KeyPair({
    passphrase: "lab key phrase",
    cipher: "aes256-ctr",
    rounds: 16,
  });
  let dir: string;
  let guest: GuestContainer;
  const open: SshConnection[] = [];

  const connect = (overrides: Partial<SshConnectionOptions> = {}): SshConnection => {
    const connection = new SshConnection({
      host: guest.ip,
      username: guest.user,
      password: new Secret(guest.password),
      hostKey: { fingerprints: guest.fingerprints },
      ...overrides,
    });
    open.push(connection);
    return connection;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "pod-ssh-lab-"));
    guest = await startGuest({ authorizedKeys: `${key.public}\n${protectedKey.public}\n` });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await guest?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it("password auth: exit codes, stderr, stdin, env and cwd", async () => {
    const ssh = connect();
    const result = await ssh.exec("echo out; echo err >&2; exit 3");
    assert.deepEqual([result.stdout, result.stderr, result.exitCode, result.timedOut], ["out\n", "err\n", 3, false]);
    const piped = await ssh.exec("tr a-z A-Z", { stdin: "shout\n" });
    assert.equal(piped.stdout, "SHOUT\n");
    const env = await ssh.exec('printf "%s|%s" "$GREETING" "$(pwd)"', { env: { GREETING: "it's $HOME" }, cwd: "/tmp" });
    assert.equal(env.stdout, "it's $HOME|/tmp");
  });

  it("key auth from a 0600 file, and a passphrase-protected key", async () => {
    const file = join(dir, "id_ed25519");
    writeFileSync(file, key.private, { mode: 0o600 });
    const byFile = connect({ password: undefined, privateKeyPath: file });
    assert.equal((await byFile.exec("id -un")).stdout, "pod\n");

    const byContent = connect({
      password: undefined,
      privateKey: new Secret(protectedKey.private),
      passphrase: new Secret("lab key phrase"),
    });
    assert.equal((await byContent.exec("echo key")).exitCode, 0);

    chmodSync(file, 0o644);
    await assert.rejects(
      connect({ password: undefined, privateKeyPath: file }).exec("true"),
      (e) => isPodError(e, "INVALID_INPUT") && /too open/.test(e.message),
    );
  });

  it("agent auth through ssh-agent", async () => {
    assert.ok(existsSync("/usr/bin/ssh-agent"), "ssh-agent is missing: the lab installs openssh-client (make lab)");
    const socket = join(dir, "agent.sock");
    const keyFile = join(dir, "agent_key");
    writeFileSync(keyFile, key.private, { mode: 0o600 });
    const agent: ChildProcess = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    try {
      await waitUntil(async () => existsSync(socket), 5000);
      execFileSync("ssh-add", [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: "ignore" });
      const ssh = connect({ password: undefined, agent: socket });
      assert.equal((await ssh.exec("echo via-agent")).stdout, "via-agent\n");
    } finally {
      agent.kill();
    }
  });

  it("a wrong password is AUTH_FAILED with a fix, not retried, and the password appears nowhere", async () => {
    const wrong = new Secret("not-the-password-4711");
    const started = Date.now();
    await assert.rejects(connect({ password: wrong, dialBackoff: { baseDelayMs: 2000 } }).exec("true"), (e) => {
      assert.ok(isPodError(e, "AUTH_FAILED"), String(e));
      assert.match(e.message, /"pod"/);
      assert.ok(e.fix);
      const text = `${e.message} ${e.fix} ${JSON.stringify(e.details)} ${e.stack}`;
      assert.ok(!text.includes("not-the-password-4711"));
      return true;
    });
    assert.ok(Date.now() - started < 10_000, "no dial retries on an auth failure");
  });

  it("an unknown host key fails HOST_KEY_UNKNOWN with the fingerprint to pin (strict by default)", async () => {
    const knownHostsFile = join(dir, "empty_known_hosts");
    writeFileSync(knownHostsFile, "");
    await assert.rejects(connect({ hostKey: { knownHostsFile } }).exec("true"), (e) => {
      assert.ok(isPodError(e, "HOST_KEY_UNKNOWN"), String(e));
      assert.ok(guest.fingerprints.includes(String(e.details.fingerprint)), "the fingerprint the guest printed");
      return true;
    });
  });

  it("a changed host key is refused (HOST_KEY_MISMATCH), pinned or from known_hosts", async () => {
    const restartable = await startGuest({ restartableSshd: true, restartDelaySeconds: 1 });
    try {
      const knownHostsFile = join(dir, "known_hosts");
      const target = { host: restartable.ip, username: "pod", password: new Secret(restartable.password) };
      const first = connect({ ...target, hostKey: { knownHostsFile, policy: "accept-new" } });
      assert.equal((await first.exec("true")).exitCode, 0);
      await first.close();

      // The guest gets new host keys: a re-created VM, or a man in the middle.
      await restartable.run(["sh", "-c", "rm -f /etc/ssh/ssh_host_*; pkill -x sshd"]);
      // The event: a second fingerprint block (new keys) and sshd listening after it.
      await restartable.waitForLog(sshdRestarted);
      for (const hostKey of [
        { knownHostsFile, policy: "accept-new" as const },
        { fingerprints: restartable.fingerprints },
      ]) {
        await assert.rejects(connect({ ...target, hostKey, dialErrorLimit: 20 }).exec("true"), (e) =>
          isPodError(e, "HOST_KEY_MISMATCH"),
        );
      }
    } finally {
      await restartable.remove();
    }
  });

  it("an unreachable host is UNREACHABLE after dialErrorLimit bounded attempts", async () => {
    const port = await closedLoopbackPort();
    const logs: string[] = [];
    await assert.rejects(
      connect({
        host: "127.0.0.1",
        port,
        dialErrorLimit: 3,
        perDialTimeoutMs: 2000,
        dialBackoff: { baseDelayMs: 50, maxDelayMs: 200 },
        log: (m) => logs.push(m),
      }).exec("true"),
      (e) => isPodError(e, "UNREACHABLE") && e.details.attempts === 3 && /3 attempts/.test(e.message),
    );
    assert.equal(logs.length, 2, "two 'Dial n/3 failed: retrying' lines");
    assert.match(logs[0] ?? "", /Dial 1\/3 to 127\.0\.0\.1:\d+ failed/);
  });

  it("runs 50 concurrent commands on one guest without a channel failure", async () => {
    const ssh = connect(); // the pool's defaults: 4 connections × 5 channels
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => ssh.exec(`sleep 0.2; echo ${i}`)));
    assert.deepEqual(
      results.map((r) => r.stdout),
      results.map((_, i) => `${i}\n`),
    );
    assert.ok(results.every((r) => r.exitCode === 0));
    const stats = ssh.stats();
    assert.ok((stats.openConnections ?? 0) <= 4, `at most 4 connections (${stats.openConnections})`);
    assert.equal(stats.busyChannels, 0);
    assert.equal(stats.lost, 0);
    // Not only success: the pool never overran sshd (MaxSessions refusals) nor had to retry a channel.
    assert.equal(stats.refusals, 0, "no channel refused by sshd");
    assert.equal(stats.channelRetries, 0, "no channel retried");
    assert.equal(stats.failures, 0);
    assert.equal(stats.reconnects, 0);
    assert.equal(stats.leases, 50, "one channel lease per command");
    const health = await ssh.health();
    assert.equal(health.reachable, true);
    assert.equal(health.stats?.commands, 50);
  });

  it("ends a command past its timeout on the guest, children included", async () => {
    const ssh = connect();
    const result = await ssh.exec("sleep 3171 & sleep 3172; echo never", { timeoutMs: 1500 });
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, null);
    assert.equal(result.stdout, "");
    assert.ok(await waitUntil(async () => (await processesMatching(guest, "sleep 317")).length === 0, 5000), "gone");
  });

  // A script goes through $SHELL -c under timeout; a plain argv is exec'd by timeout itself (posix-argv.ts).
  for (const [kind, command, pattern] of [
    ["a script", "sleep 3181; echo never", "sleep 3181"],
    ["a plain argv", "sleep 3183", "sleep 3183"],
  ] as const) {
    it(`the guest-side deadline ends a command even when the connection drops (${kind})`, async () => {
      const ssh = connect();
      const running = ssh.exec(command, { timeoutMs: 2000 }).catch((e: unknown) => e);
      await waitUntil(async () => (await processesMatching(guest, pattern)).length > 0, 5000);
      await ssh.close(); // the client is gone: nobody will send a signal
      assert.ok(isPodError(await running, "CONNECTION_LOST"));
      assert.ok((await processesMatching(guest, pattern)).length > 0, "still running right after the drop");
      assert.ok(await waitUntil(async () => (await processesMatching(guest, pattern)).length === 0, 10_000), "gone");
    });
  }

  it("sshd killed and restarted mid-batch (on the first result): in-flight commands are CONNECTION_LOST, later ones succeed", async () => {
    const flaky = await startGuest({ restartableSshd: true, restartDelaySeconds: 2 });
    try {
      const ssh = connect({
        host: flaky.ip,
        password: new Secret(flaky.password),
        hostKey: { fingerprints: flaky.fingerprints },
        dialBackoff: { baseDelayMs: 200, maxDelayMs: 1000 },
      });
      // 19 commands that run for a while, and a gate that returns first, once 8 of them are
      // running in the guest: its result is the event that says "mid-batch, now".
      const RUNNING = 8;
      const outcome = (p: Promise<{ exitCode: number | null }>) =>
        p.then(
          (r) => r.exitCode,
          (e: unknown) => (isPodError(e) ? e.code : String(e)),
        );
      const workers = Array.from({ length: 19 }, (_, i) => outcome(ssh.exec(`sleep 7.31; echo ${i}`)));
      const gate = await ssh.exec(
        `until [ "$(pgrep -c -x -f 'sleep 7.31')" -ge ${RUNNING} ]; do sleep 0.05; done; echo gate`,
        { timeoutMs: 30_000 },
      );
      assert.equal(gate.stdout, "gate\n", "the first result");
      await flaky.run(["pkill", "-x", "sshd"]);
      const outcomes = await Promise.all(workers);
      const lost = outcomes.filter((o) => o === "CONNECTION_LOST").length;
      assert.ok(lost >= RUNNING, `every command running at the kill reports the loss (${outcomes})`);
      assert.ok(
        outcomes.every((o) => o === 0 || o === "CONNECTION_LOST"),
        `only typed outcomes: exit 0 or CONNECTION_LOST (${outcomes})`,
      );

      // The next batch once sshd is back (its log says so), on connections the pool dials anew.
      await flaky.waitForLog(sshdRestarted);
      const later = await Promise.all(Array.from({ length: 20 }, (_, i) => ssh.exec(`echo ${i}`)));
      assert.ok(later.every((r) => r.exitCode === 0));
      const stats = ssh.stats();
      assert.ok((stats.lost ?? 0) >= 1, "the lost connection was counted");
      assert.ok((stats.reconnects ?? 0) >= 1, "and the reconnect");
    } finally {
      await flaky.remove();
    }
  });

  it("reaches a guest through a jump host (direct-tcpip)", async () => {
    const jump = await startGuest();
    try {
      const ssh = connect({
        jump: {
          host: jump.ip,
          username: "pod",
          password: new Secret(jump.password),
          hostKey: { fingerprints: jump.fingerprints },
        },
      });
      const { stdout } = await ssh.exec('echo "$SSH_CONNECTION"');
      assert.equal(stdout.split(" ")[0], jump.ip, "the guest sees the jump host as the client");
      assert.equal(stdout.split(" ")[2], guest.ip);
    } finally {
      await jump.remove();
    }
  });

  it("allocates a PTY only when asked", async () => {
    const ssh = connect();
    const plain = await ssh.exec("tty");
    assert.equal(plain.exitCode, 1);
    assert.match(plain.stdout, /not a tty/);
    const pty = await ssh.exec("tty", { pty: true });
    assert.match(pty.stdout, /^\/dev\/pts\/\d+/);
  });

  it("puts and gets files over SFTP", async () => {
    const ssh = connect();
    const binary = Buffer.from([0, 1, 2, 255, 10, 13, 0x80]);
    await ssh.putFile("/tmp/pod-sftp.bin", binary, { mode: 0o600 });
    assert.deepEqual(await ssh.getFile("/tmp/pod-sftp.bin"), binary);
    assert.equal((await ssh.exec("stat -c %a /tmp/pod-sftp.bin")).stdout, "600\n");
    await assert.rejects(ssh.getFile("/tmp/does-not-exist"), (e) => isPodError(e, "NOT_FOUND"));
  });
});
