export type { DetectedOs } from "@pod-lab/provider/dist/resources/pod-vm/args";
export { PodCommand, type PodCommandArgs } from "./pod-command";
export { type AppliedInterface, PodNetwork, type PodNetworkArgs, type RecordedInterface } from "./pod-network";
export { PodVm, type PodVmArgs } from "./pod-vm";
