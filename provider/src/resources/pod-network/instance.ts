/**
 * The one PodNetwork provider instance. It is this module's whole export so
 * that Pulumi serializes `__provider` as a require() of this module (no
 * captured state, no secrets) instead of by value. Loaded lazily,
 * as pod-vm/instance.ts says.
 */
import { lazyProvider } from "../shared/lazy-provider";
import type * as implementation from "./provider";

export = lazyProvider(() => {
  const { PodNetworkProvider } = require("./provider") as typeof implementation;
  return new PodNetworkProvider();
}, ["check", "diff", "create", "read", "update", "delete"]);
