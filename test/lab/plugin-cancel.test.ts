import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { Secret } from "../../provider/src/common/secret";
import { retrieveByType } from "../../provider/src/vsphere/property";
import { VsphereSession } from "../../provider/src/vsphere/session";
import { requireLab } from "../support/lab-env";
import { type PluginStack, pluginStack } from "../support/plugin-stack";
import { closedLoopbackPort } from "../support/ports";

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

/**
 * Issue 13: a PodVm create over its customTimeouts cancels the clone task in
 * vSphere and leaves no VM. A clone in the shared vcsim is instant, so this
 * test starts a private pod-vcsim (same binary, its own loopback port) whose
 * clones wait 10 s and honour CancelTask (-task-delay, lab/tools/vcsim).
 */
describe("plugin: a PodVm create past its customTimeouts cancels the clone and leaves no VM", function () {
  this.timeout(900_000);
  const lab = requireLab();
  const vmName = `pod-cancel-clone-${process.pid}`;
  let vcsim: ChildProcess | undefined;
  let host = "";
  let s: PluginStack;

  before(async () => {
    const cache = process.env.POD_CACHE ?? join(homedir(), ".cache/pod-lab");
    const binary = process.env.POD_VCSIM_BIN ?? join(cache, "bin/pod-vcsim");
    host = `127.0.0.1:${await closedLoopbackPort()}`;
    const tls = join(lab.state, "tls");
    vcsim = spawn(
      binary,
      [
        "-l",
        host,
        "-tlscert",
        join(tls, "server.pem"),
        "-tlskey",
        join(tls, "server-key.pem"),
        "-task-delay",
        "CloneVm=10000",
      ],
      { env: { ...process.env, POD_VCSIM_PASSWORD: lab.vspherePassword }, stdio: ["ignore", "pipe", "pipe"] },
    );
    await new Promise<void>((resolve, reject) => {
      let log = "";
      vcsim?.stdout?.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes("pod-vcsim ready")) resolve();
      });
      vcsim?.stderr?.on("data", (chunk: Buffer) => {
        log += chunk.toString();
      });
      vcsim?.once("exit", (code) => reject(new Error(`the private pod-vcsim exited ${code}:\n${log}`)));
    });
    s = pluginStack("ts-plugin-scenarios", `clone${process.pid}`, lab);
    s.ok("config", "set", "pod:vsphereHost", host);
    s.ok("config", "set", "scenario", "vm");
    s.ok("config", "set", "vmName", vmName);
  });

  after(() => {
    s?.remove();
    vcsim?.kill("SIGTERM");
  });

  const vmNames = async (): Promise<string[]> => {
    const session = await VsphereSession.connect({
      host,
      user: lab.vsphereUser,
      password: new Secret(lab.vspherePassword),
      trust: { ca: lab.ca },
    });
    try {
      return (await retrieveByType<{ name: string }>(session, "VirtualMachine", ["name"])).map((o) => o.props.name);
    } finally {
      await session.close();
    }
  };

  it("fails with TIMEOUT, the clone task ends cancelled, no VM of that name is left; a later up creates it", async () => {
    s.ok("config", "set", "timeout", "3s");
    const r = s.pulumi("up", "--yes", "--skip-preview");
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /PodVm create exceeded its customTimeouts \(3s\)/);
    assert.ok(!(await vmNames()).includes(vmName), "no VM of that name in vcsim");
    // The second clone of the same name runs its work 10 s later, after the cancelled one would
    // have made its VM: no DUPLICATE_NAME shows that none was made late either.
    s.ok("config", "rm", "timeout");
    s.ok("up", "--yes", "--skip-preview");
    assert.ok((await vmNames()).includes(vmName), "without the timeout the same create succeeds");
  });
});
