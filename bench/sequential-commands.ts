/**
 * N sequential commands on one guest: pod's exec-channel mode and its
 * persistent-session mode (connections already open: warm), against raw ssh2
 * exec channels (the floor for one channel per command) and OpenSSH's client
 * over a warm ControlMaster; plus a new connection per command (cold), what
 * a one-shot tool pays. Every result is checked: exit 0 and "ok\n".
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "ssh2";
import { SshConnection } from "../provider/src/connections/ssh";
import type { BenchGuests } from "./guests";
import { OPENSSH_OPTIONS } from "./guests";
import { type BenchRow, measure } from "./table";

const N = 100;
const COLD_N = 10;

function expectOk(what: string, r: { stdout: string; exitCode: number | null }): void {
  if (r.exitCode !== 0 || r.stdout !== "ok\n")
    throw new Error(`${what}: exit ${r.exitCode}, stdout ${JSON.stringify(r.stdout)}`);
}

/** A raw ssh2 client, TCP_NODELAY on, as a user of the library would write it. */
function rawClient(host: string, key: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.once("ready", () => resolve(c)).once("error", reject);
    c.connect({ host, port: 22, username: "pod", privateKey: readFileSync(key) });
    c.setNoDelay(true);
  });
}

function rawExec(c: Client, command: string): Promise<{ stdout: string; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    c.exec(command, (error, ch) => {
      if (error) return reject(error);
      let stdout = "";
      let exitCode: number | null = null;
      ch.on("data", (d: Buffer) => {
        stdout += d;
      });
      ch.stderr.resume();
      ch.on("exit", (code: number | null) => {
        exitCode = code;
      });
      ch.on("close", () => resolve({ stdout, exitCode }));
      ch.end();
    });
  });
}

export async function benchSequential(bench: BenchGuests, runs: number): Promise<BenchRow[]> {
  const guest = bench.guests[0];
  if (!guest) throw new Error("no guest");
  const work = `${N} sequential commands (echo ok), one guest`;
  const perUnit = { count: N, unit: "cmd" };
  const rows: BenchRow[] = [];

  for (const mode of ["exec", "persistent"] as const) {
    const ssh = new SshConnection(bench.sshOptions(guest, { sessionMode: mode }));
    const times = await measure(runs, async () => {
      for (let i = 0; i < N; i++) expectOk(`pod ${mode}`, await ssh.exec("echo ok"));
    });
    await ssh.close();
    rows.push({
      work,
      subject: mode === "exec" ? "pod, exec channel per command" : "pod, persistent session",
      side: "pod",
      temperature: "warm",
      runsMs: times,
      perUnit,
      notes: "connection (and shell) open before the timer",
    });
  }

  const raw = await rawClient(guest.ip, bench.key);
  rows.push({
    work,
    subject: "raw ssh2 exec channel",
    side: "peer",
    temperature: "warm",
    runsMs: await measure(runs, async () => {
      for (let i = 0; i < N; i++) expectOk("ssh2", await rawExec(raw, "echo ok"));
    }),
    perUnit,
    notes: "one ssh2 Client, TCP_NODELAY, no pool or checks",
  });
  raw.end();

  const control = join(bench.dir, "cm-%C");
  const ssh = (extra: string[]) =>
    spawnSync(
      "ssh",
      [...OPENSSH_OPTIONS.flatMap((o) => o.split(" ")), "-i", bench.key, ...extra, `pod@${guest.ip}`, "echo ok"],
      {
        env: bench.peerEnv(),
        encoding: "utf8",
      },
    );
  const master = ["-o", "ControlMaster=auto", "-o", `ControlPath=${control}`, "-o", "ControlPersist=120"];
  rows.push({
    work,
    subject: "OpenSSH ssh, ControlMaster warm",
    side: "peer",
    temperature: "warm",
    runsMs: await measure(runs, async () => {
      for (let i = 0; i < N; i++) {
        const r = ssh(master);
        expectOk("ssh", { stdout: r.stdout, exitCode: r.status });
      }
    }),
    perUnit,
    notes: "a process per command over one shared connection",
  });
  spawnSync("ssh", ["-o", `ControlPath=${control}`, "-O", "exit", `pod@${guest.ip}`], { env: bench.peerEnv() });

  rows.push({
    work: `${COLD_N} sequential commands, a new connection each`,
    subject: "pod, new SshConnection per command",
    side: "pod",
    temperature: "cold",
    runsMs: await measure(runs, async () => {
      for (let i = 0; i < COLD_N; i++) {
        const c = new SshConnection(bench.sshOptions(guest));
        expectOk("pod cold", await c.exec("echo ok"));
        await c.close();
      }
    }),
    perUnit: { count: COLD_N, unit: "cmd" },
    notes: "dial, key exchange, auth, one command, close",
  });
  rows.push({
    work: `${COLD_N} sequential commands, a new connection each`,
    subject: "OpenSSH ssh, no ControlMaster",
    side: "peer",
    temperature: "cold",
    runsMs: await measure(runs, async () => {
      for (let i = 0; i < COLD_N; i++) {
        const r = ssh([]);
        expectOk("ssh cold", { stdout: r.stdout, exitCode: r.status });
      }
    }),
    perUnit: { count: COLD_N, unit: "cmd" },
    notes: "a process and a connection per command",
  });
  return rows;
}
