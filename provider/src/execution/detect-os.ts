/**
 * Runs the OS detection chain over a connection: the transport, then vSphere
 * guest info, then read-only probes (os/detect.ts plans them, os/ parses them,
 * the registry's handlers claim them). Nothing on the guest is changed; a
 * guest no handler claims comes back as type "unknown", with the reasons.
 */
import type { GuestConnection } from "../connections/types";
import { type ProbeKind, parseProbe, planProbes, probeCommand, unknownOs } from "../os/detect";
import { defaultOsRegistry, type OsRegistry } from "../os/registry";
import type { GuestInfoHint, OsInfo, ProbeFacts } from "../os/types";

export interface DetectOsOptions {
  guestInfo?: GuestInfoHint;
  registry?: OsRegistry;
  /** Per probe (default 30000). */
  timeoutMs?: number;
  /** One line per step of the chain. */
  log?: (message: string) => void;
}

const WINDOWS_LIKE_UNAME = /^(MINGW|MSYS|CYGWIN)/i;

export async function detectOs(connection: GuestConnection, options: DetectOsOptions = {}): Promise<OsInfo> {
  const registry = options.registry ?? defaultOsRegistry;
  const context = { transport: connection.transport };
  const plan = planProbes(connection.transport, options.guestInfo);
  const reasons = [...plan.reasons];
  const queue: ProbeKind[] = [...plan.order];
  for (let kind = queue.shift(); kind !== undefined; kind = queue.shift()) {
    const raw = await connection.exec(probeCommand(kind), { timeoutMs: options.timeoutMs ?? 30_000 });
    const facts: ProbeFacts | undefined = parseProbe(kind, raw.stdout);
    if (!facts) {
      reasons.push(
        `${kind} probe: no probe output (exit ${raw.exitCode ?? "none"}${raw.timedOut ? ", timed out" : ""})`,
      );
      continue;
    }
    const os = registry.classify(facts, context);
    if (os) {
      reasons.push(`${kind} probe: claimed by handler "${os.type}"`);
      for (const reason of reasons) options.log?.(reason);
      return os;
    }
    const what = facts.kind === "posix" ? facts.uname || facts.osRelease.ID || "?" : facts.productName;
    reasons.push(`${kind} probe: "${what}" is claimed by no handler (${registry.names().join(", ")})`);
    // A POSIX layer on Windows (Git Bash, MSYS, Cygwin) answers the POSIX probe.
    if (facts.kind === "posix" && WINDOWS_LIKE_UNAME.test(facts.uname) && !queue.includes("windows")) {
      queue.push("windows");
    }
  }
  if (connection.transport === "winrm") {
    // WinRM only exists on Windows: the probe failing does not make it unknown.
    reasons.push("falling back to the transport: windows");
    for (const reason of reasons) options.log?.(reason);
    return { type: "windows", family: "windows", distribution: "Windows", version: "", container: false, tools: [] };
  }
  for (const reason of reasons) options.log?.(reason);
  return { ...unknownOs(connection.transport === "docker"), details: { reasons: reasons.join("; ") } };
}
