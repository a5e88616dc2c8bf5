/**
 * The lab's Vault (lab/steps/66-vault.sh) as tests drive it: Vault's own CLI
 * with the lab's root token, never pod's code, so what a test sets up or
 * checks is seen from Vault's side.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface LabVault {
  address: string;
  caFile: string;
  /** Vault's CLI as root: `vault(["kv", "put", …])` → stdout. */
  vault(args: string[], input?: string): string;
  /** A token that may only read these KV v2 paths (a policy of its own), for `ttl`. */
  readToken(name: string, paths: string[], ttl?: string): string;
  /** The SSH engine's user CA public key (what guests list in TrustedUserCAKeys). */
  sshCaPublicKey: string;
}

export function requireVault(): LabVault {
  const address = process.env.VAULT_ADDR;
  const caFile = process.env.VAULT_CACERT;
  const rootFile = process.env.POD_VAULT_ROOT_TOKEN_FILE;
  const caKeyFile = process.env.POD_VAULT_SSH_CA_PUBLIC_KEY;
  if (!address || !caFile || !rootFile || !caKeyFile) {
    throw new Error("Vault is not up (no env.d/vault.env): run `bash lab/lab.sh only start_vault` (or `make lab`).");
  }
  const root = readFileSync(rootFile, "utf8").trim();
  const vault = (args: string[], input?: string) =>
    execFileSync("vault", args, {
      encoding: "utf8",
      env: { ...process.env, VAULT_ADDR: address, VAULT_CACERT: caFile, VAULT_TOKEN: root },
      ...(input !== undefined ? { input } : {}),
    });
  const readToken = (name: string, paths: string[], ttl = "15m") => {
    const rules = paths.map((p) => `path "${p}" { capabilities = ["read"] }`).join("\n");
    vault(["policy", "write", name, "-"], rules);
    return vault(["token", "create", "-policy", name, "-ttl", ttl, "-field", "token"]).trim();
  };
  return { address, caFile, vault, readToken, sshCaPublicKey: readFileSync(caKeyFile, "utf8").trim() };
}
