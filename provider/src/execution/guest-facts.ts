/**
 * What pod learns from inside a guest before it changes anything: the OS
 * (the detection chain, retried a bounded while because a guest reports its
 * IP before its services listen) and, on Linux, the SSH host keys, read over
 * the given connection (through VMware Tools they are an out-of-band pin).
 */
import { isPodError } from "../common/errors";
import { withRetry } from "../common/retry";
import type { GuestConnection } from "../connections/types";
import { SSH_HOST_KEYS_COMMAND, sshFingerprints } from "../os/probe/ssh-host-keys";
import type { GuestInfoHint, OsInfo } from "../os/types";
import type { CommandExecutor } from "./executor";

export interface GuestFacts {
  os: OsInfo;
  sshHostKeys: string[];
}

const NOT_YET = ["UNREACHABLE", "CONNECTION_LOST", "TIMEOUT"];

export async function readGuestFacts(
  executor: CommandExecutor,
  connection: GuestConnection,
  name: string,
  guestInfo: GuestInfoHint = {},
): Promise<GuestFacts> {
  const os = await withRetry(() => executor.osOf({ connection, name, guestInfo }), {
    attempts: 20,
    baseDelayMs: 500,
    maxDelayMs: 3_000,
    retryable: (e) => isPodError(e) && NOT_YET.includes(e.code),
  });
  if (os.type === "windows") return { os, sshHostKeys: [] };
  const keys = await connection.exec(SSH_HOST_KEYS_COMMAND, { timeoutMs: 60_000 });
  return { os, sshHostKeys: sshFingerprints(keys.stdout) };
}
