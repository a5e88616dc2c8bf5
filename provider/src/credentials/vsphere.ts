/**
 * vSphere credentials through the chain in sources.ts: explicit input, stack
 * config, POD_VSPHERE_*, then CredentialProviders for what is still missing.
 * PodClient, the CLI and the Pulumi resources all resolve through here.
 */
import { PodError } from "../common/errors";
import { Secret } from "../common/secret";
import type { VsphereConnectOptions } from "../vsphere/session";
import { type CredentialSources, GUEST_CONFIG_KEYS, type ProviderConfig, type VsphereCredentialInput } from "./sources";
import { resolveTlsTrust, TRUST_FIELDS } from "./tls-trust";
import { resolveSecret } from "./vault/resolve";
import { VAULT_CONFIG_KEYS } from "./vault/settings";

type Field = keyof VsphereCredentialInput;

/** Each field's stack config key and environment variable, in the chain's order after the explicit input. */
const FIELDS: Record<Field, [keyof ProviderConfig, string]> = {
  host: ["vsphereHost", "POD_VSPHERE_HOST"],
  user: ["vsphereUser", "POD_VSPHERE_USER"],
  password: ["vspherePassword", "POD_VSPHERE_PASSWORD"],
  thumbprint: ["vsphereThumbprint", "POD_VSPHERE_THUMBPRINT"],
  caFile: ["vsphereCaFile", "POD_VSPHERE_CA_FILE"],
  insecure: ["vsphereInsecure", "POD_VSPHERE_INSECURE"],
};
const REQUIRED: Field[] = ["host", "user", "password"];

/** Reads pod:vsphere* and pod:guest* from stack config (a dynamic provider's configure, or a Pulumi program's Config). */
export function readProviderConfig(config: { get(key: string): string | undefined }): ProviderConfig {
  const keys = [...Object.values(FIELDS).map(([key]) => key), ...GUEST_CONFIG_KEYS, ...VAULT_CONFIG_KEYS];
  return Object.fromEntries(keys.flatMap((key) => (config.get(`pod:${key}`) ? [[key, config.get(`pod:${key}`)]] : [])));
}

/** Resolves the vSphere connection in the documented order; fails with what is missing and where to set it. */
export async function resolveVsphereCredentials(sources: CredentialSources): Promise<VsphereConnectOptions> {
  const env = sources.env ?? process.env;
  const config = sources.config ?? (sources.pulumiConfig ? readProviderConfig(sources.pulumiConfig) : {});
  let input: VsphereCredentialInput = { ...sources.vsphere };
  for (const provider of sources.providers ?? []) {
    if (REQUIRED.every((field) => pick(field, input, config, env) !== undefined)) break;
    const found = provider.vsphere ? await provider.vsphere() : undefined;
    // A provider ranks below every documented source: it only fills fields none of them set.
    if (found) input = { ...input, ...gapsOnly(found, input, config, env) };
  }
  const resolved = resolveVsphereFields(input, config, env);
  // A vault: reference is read now, at use; the reference is what callers keep.
  return { ...resolved, password: (await resolveSecret(resolved.password, { config, env })) ?? resolved.password };
}

/** Whether the chain names a vSphere endpoint at all (health reports "not configured" otherwise). */
export function vsphereConfigured(sources: CredentialSources): boolean {
  const config = sources.config ?? (sources.pulumiConfig ? readProviderConfig(sources.pulumiConfig) : {});
  const named = pick("host", { ...sources.vsphere }, config, sources.env ?? process.env) !== undefined;
  return named || (sources.providers ?? []).some((p) => typeof p.vsphere === "function");
}

/**
 * The vSphere password this chain would use (input, pod:vspherePassword,
 * POD_VSPHERE_PASSWORD), as written: a value or a `vault:` reference.
 */
export function vspherePasswordOf(
  input: VsphereCredentialInput | undefined,
  config: ProviderConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return pick("password", input ?? {}, config, env);
}

function pick(field: Field, input: VsphereCredentialInput, config: ProviderConfig, env: NodeJS.ProcessEnv) {
  const [configKey, envKey] = FIELDS[field];
  const value = input[field] ?? config[configKey] ?? env[envKey];
  return value === undefined || value === "" ? undefined : String(value);
}

function gapsOnly(
  found: VsphereCredentialInput,
  input: VsphereCredentialInput,
  config: ProviderConfig,
  env: NodeJS.ProcessEnv,
): VsphereCredentialInput {
  // Trust is one decision: a provider fills it only when no documented source said anything about it.
  const trustSet = TRUST_FIELDS.some((f) => pick(f, input, config, env) !== undefined);
  const fields = (Object.keys(found) as Field[]).filter(
    (f) =>
      f in FIELDS && !pick(f, input, config, env) && !(trustSet && (TRUST_FIELDS as readonly string[]).includes(f)),
  );
  return Object.fromEntries(fields.map((f) => [f, found[f]]));
}

/**
 * Sources 1–3 (explicit input, stack config, env), synchronously: what a
 * Pulumi dynamic provider has (it runs in a process of its own, where no
 * CredentialProvider object can reach it).
 */
export function resolveVsphereFields(
  input: VsphereCredentialInput | undefined,
  config: ProviderConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): VsphereConnectOptions {
  const get = (field: Field) => pick(field, input ?? {}, config, env);
  const host = get("host");
  const user = get("user");
  const password = get("password");
  if (!host || !user || !password) {
    const missing = REQUIRED.filter((field) => !get(field));
    throw new PodError("INVALID_INPUT", `The vSphere connection lacks ${missing.join(", ")}.`, {
      fix: "Set connection.{host,user,password} on the resource (PodClient: the vsphere option), or `pulumi config set pod:vsphereHost …` (and --secret pod:vspherePassword), or POD_VSPHERE_HOST/USER/PASSWORD.",
    });
  }
  return { host, user, password: new Secret(password), trust: trustOf(input ?? {}, config, env) };
}

/** Trust is resolved as a whole (tls-trust.ts): a pin from any source beats insecure from any other. */
function trustOf(input: VsphereCredentialInput, config: ProviderConfig, env: NodeJS.ProcessEnv) {
  const from = (name: string, read: (field: (typeof TRUST_FIELDS)[number]) => string | boolean | undefined) => ({
    name,
    thumbprint: read("thumbprint") as string | undefined,
    caFile: read("caFile") as string | undefined,
    insecure: read("insecure"),
  });
  return resolveTlsTrust([
    from("the connection input", (f) => input[f]),
    from("stack config (pod:vsphere…)", (f) => config[FIELDS[f][0]]),
    from("the environment (POD_VSPHERE_…)", (f) => env[FIELDS[f][1]]),
  ]);
}
