export * from "../credentials";
export * from "./health";
export type { ClientNetworkDeclaration } from "./network";
export * from "./pod-client";
export * from "./targets";
export * from "./ttl-cache";
export type { PodVm } from "./vm-directory";
