import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../provider/src/common/secret";
import { SshConnection } from "../provider/src/connections/ssh";
import { CommandExecutor } from "../provider/src/execution/executor";
import { type GuestContainer, startGuest } from "../test/support/guest-container";
import { type BenchRow, medianMs } from "./table";

const SEQUENTIAL = 100;
const FLEET = 20;

/**
 * Issue 4: (a) 100 sequential commands on one guest, pod's pooled connection
 * against a new SSH connection per command (what @pulumi/command does);
 * (b) one command on 20 guests, pod's batch against Ansible ad-hoc and
 * parallel-ssh, all with the same key, all cold (connections made in the run).
 */
export async function benchGuestCommands(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "pod-bench-"));
  const key = join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  const authorizedKeys = readFileSync(`${key}.pub`, "utf8");
  const guests: GuestContainer[] = [];
  try {
    for (let i = 0; i < FLEET; i++) guests.push(await startGuest({ authorizedKeys }));
    const [first] = guests;
    if (!first) throw new Error("no guest started");
    const options = (g: GuestContainer) => ({
      host: g.ip,
      username: g.user,
      privateKey: new Secret(readFileSync(key, "utf8")),
      hostKey: { fingerprints: g.fingerprints },
    });

    const pooled = await medianMs(3, async () => {
      const connection = new SshConnection(options(first));
      for (let i = 0; i < SEQUENTIAL; i++) await connection.exec("true");
      await connection.close();
    });
    const perCommand = await medianMs(3, async () => {
      for (let i = 0; i < SEQUENTIAL; i++) {
        const connection = new SshConnection(options(first));
        await connection.exec("true");
        await connection.close();
      }
    });

    const batch = await medianMs(3, async () => {
      const executor = new CommandExecutor({ maxConcurrent: FLEET });
      const connections = guests.map((g) => new SshConnection(options(g)));
      await executor.runBatch(
        connections.map((connection) => ({ connection, os: "linux" })),
        ["uname", "-r"],
      );
      await Promise.all(connections.map((c) => c.close()));
    });

    const inventory = join(dir, "hosts");
    writeFileSync(inventory, `${guests.map((g) => g.ip).join("\n")}\n`);
    const sshOpts = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"];
    const tool =
      (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
      async () => {
        const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8", timeout: 300_000 });
        if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
      };
    const ansible = await medianMs(
      3,
      tool("ansible", ["all", "-i", `${guests.map((g) => g.ip).join(",")},`, "-m", "command", "-a", "uname -r"], {
        ANSIBLE_HOST_KEY_CHECKING: "False",
        // Keep the benchmark's throwaway guests out of the user's known_hosts.
        ANSIBLE_SSH_ARGS: "-o UserKnownHostsFile=/dev/null -o ControlMaster=auto -o ControlPersist=60s",
        ANSIBLE_FORKS: String(FLEET),
        ANSIBLE_PRIVATE_KEY_FILE: key,
        ANSIBLE_REMOTE_USER: "pod",
        ANSIBLE_PYTHON_INTERPRETER: "/usr/bin/python3",
      }),
    );
    const pssh = await medianMs(
      3,
      tool("parallel-ssh", [
        "-h",
        inventory,
        "-l",
        "pod",
        "-p",
        String(FLEET),
        "-x",
        [...sshOpts, "-i", key].join(" "),
        "uname -r",
      ]),
    );
    const ratio = (other: number, ours: number) => `${(other / ours).toFixed(1)}x`;
    return [
      { benchmark: `${SEQUENTIAL} sequential commands, one guest`, subject: "pod (pooled connection)", wallMs: pooled },
      {
        benchmark: `${SEQUENTIAL} sequential commands, one guest`,
        subject: "new SSH connection per command",
        wallMs: perCommand,
        notes: `pod is ${ratio(perCommand, pooled)} faster (target ≥ 3x)`,
      },
      {
        benchmark: `one command on ${FLEET} guests`,
        subject: "pod batch",
        wallMs: batch,
        notes: "cold: includes dials",
      },
      {
        benchmark: `one command on ${FLEET} guests`,
        subject: "ansible ad-hoc (-m command)",
        wallMs: ansible,
        notes: `pod is ${ratio(ansible, batch)} faster (target ≥ 5x)`,
      },
      {
        benchmark: `one command on ${FLEET} guests`,
        subject: "parallel-ssh",
        wallMs: pssh,
        notes: `pod is ${ratio(pssh, batch)} faster (target ≥ 1x)`,
      },
    ];
  } finally {
    await Promise.all(guests.map((g) => g.remove()));
  }
}
