import { z } from "zod";
import { PodError } from "../common/errors";
import { Secret } from "../common/secret";
import type { GuestAccess } from "../connections/factory";
import { hostKeyPolicySchema } from "../connections/ssh/host-key-policy";
import { winrmKerberosSchema } from "../connections/winrm/kerberos/schema";
import { resolveTlsTrust } from "../credentials/tls-trust";
import { vsphereConnectionSchema } from "../credentials/vsphere-schema";
import type { VsphereConnectOptions } from "../vsphere/session";
import { dialSettingsShape, sshDialOptions } from "./dial-settings";

/**
 * How a resource reaches a guest: the transport and its credentials. Secret
 * fields are stored encrypted; nothing here is ever logged.
 */
export const guestTargetSchema = z
  .object({
    transport: z
      .enum(["ssh", "winrm", "docker", "guestops"])
      .optional()
      .describe('How to reach the guest: "ssh" (default), "winrm", "docker" (exec) or "guestops" (VMware Tools).'),
    host: z.string().min(1).optional().describe("Guest address (ssh, winrm); typically a PodVm's ipAddress."),
    port: z.number().int().min(1).max(65535).optional().describe("Transport port (22, 5985/5986)."),
    user: z.string().min(1).optional().describe("Guest user; else stack config pod:guestUser, else POD_GUEST_USER."),
    password: z
      .string()
      .min(1)
      .meta({ secret: true })
      .optional()
      .describe("Guest password (stored encrypted); else pod:guestPassword, else POD_GUEST_PASSWORD."),
    privateKey: z
      .string()
      .min(1)
      .meta({ secret: true })
      .optional()
      .describe("SSH private key (stored encrypted); else the file pod:guestKeyFile, else POD_GUEST_KEY_FILE names."),
    passphrase: z.string().min(1).meta({ secret: true }).optional().describe("Passphrase of the private key."),
    certificate: z
      .string()
      .min(1)
      .optional()
      .describe(
        'OpenSSH user certificate for privateKey ("ssh-ed25519-cert-v01@openssh.com AAAA…"). With privateKey "vault:<mount>/sign/<role>" pod makes a fresh key per use and has Vault sign it.',
      ),
    hostKeys: z
      .array(z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH fingerprint like "SHA256:…"'))
      .optional()
      .describe("Pinned SSH host key fingerprints; a PodVm's sshHostKeys."),
    hostKeyPolicy: hostKeyPolicySchema // the one list the verifier, PodClient and the CLI check too
      .optional()
      .describe('SSH host key policy; "strict" by default (pinned keys or known_hosts).'),
    knownHostsFile: z.string().optional().describe("known_hosts file for strict/accept-new."),
    sessionMode: z
      .enum(["exec", "persistent"])
      .optional()
      .describe(
        'SSH: "exec" (default) opens a channel per command; "persistent" runs commands in long-lived shells (POSIX guests; fewer round trips per command).',
      ),
    https: z
      .boolean()
      .optional()
      .describe(
        "WinRM: true (default) = HTTPS 5986, NTLM with channel binding; false = the explicit choice of plain HTTP 5985 with NTLM message encryption.",
      ),
    caFile: z.string().optional().describe("WinRM HTTPS: CA file to trust."),
    thumbprint: z.string().optional().describe("WinRM HTTPS: pinned SHA-256 certificate thumbprint."),
    insecure: z.boolean().optional().describe("WinRM HTTPS: skip certificate checks (labs only)."),
    auth: z
      .enum(["ntlm", "kerberos"])
      .optional()
      .describe(
        'WinRM authentication: "ntlm" (default) or "kerberos" (SPNEGO; over http every message is encrypted with the Kerberos session).',
      ),
    kerberos: winrmKerberosSchema.optional(),
    container: z.string().min(1).optional().describe("Docker: the container id or name."),
    vmId: z.string().min(1).optional().describe("guestops: the VM's managed object id (a PodVm's moid)."),
    vsphere: vsphereConnectionSchema.optional(),
    ...dialSettingsShape,
  })
  .superRefine((t, ctx) => {
    const transport = t.transport ?? "ssh";
    const need = (field: keyof typeof t, why: string) => {
      if (t[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `${why} needs ${field}` });
    };
    if (transport === "ssh" || transport === "winrm") need("host", `transport ${transport}`);
    // user and password may come from stack config or POD_GUEST_*: resources/shared/guest-defaults.ts checks them.
    if (transport === "docker") need("container", "transport docker");
    if (transport === "guestops") need("vmId", "transport guestops");
    if (transport !== "ssh" && t.jumpHost) {
      ctx.addIssue({
        code: "custom",
        path: ["jumpHost"],
        message: `a jump host is for transport ssh, not ${transport}`,
      });
    }
    const j = t.jumpHost;
    if (j && !j.password && !j.privateKey && !j.agent) {
      ctx.addIssue({
        code: "custom",
        path: ["jumpHost"],
        message: "the jump host needs a password, privateKey or agent",
      });
    }
  })
  .describe("How to reach the guest.");

export type GuestTarget = z.infer<typeof guestTargetSchema>;

/** A stable, secret-free name for a target, for results and audit records. */
export function targetName(t: GuestTarget): string {
  const transport = t.transport ?? "ssh";
  if (transport === "docker") return `docker:${t.container}`;
  if (transport === "guestops") return `vm:${t.vmId}`;
  return `${t.host}${t.port ? `:${t.port}` : ""}`;
}

/**
 * The access description of a target: what the connection cache keys on.
 * Guest operations run through vSphere, so they need its resolved connection.
 */
export function toGuestAccess(t: GuestTarget, vsphere?: VsphereConnectOptions): GuestAccess {
  const secret = (v: string | undefined) => (v === undefined ? undefined : new Secret(v));
  switch (t.transport ?? "ssh") {
    case "ssh":
      return {
        transport: "ssh",
        host: t.host ?? "",
        ...(t.port ? { port: t.port } : {}),
        username: t.user ?? "",
        ...(t.password ? { password: new Secret(t.password) } : {}),
        ...(t.privateKey ? { privateKey: new Secret(t.privateKey) } : {}),
        ...(t.passphrase ? { passphrase: secret(t.passphrase) } : {}),
        ...(t.certificate ? { certificate: t.certificate } : {}),
        hostKey: {
          policy: t.hostKeyPolicy ?? "strict",
          ...(t.hostKeys?.length ? { fingerprints: t.hostKeys } : {}),
          ...(t.knownHostsFile ? { knownHostsFile: t.knownHostsFile } : {}),
        },
        ...sshDialOptions(t),
        ...(t.sessionMode ? { sessionMode: t.sessionMode } : {}),
      };
    case "winrm":
      return {
        transport: "winrm",
        host: t.host ?? "",
        ...(t.port ? { port: t.port } : {}),
        https: t.https ?? true,
        auth: t.auth ?? "ntlm",
        username: t.user ?? "",
        password: new Secret(t.password ?? ""),
        ...(t.https !== false ? { tls: winrmTrust(t) } : {}),
        ...(t.kerberos ? { kerberos: t.kerberos } : {}),
      };
    case "docker":
      return { transport: "docker", container: t.container ?? "", ...(t.user ? { user: t.user } : {}) };
    case "guestops":
      if (!vsphere) throw new PodError("INTERNAL", "guestops targets need the vSphere connection resolved first.");
      return {
        transport: "guestops",
        vm: t.vmId ?? "",
        username: t.user ?? "",
        password: new Secret(t.password ?? ""),
        vsphere,
        name: targetName(t),
      };
  }
}

function winrmTrust(t: GuestTarget) {
  // The same rule as for vSphere: a pin wins, and a pin plus insecure is a contradiction to fix.
  return resolveTlsTrust([{ name: "The WinRM target", ...pickTrust(t) }]);
}

const pickTrust = ({ thumbprint, caFile, insecure }: GuestTarget) => ({
  ...(thumbprint !== undefined ? { thumbprint } : {}),
  ...(caFile !== undefined ? { caFile } : {}),
  ...(insecure !== undefined ? { insecure } : {}),
});
