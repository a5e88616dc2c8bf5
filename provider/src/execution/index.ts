export * from "./audit";
export * from "./batch";
export * from "./command";
export * from "./detect-os";
export * from "./executor";
export * from "./limiter";
export * from "./network-apply";
export * from "./parsers";
export type * from "./result";
