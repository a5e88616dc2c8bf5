/**
 * The resources resolve through the same credential chain as PodClient and
 * the CLI (credentials/): the resource's connection input, then stack config
 * (pod:vsphereHost, …), then POD_VSPHERE_* variables.
 */
export type { ProviderConfig } from "../../credentials/sources";
export { readProviderConfig, resolveVsphereFields as resolveVsphereConnection } from "../../credentials/vsphere";
export { type VsphereConnectionInput, vsphereConnectionSchema } from "../../credentials/vsphere-schema";
