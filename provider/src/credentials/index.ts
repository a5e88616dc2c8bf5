export { resolveGuestCredentials } from "./guest";
export * from "./sources";
export { readProviderConfig, resolveVsphereCredentials, resolveVsphereFields } from "./vsphere";
