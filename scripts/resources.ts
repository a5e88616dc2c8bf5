/** The resources pod publishes: name, description and the zod schemas of their inputs and outputs. */
import type { z } from "zod";
import { podCommandInputsSchema, podCommandOutputsSchema } from "../provider/src/resources/pod-command/args";
import {
  POD_COPY_SECRET_OUTPUTS,
  podCopyInputsSchema,
  podCopyOutputsSchema,
} from "../provider/src/resources/pod-copy/args";
import {
  POD_NETWORK_SECRET_OUTPUTS,
  podNetworkInputsSchema,
  podNetworkOutputsSchema,
} from "../provider/src/resources/pod-network/args";
import { POD_VM_SECRET_OUTPUTS, podVmInputsSchema, podVmOutputsSchema } from "../provider/src/resources/pod-vm/args";

export interface ResourceEntry {
  name: string;
  description: string;
  inputs: z.ZodType;
  outputs: z.ZodType;
  /**
   * The module whose whole export is the provider instance, as a subpath of
   * @pod-lab/provider's `exports` map: Pulumi serializes the provider as a
   * `require` of this path, so it must stay stable across releases.
   */
  providerModule: string;
  /** Inputs (echoed as outputs) that carry credentials: encrypted in state, always. */
  secretOutputs: readonly string[];
  /** Outputs made secret only when the program asks (`secretOutputs: true`). */
  secretOutputsOnRequest?: readonly string[];
}

/**
 * Names for the SDK's interfaces, by the name the generator would give them
 * (resource + property path); one shape met in several places keeps the first.
 */
export const TYPE_NAMES: Record<string, string> = {
  PodVmConnection: "VsphereConnection",
  PodVmNics: "Nic",
  PodVmGuest: "GuestAccess",
  GuestAccessJumpHost: "JumpHost",
  PodVmObservedNics: "ObservedNic",
  PodVmOs: "DetectedOs",
  PodCommandTarget: "GuestTarget",
  GuestTargetKerberos: "KerberosSettings",
  PodVmDisks: "DiskSpec",
  PodVmObservedDisks: "ObservedDisk",
  PodVmTags: "VmTag",
  PodVmCustomization: "GuestCustomization",
  PodCommandCreate1: "SecretText",
  PodCommandCreate3: "ShellScript",
  PodCommandTruncated: "TruncatedOutput",
  PodCopyFiles: "CopiedFile",
  PodNetworkPortGroup: "PortGroupSpec",
  PodNetworkInterfaces: "InterfaceSpec",
  PodNetworkApplied: "AppliedInterface",
  PodNetworkRecorded: "RecordedInterface",
};

export const RESOURCES: ResourceEntry[] = [
  {
    name: "PodVm",
    description:
      "A vSphere VM cloned from a template: CPUs, memory, NICs on port groups (by name or VLAN), power state, extraConfig and the detected guest OS. NIC, CPU, memory and power changes are made in place; name, template and placement changes replace the VM.",
    inputs: podVmInputsSchema,
    outputs: podVmOutputsSchema,
    providerModule: "@pod-lab/provider/providers/pod-vm",
    secretOutputs: POD_VM_SECRET_OUTPUTS,
  },
  {
    name: "PodCommand",
    description:
      "Commands in a guest over SSH, WinRM, Docker exec or VMware Tools, with one normalized result (stdout, stderr, exitCode, data) for every OS. A new command runs it again (with the last output in PULUMI_COMMAND_STDOUT/STDERR); new triggers replace it; a new target alone does not run it. Nothing runs during preview.",
    inputs: podCommandInputsSchema,
    outputs: podCommandOutputsSchema,
    providerModule: "@pod-lab/provider/providers/pod-command",
    secretOutputs: ["target"],
    secretOutputsOnRequest: ["stdout", "stderr", "data", "stdin"],
  },
  {
    name: "PodCopy",
    description:
      "Files into a guest over SSH (SFTP), WinRM, Docker or VMware Tools: a file, a folder tree or a Pulumi asset/archive, streamed (never held in memory), to an absolute path. Compared by content hash: a changed file is copied again, an unchanged one is not. Mode and owner on Linux. Destroy removes what it copied unless keepOnDelete; new triggers or another remotePath replace it.",
    inputs: podCopyInputsSchema,
    outputs: podCopyOutputsSchema,
    providerModule: "@pod-lab/provider/providers/pod-copy",
    secretOutputs: POD_COPY_SECRET_OUTPUTS,
  },
  {
    name: "PodNetwork",
    description:
      "One network declaration for a VM and its guest: the port group (with its VLAN) a NIC goes on, and the guest's interfaces (addresses, gateway, DNS, MTU, in-guest VLAN) on Linux VMs, Rocky 9 containers (run-time only) and Windows. Applied idempotently and verified by reading back; changes to the interface pod is connected through are refused unless allowed; delete restores what pod recorded before changing it.",
    inputs: podNetworkInputsSchema,
    outputs: podNetworkOutputsSchema,
    providerModule: "@pod-lab/provider/providers/pod-network",
    secretOutputs: POD_NETWORK_SECRET_OUTPUTS,
  },
];
