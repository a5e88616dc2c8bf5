/**
 * The bench's throwaway SSH guests (lab containers) and one key for every
 * client, pod's and the peers'. Peers run with SSH_AUTH_SOCK unset, so no
 * agent key is offered first.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../provider/src/common/secret";
import type { SshConnectionOptions } from "../provider/src/connections/ssh";
import { type GuestContainer, startGuest } from "../test/support/guest-container";

export interface BenchGuests {
  dir: string;
  key: string;
  guests: GuestContainer[];
  sshOptions(g: GuestContainer, extra?: Partial<SshConnectionOptions>): SshConnectionOptions;
  /** The environment peers run in: no agent. */
  peerEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  remove(): Promise<void>;
}

export async function startBenchGuests(count: number): Promise<BenchGuests> {
  const dir = mkdtempSync(join(tmpdir(), "pod-bench-"));
  const key = join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
  const authorizedKeys = readFileSync(`${key}.pub`, "utf8");
  const privateKey = readFileSync(key, "utf8");
  const guests: GuestContainer[] = [];
  const remove = async () => {
    await Promise.all(guests.map((g) => g.remove()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Four at a time: the lab's 2 cores are shared.
    for (let i = 0; i < count; i += 4) {
      const batch = Math.min(4, count - i);
      guests.push(...(await Promise.all(Array.from({ length: batch }, () => startGuest({ authorizedKeys })))));
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    dir,
    key,
    guests,
    sshOptions: (g, extra = {}) => ({
      host: g.ip,
      username: g.user,
      privateKey: new Secret(privateKey),
      hostKey: { fingerprints: g.fingerprints },
      ...extra,
    }),
    peerEnv: (extra = {}) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
      delete env.SSH_AUTH_SOCK;
      return env;
    },
    remove,
  };
}

/** OpenSSH options every peer row shares: the bench key only, never a password prompt, throwaway host keys. */
export const OPENSSH_OPTIONS = [
  "-o BatchMode=yes",
  "-o IdentitiesOnly=yes",
  "-o PreferredAuthentications=publickey",
  "-o StrictHostKeyChecking=no",
  "-o UserKnownHostsFile=/dev/null",
  "-o LogLevel=ERROR",
];
