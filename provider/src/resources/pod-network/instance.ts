/**
 * The one PodNetwork provider instance. It is this module's whole export so
 * that Pulumi serializes `__provider` as a require() of this module (no
 * captured state, no secrets) instead of by value.
 */
import { PodNetworkProvider } from "./provider";

export = new PodNetworkProvider();
