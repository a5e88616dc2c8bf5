import assert from "node:assert/strict";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { SshConnection } from "../../provider/src/connections/ssh";
import type { GuestConnection } from "../../provider/src/connections/types";
import { CommandExecutor } from "../../provider/src/execution/executor";
import type { OsInfo } from "../../provider/src/os/types";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

const DEBIAN: OsInfo = {
  type: "linux",
  family: "debian",
  distribution: "debian",
  version: "12",
  container: false,
  tools: [],
};

/**
 * Issue 13: an aborted signal ends a command that is running in the guest
 * (its whole process tree, children included), the run fails with
 * CANCELLED, and the same pooled connection runs the next command. What runs
 * is read from the guest's own process list through Docker, not through pod.
 */
describe("lab: cancelling a running command ends it in the guest", function () {
  this.timeout(120_000);
  requireLab();
  let guest: GuestContainer;
  const open: GuestConnection[] = [];
  const executor = new CommandExecutor();

  /** Processes whose whole command line is `args`, seen by the guest's own ps (the shells around it differ). */
  const running = async (args: string): Promise<string[]> => {
    const { stdout } = await guest.run(["ps", "-eo", "pid=,args="]);
    return stdout.split("\n").filter((line) => line.trim().replace(/^\d+\s+/, "") === args);
  };

  before(async () => {
    guest = await startGuest();
  });
  after(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await guest?.remove();
  });

  const ssh = (sessionMode: "exec" | "persistent") => {
    const connection = new SshConnection({
      host: guest.ip,
      username: guest.user,
      password: new Secret(guest.password),
      hostKey: { fingerprints: guest.fingerprints },
      sessionMode,
    });
    open.push(connection);
    return connection;
  };
  const transports: [string, () => GuestConnection][] = [
    ["SSH exec channels", () => ssh("exec")],
    ["an SSH persistent shell", () => ssh("persistent")],
    ["Docker exec", () => new DockerExecConnection({ container: guest.name })],
  ];

  for (const [name, connect] of transports) {
    it(`over ${name}: the sleep and its child are gone, CANCELLED, and the connection still works`, async () => {
      const connection = connect();
      const target = { connection, os: DEBIAN };
      // Distinct per transport, so a leftover of one case cannot satisfy another.
      const seconds = 6000 + transports.findIndex(([n]) => n === name);
      const controller = new AbortController();
      let started: () => void = () => {};
      const printed = new Promise<void>((resolve) => {
        started = resolve;
      });
      // A parent shell with a child in the background: the whole tree must end, not just the shell.
      const run = executor.run(target, ["sh", "-c", `sleep ${seconds} & echo started; wait`], {
        timeoutMs: 120_000,
        signal: controller.signal,
        onStdout: (chunk) => chunk.toString().includes("started") && started(),
      });
      await printed;
      assert.equal((await running(`sleep ${seconds}`)).length, 1, "the guest runs the sleep");
      controller.abort();
      await assert.rejects(run, (e) => isPodError(e, "CANCELLED") && /was cancelled/.test(e.message));
      assert.deepEqual(await running(`sleep ${seconds}`), [], "nothing of the command is left in the guest");
      const after = await executor.run(target, ["echo", "still here"]);
      assert.deepEqual([after.stdout, after.exitCode], ["still here", 0]);
    });
  }
});
