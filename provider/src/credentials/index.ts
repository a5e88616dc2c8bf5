export { resolveGuestCredentials, resolveGuestLogin } from "./guest";
export { providerConfigSchema } from "./provider-config-schema";
export * from "./sources";
export { readProviderConfig, resolveVsphereCredentials, resolveVsphereFields, vsphereConfigured } from "./vsphere";
export { type VsphereConnectionInput, vsphereConnectionSchema } from "./vsphere-schema";
