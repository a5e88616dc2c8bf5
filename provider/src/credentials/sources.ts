/**
 * Where pod finds credentials: one order for the library, the CLI and the
 * Pulumi resources (first found wins, per field):
 *   1. explicit inputs: a resource's `connection` input, PodClient options, CLI flags
 *   2. Pulumi stack config (pod:vsphereHost, --secret pod:vspherePassword, pod:guestUser, pod:guestPassword, …)
 *   3. environment: POD_VSPHERE_HOST/USER/PASSWORD/CA_FILE/THUMBPRINT/INSECURE, POD_GUEST_USER,
 *      POD_GUEST_PASSWORD, POD_GUEST_KEY_FILE
 *   4. the SSH agent ($SSH_AUTH_SOCK; guests only)
 *   5. key files (~/.ssh/id_ed25519, id_ecdsa, id_rsa; guests only), refused when group or others can read them
 *   6. CredentialProviders (a vault, a password manager, …), for the fields still missing
 * Any password, key or passphrase found in 1–3 may be a reference such as
 * `vault:kv/data/lab/windows#password`: it is resolved through Vault's HTTP
 * API when pod uses it (credentials/vault/), and only the reference is stored.
 * A Pulumi dynamic provider runs in a process of its own, so resources use
 * 1–3: a guest target's own fields, then pod:guest* stack config (read in
 * the provider's configure), then POD_GUEST_* (resources/shared/guest-defaults.ts);
 * CredentialProviders are objects a library caller passes. Values become Secrets at once, so they
 * are redacted wherever they might surface.
 */
import type { Secret } from "../common/secret";
import type { VaultConfigKey } from "./vault/settings";

/** A vSphere connection as a caller gives it; every field is optional, the chain fills the rest. */
export interface VsphereCredentialInput {
  host?: string;
  user?: string;
  password?: string;
  thumbprint?: string;
  caFile?: string;
  insecure?: boolean;
}

/** Stack config (pod:vsphere*, pod:guest*), read once by readProviderConfig (a dynamic provider's configure). */
export type ProviderConfig = Partial<
  Record<
    | "vsphereHost"
    | "vsphereUser"
    | "vspherePassword"
    | "vsphereThumbprint"
    | "vsphereCaFile"
    | "vsphereInsecure"
    | GuestConfigKey
    | VaultConfigKey,
    string
  >
>;

/** The guest keys of stack config (pod:guestUser, --secret pod:guestPassword, …). */
export const GUEST_CONFIG_KEYS = ["guestUser", "guestPassword", "guestKeyFile", "guestKeyPassphrase"] as const;
export type GuestConfigKey = (typeof GUEST_CONFIG_KEYS)[number];

export interface GuestCredentials {
  username?: string;
  password?: Secret;
  privateKeyPath?: string;
  passphrase?: Secret;
}

/** A source of credentials pod does not know about; asked last, for the fields still missing. */
export interface CredentialProvider {
  readonly name: string;
  vsphere?(): Promise<VsphereCredentialInput | undefined>;
  guest?(target: string): Promise<GuestCredentials | undefined>;
}

export interface CredentialSources {
  vsphere?: VsphereCredentialInput;
  guest?: GuestCredentials;
  /** Stack config as a dynamic provider or Pulumi program sees it: get("pod:vspherePassword"). */
  pulumiConfig?: { get(key: string): string | undefined };
  /** Stack config already read with readProviderConfig (wins over pulumiConfig). */
  config?: ProviderConfig;
  env?: NodeJS.ProcessEnv;
  /** Use $SSH_AUTH_SOCK when set (default true). */
  agent?: boolean;
  /** Key files to try when no key was given (default: OpenSSH's ~/.ssh/id_*). */
  keyFiles?: string[];
  providers?: CredentialProvider[];
}
