/**
 * The one PodVm provider instance. It is this module's whole export so that
 * Pulumi serializes `__provider` as `require("@pod-lab/provider/…/instance")`
 * (a few bytes, no captured state, no secrets) instead of by value.
 */
import { PodVmProvider } from "./provider";

export = new PodVmProvider();
