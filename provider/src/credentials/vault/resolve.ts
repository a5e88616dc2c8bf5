/**
 * Resolving `vault:` references where pod is about to use a credential: a
 * field that holds a reference is replaced, in memory and for this use only,
 * by the value Vault returns now; any other value passes through untouched.
 * One store per Vault address and login per process, so leases and AppRole
 * tokens are shared by every resource and call in it.
 */
import { Secret, secretFingerprint } from "../../common/secret";
import { VaultLogin } from "./auth";
import { isVaultRef, parseVaultRef } from "./reference";
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
  const who = auth.method === "token" ? secretFingerprint(auth.token) : `${auth.roleId}:${secretFingerprint(auth.secretId)}`;
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

type SecretFields = { password?: string | undefined; privateKey?: string | undefined; passphrase?: string | undefined };

/** A guest target (or anything with these fields) with its references resolved, for one use. */
export async function resolveTargetSecrets<T extends SecretFields>(target: T, context: SecretRefContext = {}): Promise<T> {
  const out = { ...target };
  for (const field of ["password", "privateKey", "passphrase"] as const) {
    const value = target[field];
    if (isVaultRef(value)) out[field] = (await resolveSecretText(value, context)).reveal();
  }
  return out;
}

/** Whether any of these fields holds a reference (nothing to resolve, no Vault settings needed otherwise). */
export function hasSecretRefs(target: SecretFields): boolean {
  return [target.password, target.privateKey, target.passphrase].some(isVaultRef);
}
