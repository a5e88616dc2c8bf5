export type { DetectedOs } from "@pod-lab/provider/dist/resources/pod-vm/args";
export { PodVm, type PodVmArgs } from "./pod-vm";
