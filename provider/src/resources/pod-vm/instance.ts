/**
 * The one PodVm provider instance. It is this module's whole export so that
 * Pulumi serializes `__provider` as `require("@pod-lab/provider/…/instance")`
 * (a few bytes, no captured state, no secrets) instead of by value.
 * The implementation loads at the first call (shared/lazy-provider.ts): the
 * language host, which only serializes this, never loads the engine.
 */
import { lazyProvider } from "../shared/lazy-provider";
import type * as implementation from "./provider";

export = lazyProvider(() => {
  const { PodVmProvider } = require("./provider") as typeof implementation;
  return new PodVmProvider();
}, ["check", "diff", "create", "read", "update", "delete"]);
