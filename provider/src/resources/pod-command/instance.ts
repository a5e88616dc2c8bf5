/**
 * The one PodCommand provider instance, the module's whole export, so Pulumi
 * serializes `__provider` as a require of this module (see pod-vm/instance.ts).
 */
import { PodCommandProvider } from "./provider";

export = new PodCommandProvider();
