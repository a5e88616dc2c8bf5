import { readFileSync } from "node:fs";
import { z } from "zod";
import { PodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import type { VsphereConnectOptions } from "../../vsphere/session";

export const vsphereConnectionSchema = z
  .object({
    host: z.string().min(1).describe('vCenter or ESXi address: "host" or "host:port".'),
    user: z.string().min(1).describe("vSphere user name."),
    password: z.string().min(1).meta({ secret: true }).describe("vSphere password (stored encrypted)."),
    thumbprint: z
      .string()
      .regex(/^([0-9A-Fa-f]{2}:?){32}$/, "must be a SHA-256 thumbprint (64 hex digits, colons optional)")
      .optional()
      .describe("Pin the server certificate by its SHA-256 thumbprint instead of trusting a CA."),
    caFile: z.string().optional().describe("PEM file of the CA(s) to trust for the server certificate."),
    insecure: z.boolean().optional().describe("Skip TLS verification (labs only; never the default)."),
  })
  .partial()
  .describe("How to reach vSphere; unset fields come from provider config (pod:vsphere*) or POD_VSPHERE_* variables.");

export type VsphereConnectionInput = z.infer<typeof vsphereConnectionSchema>;

const CONFIG_KEYS = [
  "vsphereHost",
  "vsphereUser",
  "vspherePassword",
  "vsphereThumbprint",
  "vsphereCaFile",
  "vsphereInsecure",
] as const;

/** Reads pod:vsphere* from stack config in a dynamic provider's configure. */
export function readProviderConfig(config: { get(key: string): string | undefined }): ProviderConfig {
  return Object.fromEntries(CONFIG_KEYS.flatMap((k) => (config.get(`pod:${k}`) ? [[k, config.get(`pod:${k}`)]] : [])));
}

/** Provider-level settings: stack config, read once by the dynamic provider's configure. */
export type ProviderConfig = Partial<
  Record<
    "vsphereHost" | "vsphereUser" | "vspherePassword" | "vsphereThumbprint" | "vsphereCaFile" | "vsphereInsecure",
    string
  >
>;

/**
 * Resolves the connection in the documented order: the resource's inputs,
 * then provider config (pod:vsphereHost, …), then POD_VSPHERE_* variables.
 */
export function resolveVsphereConnection(
  input: VsphereConnectionInput | undefined,
  config: ProviderConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): VsphereConnectOptions {
  const pick = (field: keyof VsphereConnectionInput, configKey: keyof ProviderConfig, envKey: string) => {
    const value = input?.[field] ?? config[configKey] ?? env[envKey];
    return value === undefined || value === "" ? undefined : String(value);
  };
  const host = pick("host", "vsphereHost", "POD_VSPHERE_HOST");
  const user = pick("user", "vsphereUser", "POD_VSPHERE_USER");
  const password = pick("password", "vspherePassword", "POD_VSPHERE_PASSWORD");
  const missing = [!host && "host", !user && "user", !password && "password"].filter(Boolean);
  if (!host || !user || !password) {
    throw new PodError("INVALID_INPUT", `The vSphere connection lacks ${missing.join(", ")}.`, {
      fix: "Set connection.{host,user,password} on the resource, or `pulumi config set pod:vsphereHost …` (and --secret pod:vspherePassword), or POD_VSPHERE_HOST/USER/PASSWORD.",
    });
  }
  const thumbprint = pick("thumbprint", "vsphereThumbprint", "POD_VSPHERE_THUMBPRINT");
  const caFile = pick("caFile", "vsphereCaFile", "POD_VSPHERE_CA_FILE");
  const insecure = pick("insecure", "vsphereInsecure", "POD_VSPHERE_INSECURE") === "true";
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
