/**
 * SSH dial settings a resource's target may carry, beside the guest's own
 * login: a jump host (with its own host-key pin and credentials, like
 * `ssh -J`), the dial error limit and per-dial timeout (as @pulumi/command's
 * dialErrorLimit and perDialTimeout), and the SSH agent. All of it goes into
 * the connection's access description, so the connection cache tells apart
 * two targets that differ in any of it (common/access-key.ts).
 */
import { z } from "zod";
import { Secret } from "../common/secret";
import { hostKeyPolicySchema } from "../connections/ssh/host-key-policy";
import type { SshConnectionOptions } from "../connections/ssh/options";

const fingerprints = z.array(
  z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH fingerprint like "SHA256:…"'),
);

export const jumpHostSchema = z
  .object({
    host: z.string().min(1).describe("The jump host's address, reachable from where pod runs."),
    port: z.number().int().min(1).max(65535).optional().describe("Its SSH port (22)."),
    user: z.string().min(1).describe("User on the jump host."),
    password: z.string().min(1).meta({ secret: true }).optional().describe("Its password (stored encrypted)."),
    privateKey: z.string().min(1).meta({ secret: true }).optional().describe("Its private key (stored encrypted)."),
    passphrase: z.string().min(1).meta({ secret: true }).optional().describe("Passphrase of that key."),
    agent: z.boolean().optional().describe("Log in to the jump host with the SSH agent ($SSH_AUTH_SOCK)."),
    hostKeys: fingerprints.optional().describe("The jump host's own pinned host key fingerprints."),
    hostKeyPolicy: hostKeyPolicySchema.optional().describe('Its host key policy; "strict" by default.'),
    knownHostsFile: z.string().optional().describe("known_hosts file for the jump host."),
  })
  .describe("Reach the guest through this SSH host (like ssh -J); it is verified and logged in to on its own.");

/** Fields spread into a target schema (PodCommand/PodCopy/PodNetwork target, PodVm guest). */
export const dialSettingsShape = {
  jumpHost: jumpHostSchema.optional(),
  agent: z.boolean().optional().describe("SSH: also try the keys of the SSH agent at $SSH_AUTH_SOCK."),
  dialErrorLimit: z
    .number()
    .int()
    .min(-1)
    .optional()
    .describe("SSH: dial attempts in all before giving up (10 by default; -1 = no limit)."),
  perDialTimeoutSeconds: z
    .number()
    .min(1)
    .max(3600)
    .optional()
    .describe("SSH: one attempt's limit for connect, handshake and login (15 by default)."),
};

export interface DialSettings {
  jumpHost?: z.infer<typeof jumpHostSchema> | undefined;
  agent?: boolean | undefined;
  dialErrorLimit?: number | undefined;
  perDialTimeoutSeconds?: number | undefined;
}

/** The SSH connection options these settings add (secrets as Secret objects). */
export function sshDialOptions(t: DialSettings): Partial<SshConnectionOptions> {
  const j = t.jumpHost;
  return {
    ...(t.agent ? { agent: true as const } : {}),
    ...(t.dialErrorLimit !== undefined ? { dialErrorLimit: t.dialErrorLimit } : {}),
    ...(t.perDialTimeoutSeconds !== undefined ? { perDialTimeoutMs: t.perDialTimeoutSeconds * 1000 } : {}),
    ...(j
      ? {
          jump: {
            host: j.host,
            ...(j.port ? { port: j.port } : {}),
            username: j.user,
            ...(j.password ? { password: new Secret(j.password) } : {}),
            ...(j.privateKey ? { privateKey: new Secret(j.privateKey) } : {}),
            ...(j.passphrase ? { passphrase: new Secret(j.passphrase) } : {}),
            ...(j.agent ? { agent: true as const } : {}),
            hostKey: {
              policy: j.hostKeyPolicy ?? "strict",
              ...(j.hostKeys?.length ? { fingerprints: j.hostKeys } : {}),
              ...(j.knownHostsFile ? { knownHostsFile: j.knownHostsFile } : {}),
            },
            // The same dial limits for both hops.
            ...(t.dialErrorLimit !== undefined ? { dialErrorLimit: t.dialErrorLimit } : {}),
            ...(t.perDialTimeoutSeconds !== undefined ? { perDialTimeoutMs: t.perDialTimeoutSeconds * 1000 } : {}),
          },
        }
      : {}),
  };
}

/** Only the dial settings of a larger object, unset ones left out. */
export function pickDialSettings(t: DialSettings): DialSettings {
  return Object.fromEntries(
    (["jumpHost", "agent", "dialErrorLimit", "perDialTimeoutSeconds"] as const)
      .filter((k) => t[k] !== undefined)
      .map((k) => [k, t[k]]),
  ) as DialSettings;
}
