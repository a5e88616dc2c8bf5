/**
 * Resolving `vault:` references where pod is about to use a credential: a
 * field that holds a reference is replaced, in memory and for this use only,
 * by the value Vault returns now; any other value passes through untouched.
 * One store per Vault address and login per process, so leases and AppRole
 * tokens are shared by every resource and call in it.
 */
import { PodError } from "../../common/errors";
import { registerSecretValue, Secret, secretFingerprint } from "../../common/secret";
import { freshKeyPair } from "../../connections/ssh/certificate";
import { VaultLogin } from "./auth";
import { isVaultRef, parseSshSignRef, parseVaultRef, type SshSignRef } from "./reference";
import { type VaultConfigKey, vaultSettings } from "./settings";
import { VaultSecretStore } from "./store";

export interface SecretRefContext {
  /** Stack config (pod:vault*), as readProviderConfig returns it. */
  config?: Partial<Record<VaultConfigKey, string>>;
  env?: NodeJS.ProcessEnv;
}

const stores = new Map<string, VaultSecretStore>();

/** The process's store for the Vault these settings name. */
export function vaultStore(context: SecretRefContext = {}): VaultSecretStore {
  const { endpoint, auth } = vaultSettings(context.config, context.env ?? process.env);
  const who =
    auth.method === "token" ? secretFingerprint(auth.token) : `${auth.roleId}:${secretFingerprint(auth.secretId)}`;
  const key = `${endpoint.address}|${endpoint.namespace ?? ""}|${who}`;
  let store = stores.get(key);
  if (!store) {
    store = new VaultSecretStore(new VaultLogin(endpoint, auth));
    stores.set(key, store);
  }
  return store;
}

/** A plain value, or the value a `vault:` reference names (as a Secret either way). */
export async function resolveSecretText(value: string, context: SecretRefContext = {}): Promise<Secret> {
  if (!isVaultRef(value)) return new Secret(value);
  return vaultStore(context).read(parseVaultRef(value));
}

/** The same for a value already held as a Secret (CLI flags, PodClient options). */
export async function resolveSecret(value: Secret | undefined, context: SecretRefContext = {}) {
  if (!value || !isVaultRef(value.reveal())) return value;
  return resolveSecretText(value.reveal(), context);
}

type SecretFields = {
  user?: string | undefined;
  password?: string | undefined;
  privateKey?: string | undefined;
  passphrase?: string | undefined;
  certificate?: string | undefined;
};

/**
 * A guest target (or anything with these fields) with its references
 * resolved, for one use. A privateKey of `vault:<mount>/sign/<role>` becomes
 * a fresh ed25519 key and the certificate Vault signs for it, valid for the
 * target's user only.
 */
export async function resolveTargetSecrets<T extends SecretFields>(
  target: T,
  context: SecretRefContext = {},
): Promise<T> {
  const out = { ...target };
  const signing = isVaultRef(target.privateKey) ? parseSshSignRef(target.privateKey) : undefined;
  if (signing) {
    const login = await signedSshLogin(signing, target.user ?? "", context);
    out.privateKey = login.privateKey;
    out.certificate = login.certificate;
  }
  for (const field of ["password", "privateKey", "passphrase"] as const) {
    const value = out[field];
    if (isVaultRef(value)) out[field] = (await resolveSecretText(value, context)).reveal();
  }
  return out;
}

/** A fresh key pair and Vault's certificate for it (principal: the user), for one connection. */
export async function signedSshLogin(ref: SshSignRef, user: string, context: SecretRefContext = {}) {
  if (!user) {
    throw new PodError(
      "INVALID_INPUT",
      `Vault's ${ref.mount}/sign/${ref.role} signs a key for a user, and the target names none.`,
      {
        fix: "Set the target's user (or pod:guestUser / POD_GUEST_USER): it is the certificate's principal.",
      },
    );
  }
  const pair = freshKeyPair();
  const signed = await vaultStore(context).signSshKey(ref.mount, ref.role, pair.publicKey, [user]);
  // The private half never leaves this process; registering it keeps it out of any text that reaches a log.
  registerSecretValue(pair.privateKey);
  return { privateKey: pair.privateKey, certificate: signed.certificate, serial: signed.serial };
}

/** Whether any of these fields holds a reference (nothing to resolve, no Vault settings needed otherwise). */
export function hasSecretRefs(target: SecretFields): boolean {
  return [target.password, target.privateKey, target.passphrase].some(isVaultRef);
}
