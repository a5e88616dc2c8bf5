/**
 * How callers name a guest: "docker:<container>", "vm:<vSphere VM name>", or
 * an SSH address "[user@]host[:port]" (optionally "ssh:" prefixed); or a full
 * GuestTarget object (the resources' input shape) for WinRM and the rest.
 */
import { PodError } from "../common/errors";
import type { GuestTarget } from "../execution/guest-target";

export type TargetSpec = string | GuestTarget;

export type ParsedTarget =
  | { kind: "docker"; name: string; container: string }
  | { kind: "vm"; name: string; vm: string }
  | { kind: "ssh"; name: string; host: string; port?: number; user?: string }
  | { kind: "object"; name: string; target: GuestTarget };

export function parseTarget(spec: TargetSpec, nameOf: (t: GuestTarget) => string): ParsedTarget {
  if (typeof spec !== "string") return { kind: "object", name: nameOf(spec), target: spec };
  const text = spec.trim();
  if (text.startsWith("docker:") && text.length > 7) return { kind: "docker", name: text, container: text.slice(7) };
  if (text.startsWith("vm:") && text.length > 3) return { kind: "vm", name: text, vm: text.slice(3) };
  const m = /^(?:ssh:)?(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m?.[2]) {
    throw new PodError("INVALID_INPUT", `"${spec}" is not a target pod understands.`, {
      fix: 'Name a target as "docker:<container>", "vm:<VM name>" or an SSH address "[user@]host[:port]".',
    });
  }
  const host = m[2].replace(/^\[|\]$/g, "");
  const port = m[3] ? Number(m[3]) : undefined;
  return {
    kind: "ssh",
    name: `${host}${port ? `:${port}` : ""}`,
    host,
    ...(port ? { port } : {}),
    ...(m[1] ? { user: m[1] } : {}),
  };
}
