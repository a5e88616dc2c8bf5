/** The resources pod publishes: name, description and the zod schemas of their inputs and outputs. */
import type { z } from "zod";
import { podCommandInputsSchema, podCommandOutputsSchema } from "../provider/src/resources/pod-command/args";
import { podNetworkInputsSchema, podNetworkOutputsSchema } from "../provider/src/resources/pod-network/args";
import { podVmInputsSchema, podVmOutputsSchema } from "../provider/src/resources/pod-vm/args";

export interface ResourceEntry {
  name: string;
  description: string;
  inputs: z.ZodType;
  outputs: z.ZodType;
}

export const RESOURCES: ResourceEntry[] = [
  {
    name: "PodVm",
    description:
      "A vSphere VM cloned from a template: CPUs, memory, NICs on port groups (by name or VLAN), power state, extraConfig and the detected guest OS. NIC, CPU, memory and power changes are made in place; name, template and placement changes replace the VM.",
    inputs: podVmInputsSchema,
    outputs: podVmOutputsSchema,
  },
  {
    name: "PodCommand",
    description:
      "Commands in a guest over SSH, WinRM, Docker exec or VMware Tools, with one normalized result (stdout, stderr, exitCode, data) for every OS. A new command or trigger runs it again; a new target alone does not. Nothing runs during preview.",
    inputs: podCommandInputsSchema,
    outputs: podCommandOutputsSchema,
  },
  {
    name: "PodNetwork",
    description:
      "One network declaration for a VM and its guest: the port group (with its VLAN) a NIC goes on, and the guest's interfaces (addresses, gateway, DNS, MTU, in-guest VLAN) on Linux VMs, Rocky 9 containers (run-time only) and Windows. Applied idempotently and verified by reading back; changes to the interface pod is connected through are refused unless allowed; delete restores what pod recorded before changing it.",
    inputs: podNetworkInputsSchema,
    outputs: podNetworkOutputsSchema,
  },
];
