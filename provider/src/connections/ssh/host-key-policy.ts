/**
 * The host key policy as it enters pod (resource input, PodClient option, CLI
 * flag, POD_HOST_KEY_POLICY), validated against one list: a typo such as
 * "Strict" is an error, never a weaker policy. And where trust on first use
 * writes: pod's own known_hosts, so `accept-new` never edits the user's
 * ~/.ssh/known_hosts (which OpenSSH, and every other tool, trusts too).
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { PodError } from "../../common/errors";

export const HOST_KEY_POLICIES = ["strict", "accept-new", "insecure"] as const;
export type HostKeyPolicy = (typeof HOST_KEY_POLICIES)[number];
export const hostKeyPolicySchema = z.enum(HOST_KEY_POLICIES);

/** `value` as a policy, or INVALID_INPUT naming `source` (the option, flag or variable it came from). */
export function parseHostKeyPolicy(value: unknown, source: string): HostKeyPolicy {
  const parsed = hostKeyPolicySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PodError("INVALID_INPUT", `${source} is ${JSON.stringify(value)}, which is not a host key policy.`, {
    fix: `Use exactly one of ${HOST_KEY_POLICIES.map((p) => `"${p}"`).join(", ")} (lower case).`,
    details: { source },
  });
}

/** The explicit policy, else POD_HOST_KEY_POLICY, else "strict"; each validated. */
export function resolveHostKeyPolicy(explicit: unknown, env: NodeJS.ProcessEnv = process.env): HostKeyPolicy {
  if (explicit !== undefined) return parseHostKeyPolicy(explicit, "The host key policy");
  const fromEnv = env.POD_HOST_KEY_POLICY;
  if (fromEnv !== undefined && fromEnv !== "") return parseHostKeyPolicy(fromEnv, "POD_HOST_KEY_POLICY");
  return "strict";
}

/** pod's own known_hosts: $POD_KNOWN_HOSTS, else $XDG_CONFIG_HOME/pod/known_hosts (~/.config by default). */
export function podKnownHostsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.POD_KNOWN_HOSTS) return env.POD_KNOWN_HOSTS;
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "pod", "known_hosts");
}

/** OpenSSH's per-user file: read for lookups, written only when a caller names it as knownHostsFile. */
export function userKnownHostsFile(): string {
  return join(homedir(), ".ssh", "known_hosts");
}
