/**
 * The three programs of the Pulumi cost curve, each with N guests' worth of
 * resources: the trivial dynamic-resource baseline (2N resources whose
 * create returns at once), examples/fleet on pod's dynamic resources, and
 * the same fleet through the provider plugin (bench/fleet-plugin). Their
 * `prepare` does everything untimed: build, install, stack select, config.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const REPO = join(__dirname, "..");

export interface Program {
  name: "baseline" | "pod fleet" | "pod plugin";
  subject: (n: number) => string;
  dir: string;
  stack: string;
  /** Environment of its pulumi commands (the plugin's private PULUMI_HOME). */
  env: NodeJS.ProcessEnv;
  /** Whether a process (its /proc cmdline and cwd) is one of this program's provider processes. */
  isProvider: (cmdline: string, cwd: string) => boolean;
  /** vcsim names this program's VMs `<vmPrefix><i>` (pod's fleets; the baseline makes none). */
  vmPrefix?: string;
  /** Untimed: build, install, select the stack, write config for N guests. */
  prepare: (n: number) => void;
  /** Untimed: destroy what is left, remove the stack. */
  cleanup: () => void;
  /** After the last size: remove what the program set up once (the plugin's home). */
  dispose?: () => void;
}

export function sh(what: string, cmd: string, args: string[], cwd: string, env = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${(r.stderr || r.stdout).slice(-1500)}`);
  return r.stdout;
}

/** The lab's settings file (KEY=value lines): the vSphere endpoint the examples are configured with. */
export function labEnv(): Record<string, string> {
  const text = readFileSync(join(process.env.POD_LAB_STATE ?? "", "lab.env"), "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .map((l) => /^([A-Z0-9_]+)=(.*)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], (m[2] ?? "").replace(/^"(.*)"$/, "$1")]),
  );
}

function removeStack(dir: string, stack: string, env = process.env): void {
  const run = (...args: string[]) =>
    spawnSync("pulumi", [...args, "--non-interactive", "--stack", stack], { cwd: dir, env, encoding: "utf8" });
  run("destroy", "--yes", "--skip-preview");
  run("stack", "rm", "--yes", "--force");
}

function baseline(tag: string): Program {
  const dir = join(REPO, "bench/baseline");
  const stack = `bench-base-${tag}`;
  return {
    name: "baseline",
    subject: (n) => `baseline: ${2 * n} trivial dynamic resources`,
    dir,
    stack,
    env: process.env,
    isProvider: (cmdline, cwd) => cmdline.includes("dynamic-provider") && cwd === dir,
    prepare: (n) => {
      sh("stack select", "pulumi", ["stack", "select", "--create", stack, "--non-interactive"], dir);
      sh("config", "pulumi", ["config", "set", "count", String(2 * n), "--stack", stack], dir);
    },
    cleanup: () => removeStack(dir, stack),
  };
}

function dynamicFleet(tag: string): Program {
  const dir = join(REPO, "examples/fleet");
  const stack = `bench-${tag}`;
  return {
    name: "pod fleet",
    subject: (n) => `pod fleet: ${n} PodVm + ${n} PodCommand (dynamic resources)`,
    dir,
    stack,
    vmPrefix: `pod-fleet-${stack}-`, // examples/fleet names VMs <project>-<stack>-<i>
    env: process.env,
    isProvider: (cmdline, cwd) => cmdline.includes("dynamic-provider") && cwd === dir,
    // run.sh builds pod, installs the example, selects the stack and writes the lab's config.
    prepare: (n) =>
      sh(
        "examples/run.sh",
        "bash",
        [join(REPO, "examples/run.sh"), "fleet", "config", "set", "count", String(n)],
        REPO,
        {
          ...process.env,
          POD_STACK: stack,
        },
      ),
    cleanup: () => removeStack(dir, stack),
  };
}

/**
 * The fleet through the provider plugin: built once (scripts/build-plugin.sh),
 * installed into a PULUMI_HOME of the bench's own (the lab's is shared with
 * other jobs), the generated SDK installed from its tarball.
 */
function pluginFleet(tag: string): Program {
  const dir = join(REPO, "bench/fleet-plugin");
  const stack = `bench-plugin-${tag}`;
  const home = mkdtempSync(join(tmpdir(), "pod-bench-plugin-home-"));
  const env = { ...process.env, PULUMI_HOME: home };
  let installed = false;
  const install = () => {
    const version = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
    sh("build-plugin.sh", "bash", [join(REPO, "scripts/build-plugin.sh")], REPO);
    const tarball = join(REPO, `out/pulumi-resource-pod-v${version}-linux-amd64.tar.gz`);
    sh("plugin install", "pulumi", ["plugin", "install", "resource", "pod", version, "-f", tarball], dir, env);
    rmSync(join(dir, "node_modules/@pod-lab"), { recursive: true, force: true });
    sh("npm install", "npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], dir);
    installed = true;
  };
  return {
    name: "pod plugin",
    subject: (n) => `pod plugin: ${n} PodVm + ${n} PodCommand (provider plugin)`,
    dir,
    stack,
    vmPrefix: `pod-bench-fleet-plugin-${stack}-`,
    env,
    isProvider: (cmdline) => cmdline.includes(home) && cmdline.includes("pulumi-resource-pod"),
    prepare: (n) => {
      if (!installed) install();
      const lab = labEnv();
      const set = (...args: string[]) => sh("config", "pulumi", ["config", "set", ...args, "--stack", stack], dir, env);
      sh("stack select", "pulumi", ["stack", "select", "--create", stack, "--non-interactive"], dir, env);
      set("pod:vsphereHost", lab.POD_VSPHERE_HOST ?? "");
      set("pod:vsphereUser", lab.POD_VSPHERE_USER ?? "");
      set("pod:vsphereCaFile", lab.POD_VSPHERE_CA_FILE ?? "");
      set("--secret", "pod:vspherePassword", process.env.POD_VCSIM_PASSWORD ?? "");
      set("count", String(n));
    },
    cleanup: () => removeStack(dir, stack, env),
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}

export function programs(tag: string): Program[] {
  return [baseline(tag), dynamicFleet(tag), pluginFleet(tag)];
}
