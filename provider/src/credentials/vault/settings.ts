/**
 * Where pod finds Vault and how it logs in, per setting: stack config
 * (pod:vaultAddress, --secret pod:vaultToken, pod:vaultRoleId, --secret
 * pod:vaultSecretId, pod:vaultCaFile, pod:vaultNamespace), then the
 * environment Vault's own CLI reads (VAULT_ADDR, VAULT_TOKEN, VAULT_CACERT,
 * VAULT_NAMESPACE) plus VAULT_ROLE_ID / VAULT_SECRET_ID / VAULT_APPROLE_MOUNT,
 * then the CLI's token file ~/.vault-token. A token wins over AppRole.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import type { VaultEndpoint } from "../../connections/vault/http";

export const VAULT_CONFIG_KEYS = [
  "vaultAddress",
  "vaultToken",
  "vaultRoleId",
  "vaultSecretId",
  "vaultCaFile",
  "vaultNamespace",
] as const;
export type VaultConfigKey = (typeof VAULT_CONFIG_KEYS)[number];

export type VaultAuthSettings =
  | { method: "token"; token: Secret }
  | { method: "approle"; roleId: string; secretId: Secret; mount: string };

export interface VaultSettings {
  endpoint: VaultEndpoint;
  auth: VaultAuthSettings;
}

export function vaultSettings(
  config: Partial<Record<VaultConfigKey, string>> = {},
  env: NodeJS.ProcessEnv = process.env,
): VaultSettings {
  const pick = (key: VaultConfigKey, name: string) => config[key] || env[name] || undefined;
  const address = pick("vaultAddress", "VAULT_ADDR");
  if (!address) {
    throw new PodError("INVALID_INPUT", "A vault: secret reference was given, but no Vault address is set.", {
      fix: "Set VAULT_ADDR (or `pulumi config set pod:vaultAddress https://…`) to the Vault server's address.",
    });
  }
  const caFile = pick("vaultCaFile", "VAULT_CACERT");
  const namespace = pick("vaultNamespace", "VAULT_NAMESPACE");
  const endpoint: VaultEndpoint = {
    address,
    ...(caFile ? { ca: readCa(caFile) } : {}),
    ...(namespace ? { namespace } : {}),
  };
  return { endpoint, auth: authOf(pick, env) };
}

function authOf(pick: (key: VaultConfigKey, name: string) => string | undefined, env: NodeJS.ProcessEnv) {
  const token = pick("vaultToken", "VAULT_TOKEN");
  if (token) return { method: "token" as const, token: new Secret(token) };
  const roleId = pick("vaultRoleId", "VAULT_ROLE_ID");
  const secretId = pick("vaultSecretId", "VAULT_SECRET_ID");
  if (roleId && secretId) {
    return {
      method: "approle" as const,
      roleId,
      secretId: new Secret(secretId),
      mount: env.VAULT_APPROLE_MOUNT || "approle",
    };
  }
  const file = tokenFile(env);
  if (file) return { method: "token" as const, token: new Secret(file) };
  throw new PodError("INVALID_INPUT", "A vault: secret reference was given, but pod has no way to log in to Vault.", {
    fix: "Set VAULT_TOKEN (or --secret pod:vaultToken), or an AppRole: VAULT_ROLE_ID and VAULT_SECRET_ID (pod:vaultRoleId, --secret pod:vaultSecretId); `vault login` leaves a token in ~/.vault-token that pod reads too.",
  });
}

function tokenFile(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return readFileSync(join(env.HOME || homedir(), ".vault-token"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new PodError("INVALID_INPUT", `Cannot read Vault's CA file ${file}.`, {
      fix: "Point VAULT_CACERT (or pod:vaultCaFile) at a readable PEM file.",
      cause: error,
    });
  }
}
