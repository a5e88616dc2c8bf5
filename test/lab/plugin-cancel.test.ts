import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { requireLab } from "../support/lab-env";
import { type PluginStack, pluginStack } from "../support/plugin-stack";

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" });

/** Processes in the container whose whole command line is `args` (its own ps, through docker exec). */
const running = (container: string, args: string) =>
  docker("exec", container, "ps", "-eo", "args=")
    .split("\n")
    .filter((line) => line.trim() === args);

/** Waits (bounded) until `check` holds, looking again each time the previous look has finished. */
async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Issue 13: Ctrl-C on `pulumi up` reaches the plugin as Cancel and ends the guest command. */
describe("plugin: Ctrl-C (the engine's Cancel) stops a running PodCommand in the guest", function () {
  this.timeout(900_000);
  const lab = requireLab();
  const container = `pod-plugin-cancel-${process.pid}`;
  let s: PluginStack;

  before(() => {
    docker("run", "-d", "--rm", "--name", container, "--label", "pod.lab=1", "pod-guest-debian:12");
    s = pluginStack("ts-plugin-scenarios", `cancel${process.pid}`, lab);
    s.ok("config", "set", "scenario", "command");
    s.ok("config", "set", "container", container);
  });

  after(() => {
    s?.remove();
    docker("rm", "-f", container);
  });

  it("SIGINT during the command: the up fails, no sleep is left in the guest, and the next up succeeds", async () => {
    const seconds = 60 + (process.pid % 1000); // distinct, so another run's sleep is not mistaken for ours
    s.ok("config", "set", "script", `sleep ${seconds}`);
    const up = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", s.stack], {
      cwd: s.cli.dir,
      env: {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${s.cli.backend}`,
        PULUMI_CONFIG_PASSPHRASE: "pod-test",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        ...s.cli.env,
      },
    });
    let out = "";
    up.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    up.stderr.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => up.once("exit", (code) => resolve(code)));
    try {
      await until("the guest runs the sleep", () => running(container, `sleep ${seconds}`).length === 1, 300_000);
      up.kill("SIGINT");
      const code = await exited;
      assert.notEqual(code, 0, `the up failed:\n${out}`);
      assert.match(out, /\[CANCELLED\] PodCommand create was cancelled by the Pulumi engine/, "the step says why");
    } finally {
      if (up.exitCode === null) up.kill("SIGKILL");
    }
    // The plugin fails the step only once the kill is done: nothing to wait for here.
    assert.deepEqual(running(container, `sleep ${seconds}`), [], "nothing left running in the guest");
    s.ok("config", "set", "script", "echo after-cancel");
    s.ok("up", "--yes", "--skip-preview");
    assert.match(s.ok("stack", "output", "--json"), /after-cancel/);
  });
});
