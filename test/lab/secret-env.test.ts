import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { secret } from "../../provider/src/common/secret";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { SshConnection } from "../../provider/src/connections/ssh";
import type { GuestConnection } from "../../provider/src/connections/types";
import { CommandExecutor } from "../../provider/src/execution/executor";
import { MemoryAuditSink } from "../../provider/src/observability/audit-record";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Issue 12: secret environment values, stdin and argv words reach the command
 * but no other local user of the guest sees the env value: `ps -ef` and every
 * /proc/<pid>/cmdline are read from the guest's side (docker exec, not pod)
 * while the command is running. The command waits for a file this test
 * creates after looking, so the look happens while every process is alive.
 */
describe("lab: secret env values never on a guest command line", function () {
  this.timeout(120_000);
  requireLab();
  let guest: GuestContainer;
  const open: GuestConnection[] = [];

  before(async () => {
    guest = await startGuest();
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await guest?.remove();
  });

  /** Every process's argv as the guest's kernel shows it, NULs as spaces, plus `ps -ef`. */
  async function guestCommandLines(): Promise<string> {
    const ps = await guest.run(["ps", "-ef"]);
    const proc = await guest.run(["sh", "-c", "for f in /proc/[0-9]*/cmdline; do tr '\\000' ' ' < \"$f\"; echo; done"]);
    return `${ps.stdout}\n${proc.stdout}`;
  }

  async function waitForFile(path: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while ((await guest.run(["test", "-e", path])).exitCode !== 0) {
      if (Date.now() > deadline) throw new Error(`${path} did not appear in the guest`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("ssh: a multi-statement command line keeps the login shell alive, and its argv holds no env value", async () => {
    const connection = new SshConnection({
      host: guest.ip,
      username: guest.user,
      password: secret(guest.password),
      hostKey: { fingerprints: guest.fingerprints },
    });
    open.push(connection);
    const id = randomBytes(4).toString("hex");
    const envValue = `env-Secret-${id}-Zq`;
    const ready = `/tmp/pod-ready-${id}`;
    const done = `/tmp/pod-done-${id}`;
    // Several statements: the login shell cannot exec the last one away, so it lives through the look.
    const line = `touch ${ready}; while [ ! -e ${done} ]; do sleep 0.1; done; printf %s "$POD_TEST_SECRET" | sha256sum`;
    const run = connection.exec(line, { env: { POD_TEST_SECRET: envValue } });
    try {
      await waitForFile(ready);
      const seen = await guestCommandLines();
      assert.match(seen, new RegExp(`pod-done-${id}`), "the login shell's own line is visible: the look is real");
      assert.ok(!seen.includes(envValue), `the env value is on a command line:\n${seen}`);
    } finally {
      await guest.run(["touch", done]);
    }
    const result = await run;
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout.split(" ")[0], sha256(envValue));
  });

  // Without a deadline the login shell stays the command's parent (no `exec timeout`): its argv is what ps shows.
  for (const [transport, timeoutMs] of [
    ["ssh", undefined],
    ["ssh", 60_000],
    ["docker", 60_000],
  ] as const) {
    it(`${transport}${timeoutMs ? " with a deadline" : ""}: the env value reaches the command, and ps / cmdline never show it`, async () => {
      const connection =
        transport === "ssh"
          ? new SshConnection({
              host: guest.ip,
              username: guest.user,
              password: secret(guest.password),
              hostKey: { fingerprints: guest.fingerprints },
            })
          : new DockerExecConnection({ container: guest.name });
      open.push(connection);
      const id = randomBytes(4).toString("hex");
      const envValue = `env-Secret-${id}-Zq`;
      const stdinValue = `stdin-Secret-${id}-Zq`;
      const argValue = `arg-${id}`;
      const ready = `/tmp/pod-ready-${id}`;
      const done = `/tmp/pod-done-${id}`;
      const audit = new MemoryAuditSink();
      const executor = new CommandExecutor({ audit });
      const script = [
        `touch ${ready}`,
        `while [ ! -e ${done} ]; do sleep 0.1; done`,
        'printf %s "$POD_TEST_SECRET" | sha256sum',
        'printf %s "$1" | sha256sum',
        "sha256sum",
      ].join("\n");
      const run = executor.run({ connection, os: "linux" }, ["sh", "-c", script, "pod", secret(argValue)], {
        env: { POD_TEST_SECRET: secret(envValue) },
        stdin: secret(stdinValue),
        ...(timeoutMs ? { timeoutMs } : {}),
      });
      try {
        await waitForFile(ready);
        const seen = await guestCommandLines();
        assert.match(seen, new RegExp(`pod-ready-${id}`), "the command's own line is visible: the look is real");
        assert.ok(!seen.includes(envValue), `the env value is on a command line:\n${seen}`);
        assert.ok(!seen.includes(stdinValue), "the stdin value is on a command line");
      } finally {
        await guest.run(["touch", done]);
      }
      const result = await run;
      assert.equal(result.exitCode, 0, result.stderr);
      const hashes = result.stdout.split("\n").map((l) => l.split(" ")[0]);
      assert.deepEqual(hashes, [sha256(envValue), sha256(argValue), sha256(stdinValue)]);
      assert.equal(audit.records[0]?.action, `sh -c ${script} pod ***`);
      assert.ok(!JSON.stringify(audit.records).includes(argValue));
    });
  }
});
