import { z } from "zod";
import type { ProviderConfig } from "./sources";

/**
 * pod's provider configuration: stack config (pod:vsphereHost, …) and an
 * explicit provider's inputs. The package schema's `config` and `provider`
 * sections are generated from this, so the keys are the ones ProviderConfig
 * reads (checked below at compile time). Every key is optional: a resource's
 * own input wins, and POD_VSPHERE_* / POD_GUEST_* fill what is still missing.
 */
export const providerConfigSchema = z.object({
  vsphereHost: z
    .string()
    .min(1)
    .optional()
    .describe('vCenter or ESXi address: "host" or "host:port"; else POD_VSPHERE_HOST.'),
  vsphereUser: z.string().min(1).optional().describe("vSphere user name; else POD_VSPHERE_USER."),
  vspherePassword: z
    .string()
    .min(1)
    .meta({ secret: true })
    .optional()
    .describe("vSphere password (stored encrypted); else POD_VSPHERE_PASSWORD."),
  vsphereCaFile: z
    .string()
    .optional()
    .describe("PEM file of the CA(s) to trust for vSphere's certificate; else POD_VSPHERE_CA_FILE."),
  vsphereThumbprint: z
    .string()
    .optional()
    .describe("Pinned SHA-256 thumbprint of vSphere's certificate; else POD_VSPHERE_THUMBPRINT."),
  vsphereInsecure: z
    .boolean()
    .optional()
    .describe("Skip TLS verification of vSphere (labs only; a pinned thumbprint or CA file wins)."),
  guestUser: z.string().min(1).optional().describe("Guest user for targets that name none; else POD_GUEST_USER."),
  guestPassword: z
    .string()
    .min(1)
    .meta({ secret: true })
    .optional()
    .describe("Guest password for targets that give none (stored encrypted); else POD_GUEST_PASSWORD."),
  guestKeyFile: z
    .string()
    .min(1)
    .optional()
    .describe("SSH private key file for targets that give no key; else POD_GUEST_KEY_FILE."),
  guestKeyPassphrase: z
    .string()
    .min(1)
    .meta({ secret: true })
    .optional()
    .describe("Passphrase of guestKeyFile (stored encrypted); else POD_GUEST_KEY_PASSPHRASE."),
  vaultAddress: z
    .string()
    .min(1)
    .optional()
    .describe("Vault's https address, for vault: secret references; else VAULT_ADDR."),
  vaultToken: z
    .string()
    .min(1)
    .meta({ secret: true })
    .optional()
    .describe("Vault token (stored encrypted); else VAULT_TOKEN, then AppRole, then ~/.vault-token."),
  vaultRoleId: z.string().min(1).optional().describe("AppRole role id; else VAULT_ROLE_ID."),
  vaultSecretId: z
    .string()
    .min(1)
    .meta({ secret: true })
    .optional()
    .describe("AppRole secret id (stored encrypted); else VAULT_SECRET_ID."),
  vaultCaFile: z
    .string()
    .min(1)
    .optional()
    .describe("PEM file of the CA that signed Vault's certificate; else VAULT_CACERT."),
  vaultNamespace: z.string().min(1).optional().describe("Vault Enterprise namespace; else VAULT_NAMESPACE."),
});

// The schema and ProviderConfig name the same keys: a key added to one and not the other fails to compile.
type SchemaKeys = keyof z.infer<typeof providerConfigSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const PROVIDER_CONFIG_KEYS_MATCH: Same<SchemaKeys, keyof ProviderConfig> = true;
