import assert from "node:assert/strict";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { SshConnection, type SshConnectionOptions } from "../../provider/src/connections/ssh";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

/**
 * Issue 15: SSH sessionMode "persistent" (long-lived shells, commands framed
 * by end markers) against an OpenSSH guest. Correctness only; how fast it is
 * belongs to `make bench`. The guest's side is read through Docker.
 */
describe("lab: SSH persistent-session mode against an OpenSSH guest", function () {
  this.timeout(120_000);
  requireLab();
  let guest: GuestContainer;
  const open: SshConnection[] = [];

  const connect = (overrides: Partial<SshConnectionOptions> = {}): SshConnection => {
    const connection = new SshConnection({
      host: guest.ip,
      username: guest.user,
      password: new Secret(guest.password),
      hostKey: { fingerprints: guest.fingerprints },
      sessionMode: "persistent",
      ...overrides,
    });
    open.push(connection);
    return connection;
  };

  /** The PID of the shell that ran a command ($$ in a subshell is its parent shell's). */
  const shellPid = async (ssh: SshConnection): Promise<number> => Number((await ssh.exec("echo $$")).stdout.trim());

  /** The guest's processes (pid and args), seen through Docker, not through pod. */
  const guestProcesses = async (): Promise<{ pid: number; args: string }[]> => {
    const { stdout } = await guest.run(["ps", "-eo", "pid=,args="]);
    return stdout
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .flatMap((m) => (m ? [{ pid: Number(m[1]), args: m[2] ?? "" }] : []));
  };

  before(async () => {
    guest = await startGuest();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(async () => {
    await guest?.remove();
  });

  it("runs many commands in one shell with exact exit codes and stdout apart from stderr", async () => {
    const ssh = connect();
    const first = await ssh.exec("echo out; echo err >&2; exit 3");
    assert.deepEqual([first.stdout, first.stderr, first.exitCode, first.timedOut], ["out\n", "err\n", 3, false]);
    const bare = await ssh.exec("printf 'no newline'; printf 'e' >&2");
    assert.deepEqual([bare.stdout, bare.stderr, bare.exitCode], ["no newline", "e", 0]);
    const pids = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const r = await ssh.exec(`echo $$; exit ${i % 4}`);
      assert.equal(r.exitCode, i % 4);
      pids.add(Number(r.stdout.trim()));
    }
    assert.equal(pids.size, 1, "every command ran in the same shell");
    const [pid] = [...pids];
    const shell = (await guestProcesses()).find((p) => p.pid === pid);
    assert.ok(shell, `the guest runs the shell ${pid}`);
    assert.equal(ssh.stats().shellsOpened, 1);
    // Large output crosses many SSH packets and stays whole.
    const big = await ssh.exec("head -c 300000 /dev/zero | tr '\\0' x; seq 1 2000 >&2");
    assert.equal(big.stdout, "x".repeat(300_000));
    assert.equal(big.stderr.split("\n").length, 2001);
  });

  it("keeps environment, working directory and shell state from leaking between commands", async () => {
    const ssh = connect({ persistentShells: 1 });
    const home = (await ssh.exec("pwd")).stdout.trim();
    const spoiled = await ssh.exec("export LEAK=1; X=2; cd /tmp; umask 077; set -e; alias ll=ls; trap 'echo t' EXIT");
    assert.equal(spoiled.exitCode, 0);
    const after = await ssh.exec(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a template
      'printf "%s|%s|%s|%s" "${LEAK-unset}" "${X-unset}" "$(pwd)" "$(umask)"; false; echo on',
    );
    assert.deepEqual([after.stdout, after.exitCode], [`unset|unset|${home}|0022on\n`, 0]);
    const withEnv = await ssh.exec('printf "%s|%s" "$GREETING" "$(pwd)"', {
      env: { GREETING: "it's $HOME\nline two" },
      cwd: "/tmp",
    });
    assert.equal(withEnv.stdout, "it's $HOME\nline two|/tmp");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a template
    const next = await ssh.exec('printf "%s|%s" "${GREETING-unset}" "$(pwd)"');
    assert.equal(next.stdout, `unset|${home}`);
    const badCwd = await ssh.exec("echo never", { cwd: "/no/such/dir" });
    assert.equal(badCwd.exitCode, 1);
    assert.equal(badCwd.stdout, "");
    assert.equal(ssh.stats().shellsOpened, 1);
  });

  it("frames output that looks like markers, broken syntax and exit in the command", async () => {
    const ssh = connect({ persistentShells: 1 });
    const pid = await shellPid(ssh);
    const fake = "_pod_0123456789abcdef 0\n_pod_"; // newMarker's form
    const markerish = await ssh.exec(`printf '%s' '${fake}'; printf '%s' '${fake}' >&2; exit 5`);
    assert.deepEqual([markerish.stdout, markerish.stderr, markerish.exitCode], [fake, fake, 5]);
    const unbalanced = await ssh.exec("echo 'abc");
    assert.notEqual(unbalanced.exitCode, 0);
    assert.match(unbalanced.stderr, /EOF|unexpected|unterminated/i);
    const paren = await ssh.exec("echo ) )");
    assert.notEqual(paren.exitCode, 0);
    const exits = await ssh.exec("exit 7");
    assert.equal(exits.exitCode, 7);
    const readsStdin = await ssh.exec("cat; echo done");
    assert.equal(readsStdin.stdout, "done\n", "the command's stdin is empty, not the shell's protocol stream");
    assert.equal(await shellPid(ssh), pid, "the same shell survived all of it");
  });

  it("a timeout ends only that command's process tree and leaves the shell usable", async () => {
    const ssh = connect({ persistentShells: 1, killGraceMs: 1000 });
    const pid = await shellPid(ssh);
    const started = Date.now();
    const slow = await ssh.exec("sh -c 'sleep 97; echo late' & sleep 98; echo late", { timeoutMs: 1000 });
    assert.equal(slow.timedOut, true);
    assert.equal(slow.exitCode, null);
    assert.equal(slow.stdout, "");
    assert.ok(Date.now() - started < 1000 + 3 * 1000 + 5000, "ended within the timeout and its kill grace");
    const left = (await guestProcesses()).filter((p) => /sleep 9[78]/.test(p.args));
    assert.deepEqual(left, [], "no process of the timed-out command is left on the guest");
    assert.equal(await shellPid(ssh), pid, "the next command runs in the same shell");
    const after = await ssh.exec("echo ok; exit 4");
    assert.deepEqual([after.stdout, after.exitCode, after.timedOut], ["ok\n", 4, false]);
    assert.equal(ssh.stats().timeouts, 1);
  });

  it("a shell that dies fails its command with CONNECTION_LOST and the next command gets a new shell", async () => {
    const ssh = connect({ persistentShells: 1 });
    const pid = await shellPid(ssh);
    let running: () => void = () => {};
    const isRunning = new Promise<void>((resolve) => {
      running = resolve;
    });
    const inFlight = ssh.exec("echo started; sleep 60; echo never", { onStdout: () => running() });
    const outcome = inFlight.then(
      () => assert.fail("the command resolved although its shell died"),
      (error: unknown) => error,
    );
    // Kill the shell from the guest's side once its command has started there.
    await isRunning;
    await guest.run(["kill", "-9", String(pid)]);
    const error = await outcome;
    assert.ok(isPodError(error), String(error));
    assert.equal(error.code, "CONNECTION_LOST");
    assert.equal(error.details.stdout, "started\n");
    const next = await ssh.exec("echo $$; echo again");
    const [newPid, text] = next.stdout.trim().split("\n");
    assert.equal(text, "again");
    assert.notEqual(Number(newPid), pid, "a new shell ran it");
    assert.equal(next.exitCode, 0);
    assert.equal(ssh.stats().shellsLost, 1);
  });

  it("runs concurrent commands on several shells, and stdin or pty commands on exec channels", async () => {
    const ssh = connect({ persistentShells: 3 });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => ssh.exec(`echo ${i}; echo e${i} >&2; exit ${i % 7}`)),
    );
    results.forEach((r, i) => {
      assert.deepEqual([r.stdout, r.stderr, r.exitCode], [`${i}\n`, `e${i}\n`, i % 7]);
    });
    const opened = ssh.stats().shellsOpened ?? 0;
    assert.ok(opened >= 1 && opened <= 3, `at most 3 shells (opened ${opened})`);
    const piped = await ssh.exec("tr a-z A-Z", { stdin: "shout\n" });
    assert.equal(piped.stdout, "SHOUT\n");
  });

  it("refuses an unknown session mode with a typed error", () => {
    assert.throws(
      () => connect({ sessionMode: "tmux" as unknown as "exec" }),
      (error: unknown) => isPodError(error) && error.code === "INVALID_INPUT",
    );
  });
});
