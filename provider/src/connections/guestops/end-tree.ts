/**
 * Ends a command's whole process tree in a guest reached through guest
 * operations. TerminateProcessInGuest ends one pid, and the command's shell
 * is not alone: `sleep 600 &` or a daemon it started outlive it (and keep
 * writing to its output file). Every process of the command inherits a marker
 * variable (set through the StartProgramInGuest environment), so a second
 * program started in the guest finds them all in /proc, however deep or
 * detached (setsid), and signals them: TERM, then KILL after a grace period.
 */
import { posixKillByEnvMarker, posixQuote } from "../../os/shell/posix";
import type { GuestOperations } from "../../vsphere/guest-ops";

export const EXEC_MARKER = "POD_EXEC_ID";

export interface EndTreeOptions {
  shellPath: string;
  /** Between TERM and KILL (default 2000 ms). */
  graceMs?: number;
}

/** Runs one kill sweep in the guest and waits (bounded) for it to finish. */
async function sweep(ops: GuestOperations, shellPath: string, marker: string, signal: string): Promise<void> {
  const script = posixKillByEnvMarker(EXEC_MARKER, marker, signal);
  const pid = await ops.start(shellPath, `-c ${posixQuote(script)}`);
  await ops.wait(pid, 15_000, 100);
}

/** TERM, then (if the command's shell still runs after the grace period) KILL, the tree; then the shell pid. */
export async function endTree(ops: GuestOperations, pid: number, marker: string, options: EndTreeOptions) {
  const grace = options.graceMs ?? 2_000;
  try {
    await sweep(ops, options.shellPath, marker, "TERM");
    await ops.wait(pid, grace, 100, { terminate: false });
    // A child that ignores TERM may be there even when the shell is gone: sweep again either way.
    await sweep(ops, options.shellPath, marker, "KILL");
  } finally {
    // The shell itself, through vSphere, in case the sweeps could not run (no /proc, no sh).
    const [shell] = await ops.list([pid]).catch(() => []);
    if (shell && !shell.endTime) await ops.terminate(pid).catch(() => undefined);
  }
}
