/**
 * N sequential commands on one guest: pod's exec-channel mode and its
 * persistent-session mode (connections already open: warm), against raw ssh2
 * exec channels (the floor for one channel per command), a raw ssh2 shell
 * fed the commands (the floor for a persistent session, with and without a
 * subshell per command, pod's isolation) and OpenSSH's client over a warm
 * ControlMaster; plus a new connection per command (cold), what a one-shot
 * tool pays. A second group runs commands as PodCommand does: through the
 * PodRuntime (traced, audited to a file, counted) with a timeout, so under
 * the guest-side `timeout` backstop, against raw ssh2 running the same
 * `timeout`. The warm rows of a group run round-robin, so load drift on the
 * shared machine hits them alike. Every result is checked: exit 0 and the
 * expected stdout.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { Client, type ClientChannel } from "ssh2";
import { Secret } from "../provider/src/common/secret";
import { SshConnection } from "../provider/src/connections/ssh";
import { WinrmConnection } from "../provider/src/connections/winrm/connection";
import { PodRuntime } from "../provider/src/execution/runtime";
import "../test/support/lab-env"; // the lab's Windows guest settings, into process.env
import type { BenchGuests } from "./guests";
import { OPENSSH_OPTIONS } from "./guests";
import { type BenchRow, measure } from "./table";

const N = 100;
const COLD_N = 10;

function expectOk(what: string, r: { stdout: string; exitCode: number | null }, want = "ok\n"): void {
  if (r.exitCode !== 0 || r.stdout !== want)
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

interface RawShell {
  run(command: string): Promise<{ stdout: string; exitCode: number | null }>;
  close(): void;
}

/**
 * A raw ssh2 shell on one channel fed one command at a time, its end a random
 * marker with the exit status on stdout: the least a persistent session can
 * do. It is the login shell, as pod's (bash on the lab guests; dash would fork
 * and read faster, but parse commands differently). stderr is drained.
 */
function rawShell(c: Client): Promise<RawShell> {
  const marker = `__end_${randomBytes(8).toString("hex")} `;
  return new Promise((resolve, reject) => {
    c.exec('exec "$SHELL"', (error, ch: ClientChannel) => {
      if (error) return reject(error);
      let buffer = "";
      let done: ((r: { stdout: string; exitCode: number | null }) => void) | undefined;
      ch.stderr.resume();
      ch.on("data", (chunk: Buffer) => {
        buffer += chunk;
        const at = buffer.indexOf(marker);
        const eol = at < 0 ? -1 : buffer.indexOf("\n", at);
        if (eol < 0 || !done) return;
        const settle = done;
        done = undefined;
        settle({ stdout: buffer.slice(0, at), exitCode: Number(buffer.slice(at + marker.length, eol)) });
        buffer = buffer.slice(eol + 1);
      });
      resolve({
        run: (command) =>
          new Promise((settle) => {
            done = settle;
            ch.write(`${command}\nprintf '%s%d\\n' '${marker}' "$?"\n`);
          }),
        close: () => ch.close(),
      });
    });
  });
}

/** A warm row of a group: `once` runs one command and checks its result. */
interface Contender {
  subject: string;
  side: BenchRow["side"];
  notes: string;
  once: () => Promise<void>;
}

/**
 * Times a group's rows round-robin (one run of each row, then the next
 * round), after a warm-up of each: the machine is shared, and its load drifts
 * in seconds, so rows compared with each other are measured side by side.
 */
async function interleaved(work: string, runs: number, contenders: Contender[], count = N): Promise<BenchRow[]> {
  const runOnce = async (c: Contender) => {
    for (let i = 0; i < count; i++) await c.once();
  };
  for (const c of contenders) await runOnce(c);
  const times = contenders.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of contenders.entries()) {
      const t0 = performance.now();
      await runOnce(c);
      times[i]?.push(performance.now() - t0);
    }
  }
  return contenders.map((c, i) => ({
    work,
    subject: c.subject,
    side: c.side,
    temperature: "warm",
    runsMs: times[i] ?? [],
    perUnit: { count, unit: "cmd" },
    notes: c.notes,
  }));
}

