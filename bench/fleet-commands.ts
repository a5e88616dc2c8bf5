/**
 * One command (uname -r) on every guest at once: pod's batch (cold: new
 * connections each run; warm: connections open; warm persistent sessions),
 * the `pod exec` CLI (a Node start, like the peers' interpreter starts),
 * against Ansible ad-hoc and parallel-ssh in their fastest honest settings.
 * Every row checks every guest's answer: exit 0 and the kernel release (the
 * guests are containers, so it is this host's).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { SshConnection } from "../provider/src/connections/ssh";
import { CommandExecutor } from "../provider/src/execution/executor";
import type { BenchGuests } from "./guests";
import { OPENSSH_OPTIONS } from "./guests";
import { type BenchRow, measure } from "./table";

const REPO = join(__dirname, "..");

export async function benchFleetCommands(bench: BenchGuests, runs: number): Promise<BenchRow[]> {
  const n = bench.guests.length;
  const work = `uname -r on ${n} guests at once`;
  const expected = `${release()}\n`;
  const rows: BenchRow[] = [];
  const row = (
    subject: string,
    side: BenchRow["side"],
    temperature: BenchRow["temperature"],
    runsMs: number[],
    notes: string,
  ) => rows.push({ work, subject, side, temperature, runsMs, notes });

  const podBatch = async (connections: SshConnection[]) => {
    const executor = new CommandExecutor({ maxConcurrent: n });
    const entries = await executor.runBatch(
      connections.map((connection) => ({ connection, os: "linux" })),
      ["uname", "-r"],
    );
    const bad = entries.filter((e) => !e.ok || e.result.exitCode !== 0 || e.result.stdout !== expected.trimEnd());
    if (bad.length || entries.length !== n)
      throw new Error(`pod batch: ${bad.length} bad results: ${JSON.stringify(bad[0])}`);
  };
  row(
    "pod batch, new connections each run",
    "pod",
    "cold",
    await measure(runs, async () => {
      const connections = bench.guests.map((g) => new SshConnection(bench.sshOptions(g)));
      await podBatch(connections);
      await Promise.all(connections.map((c) => c.close()));
    }),
    "dials included",
  );
  for (const mode of ["exec", "persistent"] as const) {
    const connections = bench.guests.map((g) => new SshConnection(bench.sshOptions(g, { sessionMode: mode })));
    row(
      mode === "exec" ? "pod batch, connections open" : "pod batch, persistent sessions open",
      "pod",
      "warm",
      await measure(runs, () => podBatch(connections)),
      "the warm-up run opened them",
    );
    await Promise.all(connections.map((c) => c.close()));
  }

  const ips = bench.guests.map((g) => g.ip);
  const cli = spawnCheck(
    "pod exec CLI",
    process.execPath,
    [
      join(REPO, "provider/dist/cli/main.js"),
      "--json",
      "-u",
      "pod",
      "-i",
      bench.key,
      "--host-key-policy",
      "insecure",
      "exec",
      ...ips,
      "-c",
      String(n),
      "--",
      "uname",
      "-r",
    ],
    bench.peerEnv(),
    (out) => {
      const parsed = JSON.parse(out) as { results: { ok: boolean; result?: { stdout: string; exitCode: number } }[] };
      return parsed.results.filter((r) => r.ok && r.result?.exitCode === 0 && r.result.stdout === expected.trimEnd())
        .length;
    },
    n,
  );
  row(
    "pod exec CLI",
    "pod",
    "cold",
    await measure(runs, cli),
    "node start (its compile cache filled by the warm-up run), dials, one batch",
  );

  const ansibleBase = (controlDir: string, extra: Record<string, string> = {}) =>
    bench.peerEnv({
      ANSIBLE_HOST_KEY_CHECKING: "False",
      ANSIBLE_SSH_ARGS: `${OPENSSH_OPTIONS.join(" ")} -o ControlMaster=auto -o ControlPersist=120s`,
      ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
      ANSIBLE_FORKS: String(n),
      ANSIBLE_PRIVATE_KEY_FILE: bench.key,
      ANSIBLE_REMOTE_USER: "pod",
      ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3",
      ANSIBLE_LOCALHOST_WARNING: "False",
      ...extra,
    });
  const inventory = `${ips.join(",")},`;
  const releaseLines = (out: string) => out.split("\n").filter((l) => l.trim() === expected.trim()).length;
  const ansible = (module: string, env: () => NodeJS.ProcessEnv) =>
    spawnCheck(
      "ansible",
      "ansible",
      ["all", "-i", inventory, "-m", module, "-a", "uname -r"],
      undefined,
      releaseLines,
      n,
      env,
    );

  // Cold: a fresh control-path directory per run, so no master survives from the run before.
  let coldDir = "";
  const freshDir = () => {
    if (coldDir) stopMasters(coldDir);
    coldDir = mkdtempSync(join(bench.dir, "cp-"));
  };
  row(
    "ansible -m command",
    "peer",
    "cold",
    await measure(
      runs,
      ansible("command", () => ansibleBase(coldDir)),
      { before: freshDir },
    ),
    "fresh ControlPath dir per run, no pipelining",
  );
  row(
    "ansible -m raw",
    "peer",
    "cold",
    await measure(
      runs,
      ansible("raw", () => ansibleBase(coldDir)),
      { before: freshDir },
    ),
    "fresh ControlPath dir per run",
  );
  stopMasters(coldDir);
  const warmDir = mkdtempSync(join(bench.dir, "cp-warm-"));
  row(
    "ansible -m command, pipelining",
    "peer",
    "warm",
    await measure(
      runs,
      ansible("command", () => ansibleBase(warmDir, { ANSIBLE_PIPELINING: "True" })),
    ),
    "ANSIBLE_PIPELINING=True, ControlPersist masters open",
  );
  row(
    "ansible -m raw",
    "peer",
    "warm",
    await measure(
      runs,
      ansible("raw", () => ansibleBase(warmDir)),
    ),
    "ControlPersist masters open",
  );
  stopMasters(warmDir);

  const hosts = join(bench.dir, "hosts");
  writeFileSync(hosts, `${ips.join("\n")}\n`);
  const pssh = (extra: string[]) =>
    spawnCheck(
      "parallel-ssh",
      "parallel-ssh",
      [
        "-i",
        "-h",
        hosts,
        "-l",
        "pod",
        "-p",
        String(n),
        "-x",
        [...OPENSSH_OPTIONS, "-i", bench.key, ...extra].join(" "),
        "uname -r",
      ],
      bench.peerEnv(),
      releaseLines,
      n,
    );
  row(
    "parallel-ssh",
    "peer",
    "cold",
    await measure(runs, pssh([])),
    "BatchMode, IdentitiesOnly, publickey only, no agent",
  );
  const psshDir = mkdtempSync(join(bench.dir, "pssh-"));
  row(
    "parallel-ssh, ControlMaster",
    "peer",
    "warm",
    await measure(runs, pssh(["-o ControlMaster=auto", `-o ControlPath=${psshDir}/%C`, "-o ControlPersist=120"])),
    "ControlPersist masters open",
  );
  stopMasters(psshDir);
  rmSync(psshDir, { recursive: true, force: true });
  return rows;
}

/** A run of a tool that must exit 0 and give `want` good answers (counted by `good` from stdout). */
function spawnCheck(
  what: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv | undefined,
  good: (stdout: string) => number,
  want: number,
  envFn?: () => NodeJS.ProcessEnv,
): () => Promise<void> {
  return async () => {
    const r = spawnSync(cmd, args, {
      env: envFn ? envFn() : env,
      encoding: "utf8",
      timeout: 300_000,
      maxBuffer: 64 << 20,
    });
    const count = r.status === 0 ? good(r.stdout) : 0;
    if (count !== want)
      throw new Error(
        `${what} exited ${r.status} with ${count}/${want} good answers: ${(r.stderr || r.stdout).slice(0, 600)}`,
      );
  };
}

/** Ends the ControlPersist masters whose sockets are in dir. */
function stopMasters(dir: string): void {
  spawnSync("bash", [
    "-c",
    `for s in "$1"/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit x 2>/dev/null; done; true`,
    "_",
    dir,
  ]);
}
