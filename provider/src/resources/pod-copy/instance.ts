/**
 * The one PodCopy provider instance, the module's whole export, so Pulumi
 * serializes `__provider` as a require of this module (see pod-vm/instance.ts).
 */
import { PodCopyProvider } from "./provider";

export = new PodCopyProvider();
