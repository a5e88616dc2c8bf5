/**
 * The POSIX OS probe and the SSH host-key read as one guest command, for a
 * guest that vSphere's guest info already names POSIX: one guest round trip
 * instead of two (through VMware Tools each command is several: a temporary
 * directory, the start, the polls, the downloads, the cleanup). Pure: the
 * command and the split of its output; parsing stays with each part's own parser.
 */
import { linuxProbeCommand } from "./linux-probe";
import { SSH_HOST_KEYS_COMMAND } from "./ssh-host-keys";

/** Printed between the two parts; no line of either part's output looks like it. */
export const POSIX_FACTS_SEPARATOR = "--pod-posix-facts-host-keys-8c1e--";

/** The probe (in its own sh, as when it runs alone), the separator, then the host-key read (which exits 0). */
export const POSIX_FACTS_COMMAND = `${linuxProbeCommand()}\necho ${POSIX_FACTS_SEPARATOR}\n${SSH_HOST_KEYS_COMMAND}`;

/** The probe's output and the host-key read's; undefined when the separator line is missing (the command did not run through). */
export function splitPosixFacts(stdout: string): { probe: string; hostKeys: string } | undefined {
  const lines = stdout.split("\n");
  const at = lines.findIndex((line) => line.replace(/\r$/, "") === POSIX_FACTS_SEPARATOR);
  if (at < 0) return undefined;
  return { probe: lines.slice(0, at).join("\n"), hostKeys: lines.slice(at + 1).join("\n") };
}
