/**
 * Vault's refusals as typed errors with the fix. Messages name the reference
 * (not secret) and never a token or a value; Vault's own error text is kept
 * (it names the path or the policy) after `redact`, which PodError applies.
 */
import { PodError } from "../../common/errors";
import type { VaultResponse } from "../../connections/vault/http";

export function vaultRefusal(response: VaultResponse, what: string, auth: string): PodError {
  const said = response.body.errors?.filter(Boolean).join("; ");
  const tail = said ? ` Vault said: ${said}.` : "";
  const details = { status: response.status, ...(said ? { vault: said } : {}) };
  if (response.status === 403) {
    return new PodError("SECRET_DENIED", `Vault refused to ${what} (403 permission denied).${tail}`, {
      fix: `The ${auth} is revoked or expired, or its policy lacks the capability on that path: log in again (a new VAULT_TOKEN, or a valid AppRole secret id) or grant the policy.`,
      details,
    });
  }
  if (response.status === 503) {
    return new PodError("UNREACHABLE", `Vault could not ${what}: it is sealed or in standby (503).${tail}`, {
      fix: "Unseal Vault (`vault operator unseal`), or point VAULT_ADDR at the active node.",
      details,
      transient: true,
    });
  }
  if (response.status === 404) {
    return new PodError("SECRET_NOT_FOUND", `Vault has nothing to ${what} (404).${tail}`, {
      fix: "Check the reference's path (KV v2 reads go through <mount>/data/<name>) and that the secret exists; `vault kv get` shows it.",
      details,
    });
  }
  return new PodError("SECRET_DENIED", `Vault could not ${what} (HTTP ${response.status}).${tail}`, {
    fix: "Check the request against Vault's documentation for that path, and the server's log.",
    details,
  });
}
