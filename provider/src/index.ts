/** The pod library: usable without Pulumi. */

export * from "./client";
export { ERROR_CODES, type ErrorCode, isPodError, PodError } from "./common/errors";
export { redact, Secret, secret } from "./common/secret";
export type { InfraProvider, VmSpec, VmState } from "./infra/types";
export * from "./observability";
export { type VsphereConnectOptions, VsphereSession } from "./vsphere/session";
export { SessionPool } from "./vsphere/session-pool";
export { VsphereInfra } from "./vsphere/vsphere-infra";
