/**
 * Guest (SSH) credentials through the chain in sources.ts: explicit, stack
 * config, POD_GUEST_*, the SSH agent, OpenSSH's default key files, then
 * CredentialProviders. Every method found is offered, as ssh(1) does.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PodError } from "../common/errors";
import { Secret } from "../common/secret";
import { checkKeyFilePermissions, type SshAuthOptions } from "../connections/ssh/auth";
import type { CredentialSources } from "./sources";
import { resolveSecret } from "./vault/resolve";
import { readProviderConfig } from "./vsphere";

const DEFAULT_KEY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"].map((f) => join(homedir(), ".ssh", f));

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
  // vault: references are read now, when the connection is about to be made.
  const vault = {
    config: sources.config ?? (sources.pulumiConfig ? readProviderConfig(sources.pulumiConfig) : {}),
    env,
  };
  password = await resolveSecret(password, vault);
  passphrase = await resolveSecret(passphrase, vault);
  return {
    username,
    ...(agent ? { agent } : {}),
    ...(keyPath ? { privateKeyPath: keyPath } : {}),
    ...(passphrase ? { passphrase } : {}),
    ...(password ? { password } : {}),
  };
}

/**
 * A guest login by name and password (VMware Tools guest operations take no
 * key): explicit, stack config, POD_GUEST_USER / POD_GUEST_PASSWORD.
 */
export function resolveGuestLogin(sources: CredentialSources): { username?: string; password?: Secret } {
  const env = sources.env ?? process.env;
  const cfg = (key: string) => sources.pulumiConfig?.get(`pod:${key}`) || undefined;
  const username = sources.guest?.username ?? cfg("guestUser") ?? env.POD_GUEST_USER;
  const password = sources.guest?.password ?? secretOf(cfg("guestPassword") ?? env.POD_GUEST_PASSWORD);
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
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
