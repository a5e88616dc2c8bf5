/**
 * vSphere credentials through the chain in sources.ts: explicit input, stack
 * config, POD_VSPHERE_*, then CredentialProviders for what is still missing.
 * PodClient, the CLI and the Pulumi resources all resolve through here.
 */
import { readFileSync } from "node:fs";
import { PodError } from "../common/errors";
import { Secret } from "../common/secret";
import type { VsphereConnectOptions } from "../vsphere/session";
import type { CredentialSources, ProviderConfig, VsphereCredentialInput } from "./sources";

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

/** Reads pod:vsphere* from stack config (a dynamic provider's configure, or a Pulumi program's Config). */
export function readProviderConfig(config: { get(key: string): string | undefined }): ProviderConfig {
  return Object.fromEntries(
    Object.values(FIELDS).flatMap(([key]) => (config.get(`pod:${key}`) ? [[key, config.get(`pod:${key}`)]] : [])),
  );
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
  return resolveVsphereFields(input, config, env);
}

/** Whether the chain names a vSphere endpoint at all (health reports "not configured" otherwise). */
export function vsphereConfigured(sources: CredentialSources): boolean {
  const config = sources.config ?? (sources.pulumiConfig ? readProviderConfig(sources.pulumiConfig) : {});
  const named = pick("host", { ...sources.vsphere }, config, sources.env ?? process.env) !== undefined;
  return named || (sources.providers ?? []).some((p) => typeof p.vsphere === "function");
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
  const fields = (Object.keys(found) as Field[]).filter((f) => f in FIELDS && !pick(f, input, config, env));
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
  const thumbprint = get("thumbprint");
  const caFile = get("caFile");
  const insecure = get("insecure") === "true";
  return {
    host,
    user,
    password: new Secret(password),
    trust: {
      ...(thumbprint ? { thumbprint } : {}),
      ...(caFile && !thumbprint ? { ca: readCa(caFile) } : {}),
      ...(insecure ? { insecure } : {}),
    },
  };
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new PodError("INVALID_INPUT", `Cannot read the CA file ${file}: ${(error as Error).message}.`, {
      fix: "Point caFile (pod:vsphereCaFile, POD_VSPHERE_CA_FILE) at a readable PEM file.",
    });
  }
}
