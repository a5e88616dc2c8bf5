/**
 * What makes a Pulumi stack a pod environment: its owner, creation time, TTL
 * and program directory, kept as stack tags (the DIY backends, file and
 * PostgreSQL, store them beside the stack). Pure: no I/O here.
 */
import { PodError } from "../../common/errors";

export const ENV_TAGS = {
  owner: "pod:owner",
  created: "pod:created",
  ttl: "pod:ttl",
  expires: "pod:expires",
  program: "pod:program",
} as const;

export interface EnvironmentMetadata {
  owner: string;
  createdAt: Date;
  /** Absent: the environment never expires (gc leaves it). */
  expiresAt?: Date;
  ttl?: string;
  /** The program directory `down` and `gc` destroy with (dynamic providers load from its node_modules). */
  program: string;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "4h", "2d", or a sum of them ("1h30m"), to milliseconds. */
export function parseTtl(text: string): number {
  const parts = [...text.matchAll(/(\d+)([smhd])/g)];
  const whole = parts.map((m) => m[0]).join("");
  if (!parts.length || whole !== text) {
    throw new PodError("INVALID_INPUT", `The TTL "${text}" is not a duration.`, {
      fix: 'Give a number and a unit, s, m, h or d: "4h", "30m", "1h30m".',
    });
  }
  return parts.reduce((sum, m) => sum + Number(m[1]) * (UNITS[m[2] ?? ""] ?? 0), 0);
}

/** Stack names Pulumi accepts, and no more (they also become VM and port-group names in programs). */
export function checkEnvironmentName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name)) {
    throw new PodError("INVALID_INPUT", `"${name}" is not a valid environment name.`, {
      fix: "Use letters, digits, '-', '_' and '.', starting with a letter or digit (it is the Pulumi stack name).",
    });
  }
  return name;
}

/** The tags an `up` writes. A re-up keeps the first creation time and restarts the TTL from now. */
export function environmentTags(meta: EnvironmentMetadata): Record<string, string> {
  return {
    [ENV_TAGS.owner]: meta.owner,
    [ENV_TAGS.created]: meta.createdAt.toISOString(),
    [ENV_TAGS.program]: meta.program,
    ...(meta.ttl ? { [ENV_TAGS.ttl]: meta.ttl } : {}),
    ...(meta.expiresAt ? { [ENV_TAGS.expires]: meta.expiresAt.toISOString() } : {}),
  };
}

/** The metadata of a stack's tags; undefined for a stack pod did not make (no owner or program tag). */
export function readEnvironmentTags(tags: Record<string, string>): EnvironmentMetadata | undefined {
  const owner = tags[ENV_TAGS.owner];
  const program = tags[ENV_TAGS.program];
  const created = tags[ENV_TAGS.created];
  if (!owner || !program || !created) return undefined;
  const expires = tags[ENV_TAGS.expires];
  const ttl = tags[ENV_TAGS.ttl];
  return {
    owner,
    program,
    createdAt: new Date(created),
    ...(expires ? { expiresAt: new Date(expires) } : {}),
    ...(ttl ? { ttl } : {}),
  };
}

export function isExpired(meta: EnvironmentMetadata, now: Date): boolean {
  return meta.expiresAt !== undefined && meta.expiresAt.getTime() <= now.getTime();
}

/** "3h12m", "45s": a short age or remaining time for tables. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ""}`;
  return `${Math.floor(h / 24)}d`;
}
