/**
 * The pure half of OS detection: which probes to try, in what order, and what
 * their output means. The chain, cheapest and surest first: the transport
 * (WinRM ⇒ Windows), then vSphere's guest info, then probes run on the guest.
 * execution/detect-os.ts runs the probes this plans.
 */
import type { TransportKind } from "../common/transport";
import { hintFromGuestInfo } from "./guest-info";
import { linuxProbeCommand, parseLinuxProbe } from "./probe/linux-probe";
import { parseWindowsProbe, windowsProbeCommand } from "./probe/windows-probe";
import type { GuestInfoHint, OsInfo, ProbeFacts } from "./types";

export type ProbeKind = "posix" | "windows";

export interface ProbePlan {
  order: ProbeKind[];
  /** Why the order is what it is, one line per step of the chain. */
  reasons: string[];
}

export { hintFromGuestInfo };

export function planProbes(transport: TransportKind, guestInfo?: GuestInfoHint): ProbePlan {
  if (transport === "winrm") return { order: ["windows"], reasons: ["transport winrm: the guest runs Windows"] };
  const reasons: string[] = [];
  if (transport === "docker") reasons.push("transport docker: a container, POSIX first");
  const hint = hintFromGuestInfo(guestInfo);
  if (hint) {
    reasons.push(`vSphere guest info (${guestInfo?.guestFamily ?? "-"}/${guestInfo?.guestId ?? "-"}): ${hint}`);
    return { order: [hint], reasons };
  }
  if (guestInfo) reasons.push("vSphere guest info did not name a family");
  return { order: transport === "docker" ? ["posix"] : ["posix", "windows"], reasons };
}

export function probeCommand(kind: ProbeKind): string {
  return kind === "posix" ? linuxProbeCommand() : windowsProbeCommand();
}

export function parseProbe(kind: ProbeKind, stdout: string): ProbeFacts | undefined {
  return kind === "posix" ? parseLinuxProbe(stdout) : parseWindowsProbe(stdout);
}

export function unknownOs(container = false): OsInfo {
  return { type: "unknown", family: "unknown", distribution: "unknown", version: "", container, tools: [] };
}
