/**
 * The one PodCopy provider instance, the module's whole export, so Pulumi
 * serializes `__provider` as a require of this module (see pod-vm/instance.ts). Loaded lazily,
 * as pod-vm/instance.ts says.
 */
import { lazyProvider } from "../shared/lazy-provider";
import type * as implementation from "./provider";

export = lazyProvider(() => {
  const { PodCopyProvider } = require("./provider") as typeof implementation;
  return new PodCopyProvider();
}, ["check", "diff", "create", "update", "delete"]);
