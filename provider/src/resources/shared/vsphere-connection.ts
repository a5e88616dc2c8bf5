/**
 * The resources resolve through the same credential chain as PodClient and
 * the CLI (credentials/): the resource's connection input, then stack config
 * (pod:vsphereHost, …), then POD_VSPHERE_* variables.
 */
import type { ProviderConfig, VsphereCredentialInput } from "../../credentials/sources";
import { resolveSecret } from "../../credentials/vault/resolve";
import { resolveVsphereFields } from "../../credentials/vsphere";
import type { VsphereConnectOptions } from "../../vsphere/session";

export type { ProviderConfig } from "../../credentials/sources";
export { readProviderConfig, resolveVsphereFields as resolveVsphereConnection } from "../../credentials/vsphere";
export { type VsphereConnectionInput, vsphereConnectionSchema } from "../../credentials/vsphere-schema";

/** The same, with a `vault:` password reference read now: at use, never into state. */
export async function resolveVsphereConnectionAtUse(
  input: VsphereCredentialInput | undefined,
  config: ProviderConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<VsphereConnectOptions> {
  const resolved = resolveVsphereFields(input, config, env);
  return { ...resolved, password: (await resolveSecret(resolved.password, { config, env })) ?? resolved.password };
}