export async function benchSequential(bench: BenchGuests, runs: number): Promise<BenchRow[]> {
  const guest = bench.guests[0];
  if (!guest) throw new Error("no guest");
  const work = `${N} sequential commands (echo ok), one guest`;
  const perUnit = { count: N, unit: "cmd" };
  const rows: BenchRow[] = [];

  const podExec = new SshConnection(bench.sshOptions(guest, { sessionMode: "exec" }));
  const podShell = new SshConnection(bench.sshOptions(guest, { sessionMode: "persistent" }));
  const raw = await rawClient(guest.ip, bench.key);
  const shell = await rawShell(raw);
  try {
    const open = "connection (and shell) open before the timer";
    rows.push(
      ...(await interleaved(work, runs, [
        {
          subject: "pod, exec channel per command",
          side: "pod",
          notes: open,
          once: async () => expectOk("pod exec", await podExec.exec("echo ok")),
        },
        {
          subject: "pod, persistent session",
          side: "pod",
          notes: `${open}; a subshell per command, stderr framed`,
          once: async () => expectOk("pod persistent", await podShell.exec("echo ok")),
        },
        {
          subject: "raw ssh2 exec channel",
          side: "peer",
          notes: "one ssh2 Client, TCP_NODELAY, no pool or checks",
          once: async () => expectOk("ssh2", await rawExec(raw, "echo ok")),
        },
        {
          subject: "raw ssh2 shell, commands inline",
          side: "peer",
          notes: "the login shell, an end marker; no isolation, stderr not framed",
          once: async () => expectOk("ssh2 shell", await shell.run("echo ok")),
        },
        {
          subject: "raw ssh2 shell, a subshell per command",
          side: "peer",
          notes: "as above, isolated as pod isolates (one fork per command), a marker on stderr too",
          once: async () =>
            expectOk("ssh2 subshell", await shell.run(`(eval 'echo ok') </dev/null\nprintf 'end\\n' >&2`)),
        },
      ])),
    );
    rows.push(...(await trueRows(runs, podShell, shell)));
    rows.push(...(await podCommandRows(bench, guest, raw, runs)));
    rows.push(...(await winrmRows(runs)));
  } finally {
    shell.close();
    raw.end();
    await Promise.all([podExec.close(), podShell.close()]);
  }

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

/**
 * The reference for a persistent session: `/bin/true`, an external
 * program, so every row forks and execs once and pod's subshell costs no
 * extra fork (bash execs the program in the subshell's place). What is left
 * between the rows is pod's framing: the stderr marker, `eval`, `</dev/null`
 * and its own bookkeeping in Node.
 */
async function trueRows(runs: number, podShell: SshConnection, shell: RawShell): Promise<BenchRow[]> {
  const open = "connection and shell open before the timer";
  return interleaved(`${N} sequential commands (/bin/true), one guest`, runs, [
    {
      subject: "pod, persistent session",
      side: "pod",
      notes: `${open}; a subshell per command (one fork: bash execs the program), stderr framed`,
      once: async () => expectOk("pod persistent true", await podShell.exec("/bin/true"), ""),
    },
    {
      subject: "raw ssh2 shell, commands inline",
      side: "peer",
      notes: `${open}; the login shell, an end marker on stdout; no isolation, stderr not framed`,
      once: async () => expectOk("ssh2 shell true", await shell.run("/bin/true"), ""),
    },
    {
      subject: "raw ssh2 shell, a subshell per command",
      side: "peer",
      notes: `${open}; as above, in a subshell as pod isolates`,
      once: async () => expectOk("ssh2 subshell true", await shell.run("(exec /bin/true) </dev/null"), ""),
    },
  ]);
}

/**
 * Commands as a PodCommand runs them: through the PodRuntime (span, audit
 * record to a file, metrics) with a timeout, so the guest-side `timeout`
 * backstop wraps each one; against raw ssh2 exec running the same `timeout`.
 */
async function podCommandRows(
  bench: BenchGuests,
  guest: BenchGuests["guests"][number],
  raw: Client,
  runs: number,
): Promise<BenchRow[]> {
  const want = `${release()}\n`; // the guests are containers: this host's kernel
  const work = `${N} sequential commands (uname -r) with a 60 s timeout, one guest`;
  const runtime = new PodRuntime({ audit: join(bench.dir, "audit.log") });
  const exec = { connection: new SshConnection(bench.sshOptions(guest, { sessionMode: "exec" })), os: "linux" };
  const persistent = {
    connection: new SshConnection(bench.sshOptions(guest, { sessionMode: "persistent" })),
    os: "linux",
  };
  const viaRuntime = (what: string, target: typeof exec) => async () => {
    const r = await runtime.executor.run(target, ["uname", "-r"], { timeoutMs: 60_000 });
    expectOk(what, { stdout: `${r.stdout}\n`, exitCode: r.exitCode }, want);
  };
  const notes = "traced, audited to a file; guest-side timeout backstop";
  try {
    return await interleaved(work, runs, [
      { subject: "pod runtime, exec channel", side: "pod", notes, once: viaRuntime("pod runtime exec", exec) },
      {
        subject: "pod runtime, persistent session",
        side: "pod",
        notes,
        once: viaRuntime("pod runtime persistent", persistent),
      },
      {
        subject: "raw ssh2 exec channel, timeout on the guest",
        side: "peer",
        notes: "the same guest-side backstop, no pool, checks or audit",
        once: async () => expectOk("ssh2 timeout", await rawExec(raw, "timeout -k 5 62 uname -r"), want),
      },
    ]);
  } finally {
    await Promise.all([exec.connection.close(), persistent.connection.close()]);
    await runtime.close();
  }
}

const WINRM_N = 20;

/**
 * WinRM on the lab's Windows guest: pod's one WinRS shell for every command
 * (the default) against a shell per command (Create and Delete each time), as
 * winrs.exe and pywinrm's run_cmd do. Without the lab's guest the rows say so.
 */
async function winrmRows(runs: number): Promise<BenchRow[]> {
  const work = `${WINRM_N} sequential commands (echo ok) over WinRM, the lab's Windows guest`;
  const endpoint = process.env.POD_WINRM_HTTP;
  const username = process.env.POD_WINDOWS_USER;
  const password = process.env.POD_WINDOWS_PASSWORD;
  if (!endpoint || !username || !password) {
    return [{ work, subject: "not run", side: "peer", temperature: "-", runsMs: [], notes: "no POD_WINRM_HTTP" }];
  }
  const connect = (reuseShell: boolean) =>
    new WinrmConnection({
      host: endpoint.replace(/:\d+$/, ""),
      port: Number(endpoint.split(":").pop()),
      https: false,
      auth: "ntlm",
      username,
      password: new Secret(password),
      reuseShell,
    });
  const reused = connect(true);
  const perCommand = connect(false);
  const once = (c: WinrmConnection, what: string) => async () => {
    const r = await c.exec("echo ok");
    expectOk(what, { stdout: r.stdout.replace(/\r\n$/, "\n"), exitCode: r.exitCode });
  };
  try {
    return await interleaved(
      work,
      runs,
      [
        {
          subject: "pod WinRM, one shell reused",
          side: "pod",
          notes: "the default: Command, Receive, Signal per command",
          once: once(reused, "winrm reused"),
        },
        {
          subject: "pod WinRM, a shell per command",
          side: "baseline",
          notes: "reuseShell: false, as winrs.exe and pywinrm's run_cmd: Create and Delete too",
          once: once(perCommand, "winrm per command"),
        },
      ],
      WINRM_N,
    );
  } finally {
    await Promise.all([reused.close(), perCommand.close()]);
  }
}
