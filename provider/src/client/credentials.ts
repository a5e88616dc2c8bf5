/**
 * Where pod finds credentials, in this order (first found wins, per field):
 *   1. explicit inputs (PodClient options, CLI flags)
 *   2. Pulumi config secrets (pod:vsphereHost, pod:vspherePassword, pod:guestUser, pod:guestPassword, …)
 *   3. environment: POD_VSPHERE_HOST/USER/PASSWORD/CA_FILE/THUMBPRINT/INSECURE, POD_GUEST_USER,
 *      POD_GUEST_PASSWORD, POD_GUEST_KEY_FILE
 *   4. the SSH agent ($SSH_AUTH_SOCK; guests only)
 *   5. key files (~/.ssh/id_ed25519, id_ecdsa, id_rsa; guests only), refused when group or others can read them
 *   6. CredentialProviders (a vault, a password manager, …)
 * Values become Secrets at once, so they are redacted wherever they might surface.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PodError } from "../common/errors";
import { Secret } from "../common/secret";
import type { SshAuthOptions } from "../connections/ssh/auth";
import { checkKeyFilePermissions } from "../connections/ssh/auth";
import {
  type ProviderConfig,
  readProviderConfig,
  resolveVsphereConnection,
  type VsphereConnectionInput,
} from "../resources/shared/vsphere-connection";
import type { VsphereConnectOptions } from "../vsphere/session";

export interface GuestCredentials {
  username?: string;
  password?: Secret;
  privateKeyPath?: string;
  passphrase?: Secret;
}

/** A source of credentials pod does not know about; asked last, for the fields still missing. */
export interface CredentialProvider {
  readonly name: string;
  vsphere?(): Promise<VsphereConnectionInput | undefined>;
  guest?(target: string): Promise<GuestCredentials | undefined>;
}

export interface CredentialSources {
  vsphere?: VsphereConnectionInput;
  guest?: GuestCredentials;
  /** Stack config as a dynamic provider or Pulumi program sees it: get("pod:vspherePassword"). */
  pulumiConfig?: { get(key: string): string | undefined };
  env?: NodeJS.ProcessEnv;
  /** Use $SSH_AUTH_SOCK when set (default true). */
  agent?: boolean;
  /** Key files to try when no key was given (default: OpenSSH's ~/.ssh/id_*). */
  keyFiles?: string[];
  providers?: CredentialProvider[];
}

const DEFAULT_KEY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"].map((f) => join(homedir(), ".ssh", f));

export async function resolveVsphereCredentials(sources: CredentialSources): Promise<VsphereConnectOptions> {
  const env = sources.env ?? process.env;
  const config: ProviderConfig = sources.pulumiConfig ? readProviderConfig(sources.pulumiConfig) : {};
  let input: VsphereConnectionInput = { ...sources.vsphere };
  const has = (field: "host" | "user" | "password", key: keyof ProviderConfig, envKey: string) =>
    !!(input[field] ?? config[key] ?? env[envKey]);
  for (const provider of sources.providers ?? []) {
    const complete =
      has("host", "vsphereHost", "POD_VSPHERE_HOST") &&
      has("user", "vsphereUser", "POD_VSPHERE_USER") &&
      has("password", "vspherePassword", "POD_VSPHERE_PASSWORD");
    if (complete || !provider.vsphere) break;
    const found = await provider.vsphere();
    // Provider values fill gaps only: they rank below every documented source.
    if (found) input = { ...found, ...input, ...withoutConfiguredOrEnv(found, config, env) };
  }
  return resolveVsphereConnection(input, config, env);
}

/** Keeps a provider's field out of `input` when config or env already sets it (they outrank providers). */
function withoutConfiguredOrEnv(found: VsphereConnectionInput, config: ProviderConfig, env: NodeJS.ProcessEnv) {
  const taken: Record<string, boolean> = {
    host: !!(config.vsphereHost ?? env.POD_VSPHERE_HOST),
    user: !!(config.vsphereUser ?? env.POD_VSPHERE_USER),
    password: !!(config.vspherePassword ?? env.POD_VSPHERE_PASSWORD),
  };
  return Object.fromEntries(
    Object.keys(found)
      .filter((k) => taken[k])
      .map((k) => [k, undefined]),
  );
}

/** SSH auth options for a guest: every method found is offered, in the documented order. */
export async function resolveGuestCredentials(target: string, sources: CredentialSources): Promise<SshAuthOptions> {
  const env = sources.env ?? process.env;
  const cfg = (key: string) => sources.pulumiConfig?.get(`pod:${key}`) || undefined;
  const explicit = sources.guest ?? {};
  let username = explicit.username ?? cfg("guestUser") ?? env.POD_GUEST_USER;
  let password = explicit.password ?? secretOf(cfg("guestPassword") ?? env.POD_GUEST_PASSWORD);
  let keyPath = explicit.privateKeyPath ?? cfg("guestKeyFile") ?? env.POD_GUEST_KEY_FILE;
  let passphrase = explicit.passphrase ?? secretOf(cfg("guestKeyPassphrase") ?? env.POD_GUEST_KEY_PASSPHRASE);
  // A key the user named is checked now: a too-open file is an error, not a silent skip.
  if (keyPath) await checkKeyFilePermissions(keyPath);
  const agent = sources.agent !== false && env.SSH_AUTH_SOCK ? env.SSH_AUTH_SOCK : undefined;
  if (!keyPath) keyPath = await firstUsableKeyFile(sources.keyFiles ?? DEFAULT_KEY_FILES);
  for (const provider of sources.providers ?? []) {
    if (username && (password || keyPath || agent)) break;
    const found = await provider.guest?.(target);
    username ??= found?.username;
    password ??= found?.password;
    keyPath ??= found?.privateKeyPath;
    passphrase ??= found?.passphrase;
  }
  if (!username) {
    throw new PodError("INVALID_INPUT", `No user name for the guest ${target}.`, {
      fix: "Pass --user (or the guest.username option), or set POD_GUEST_USER.",
    });
  }
  return {
    username,
    ...(agent ? { agent } : {}),
    ...(keyPath ? { privateKeyPath: keyPath } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(password ? { password } : {}),
  };
}

/** OpenSSH skips a default identity that is too open (with a warning); so does pod. */
async function firstUsableKeyFile(files: string[]): Promise<string | undefined> {
  for (const file of files) {
    if (!existsSync(file)) continue;
    try {
      await checkKeyFilePermissions(file);
      return file;
    } catch (error) {
      process.emitWarning(`pod: ${(error as Error).message}`, { code: "POD_KEY_FILE_TOO_OPEN" });
    }
  }
  return undefined;
}

const secretOf = (value: string | undefined) => (value ? new Secret(value) : undefined);
