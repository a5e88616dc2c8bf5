/** The pod library: usable without Pulumi. */

export * from "./client";
export { ERROR_CODES, type ErrorCode, isPodError, PodError } from "./common/errors";
export { redact, Secret, secret } from "./common/secret";
// Types users meet: a command's result, what pod knows of a guest's OS, how a guest is reached.
export type { TransportKind } from "./common/transport";
export type { GuestTarget } from "./execution/guest-target";
export type { CommandResult } from "./execution/result";
export type { InfraProvider, VmSpec, VmState } from "./infra/types";
export * from "./observability";
export type { OsInfo, OsType } from "./os/types";
export { type VsphereConnectOptions, VsphereSession } from "./vsphere/session";
export { SessionPool } from "./vsphere/session-pool";
export { VsphereInfra } from "./vsphere/vsphere-infra";
