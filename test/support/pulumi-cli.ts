import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the lab's Pulumi CLI in `dir` against a private file backend (one per call site). */
export class PulumiCli {
  readonly backend = mkdtempSync(join(tmpdir(), "pod-pulumi-"));

  constructor(
    readonly dir: string,
    readonly env: Record<string, string> = {},
  ) {}

  run(...args: string[]): CliResult {
    const r = spawnSync("pulumi", [...args, "--non-interactive"], {
      cwd: this.dir,
      encoding: "utf8",
      env: {
        ...process.env,
        PULUMI_BACKEND_URL: `file://${this.backend}`,
        PULUMI_CONFIG_PASSPHRASE: "pod-test",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        ...this.env,
      },
      timeout: 600_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  }

  /** Like run, but fails with the CLI's own output when it exits non-zero. */
  ok(...args: string[]): string {
    const r = this.run(...args);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }
}

/** One stack's commands: `pulumi` with stdout and stderr together, `ok` failing with them on a non-zero exit. */
export function onStack(cli: PulumiCli, stack: string) {
  const pulumi = (...args: string[]) => {
    const r = cli.run(...args, "--stack", stack);
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  };
  const ok = (...args: string[]) => {
    const r = pulumi(...args);
    if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.status}:\n${r.out}`);
    return r.out;
  };
  return { pulumi, ok };
}

/** Builds pod and installs it into a test program as copies, as examples/run.sh does (see the fixture's .npmrc). */
export function installPodInto(repo: string, fixture: string): void {
  execFileSync("npx", ["tsc", "-b", "provider", "sdk"], { cwd: repo, stdio: "inherit" });
  rmSync(join(fixture, "node_modules/@pod-lab"), { recursive: true, force: true });
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], {
    cwd: fixture,
    stdio: "inherit",
  });
}
