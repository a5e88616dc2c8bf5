/**
 * Programs run through the provider plugin as a user runs them: the plugin
 * tarball built by scripts/build-plugin.sh, installed with `pulumi plugin
 * install resource pod <version> -f <tarball>` into a private PULUMI_HOME
 * (automatic plugin acquisition stays off), the generated Node SDK installed
 * into the example from its packed tarball, `pod:` config from the lab.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LabEnv } from "./lab-env";
import { onStack, PulumiCli } from "./pulumi-cli";

const repo = join(__dirname, "../..");
const version = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version;
let built = false;

/** Builds the plugin tarball and the Node SDK tarball once per test run. */
export function buildPlugin(): string {
  const tarball = join(repo, `out/pulumi-resource-pod-v${version}-linux-amd64.tar.gz`);
  if (!built) execFileSync("bash", [join(repo, "scripts/build-plugin.sh")], { cwd: repo, stdio: "inherit" });
  built = true;
  return tarball;
}

const installed = new Set<string>();

/** Installs an example's dependencies once per run (pod's dynamic packages as copies, the plugin SDK from its tarball). */
export function installExample(example: string): string {
  const dir = join(repo, "examples", example);
  if (installed.has(dir)) return dir;
  installed.add(dir);
  execFileSync("npx", ["tsc", "-b", "provider", "sdk"], { cwd: repo, stdio: "inherit" });
  rmSync(join(dir, "node_modules/@pod-lab"), { recursive: true, force: true });
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], {
    cwd: dir,
    stdio: "inherit",
  });
  return dir;
}

export interface PluginStack {
  cli: PulumiCli;
  stack: string;
  pulumi: (...args: string[]) => { status: number; out: string };
  ok: (...args: string[]) => string;
  remove(): void;
}

/** A stack of `example` with the plugin installed in its own PULUMI_HOME and the lab's `pod:` config. */
export function pluginStack(example: string, stack: string, lab: LabEnv): PluginStack {
  const tarball = buildPlugin();
  const dir = installExample(example);
  const home = mkdtempSync(join(tmpdir(), "pod-plugin-home-"));
  // PULUMI_DEBUG_COMMANDS exposes `--event-log` (a hidden flag in 3.260) for the live-output tests.
  const cli = new PulumiCli(dir, { PULUMI_HOME: home, PULUMI_DEBUG_COMMANDS: "true" });
  cli.ok("plugin", "install", "resource", "pod", version, "-f", tarball);
  const { pulumi, ok } = onStack(cli, stack);
  cli.ok("stack", "init", stack);
  ok("config", "set", "pod:vsphereHost", lab.vsphereHost);
  ok("config", "set", "pod:vsphereUser", lab.vsphereUser);
  ok("config", "set", "pod:vsphereCaFile", lab.caFile);
  ok("config", "set", "--secret", "pod:vspherePassword", lab.vspherePassword);
  const remove = () => {
    pulumi("destroy", "--yes", "--skip-preview");
    pulumi("stack", "rm", "--yes", "--force");
    rmSync(home, { recursive: true, force: true });
    rmSync(cli.backend, { recursive: true, force: true });
  };
  return { cli, stack, pulumi, ok, remove };
}

/** The stack's state as the backend stores it (what an attacker with the state file would read). */
export function rawState(s: PluginStack): string {
  return s.cli.ok("stack", "export", "--stack", s.stack);
}
