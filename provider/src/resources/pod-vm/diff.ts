import { hasUnknowns } from "../shared/unknowns";
import type { PodVmInputs, PodVmOutputs } from "./args";

/** Changing any of these makes a different VM: replace. */
const REPLACE_KEYS = [
  "name",
  "template",
  "datacenter",
  "folder",
  "cluster",
  "host",
  "resourcePool",
  "datastore",
  "linkedClone",
  "snapshot",
  "customization",
] as const;

export interface VmDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Property → why it differs, for messages and tests. */
  reasons: Record<string, string>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Desired inputs against the last outputs. Hardware, NICs, power and
 * extraConfig are compared with what vSphere last reported, so drift seen by
 * `pulumi refresh` is repaired by the next `pulumi up`. Never replaces for
 * NIC, CPU, memory or power changes.
 */
export function diffPodVm(olds: PodVmOutputs, news: PodVmInputs): VmDiff {
  const reasons: Record<string, string> = {};
  const replaces: string[] = [];
  for (const key of REPLACE_KEYS) {
    if (!same(olds[key], news[key])) {
      replaces.push(key);
      reasons[key] = "changing it makes a new VM";
    }
  }
  const desiredPower = news.powerState === "off" ? "poweredOff" : "poweredOn";
  if (olds.observedPowerState !== desiredPower) reasons.powerState = `is ${olds.observedPowerState}`;
  if (news.numCpus !== undefined && news.numCpus !== olds.observedNumCpus) reasons.numCpus = "differs";
  if (news.memoryMb !== undefined && news.memoryMb !== olds.observedMemoryMb) reasons.memoryMb = "differs";
  if (!same(olds.nics, news.nics) || nicsDrifted(olds, news)) reasons.nics = "NIC networks differ";
  if (!same(olds.extraConfig, news.extraConfig) || extraDrifted(olds, news)) reasons.extraConfig = "differs";
  if (!same(olds.disks, news.disks) || disksDrifted(olds, news)) reasons.disks = "disk sizes or count differ";
  if (!same(olds.tags, news.tags) || tagsDrifted(olds, news)) reasons.tags = "differ";
  if (!same(olds.createTags, news.createTags)) reasons.createTags = "settings changed";
  if (!same(olds.customAttributes, news.customAttributes) || attributesDrifted(olds, news)) {
    reasons.customAttributes = "differ";
  }
  for (const key of [
    "connection",
    "guest",
    "waitForIpTimeoutSeconds",
    "waitForGuestNetRoutable",
    "shutdownTimeoutSeconds",
    "taskTimeoutSeconds",
  ]) {
    const before = (olds as unknown as Record<string, unknown>)[key];
    const after = (news as unknown as Record<string, unknown>)[key];
    if (hasUnknowns(after) || !same(before, after)) reasons[key] = "settings changed";
  }
  return {
    changes: Object.keys(reasons).length > 0,
    replaces,
    // Same name, new VM: the old one must go first or vSphere refuses the duplicate name.
    deleteBeforeReplace: replaces.length > 0 && !replaces.includes("name"),
    reasons,
  };
}

function nicsDrifted(olds: PodVmOutputs, news: PodVmInputs): boolean {
  return (news.nics ?? []).some(
    (nic, i) => nic.network !== undefined && olds.observedNics?.[i]?.network !== nic.network,
  );
}

/** A managed disk list against what vSphere last reported: a count or a size that differs is repaired. */
function disksDrifted(olds: PodVmOutputs, news: PodVmInputs): boolean {
  if (!news.disks || !olds.observedDisks) return false;
  if (news.disks.length !== olds.observedDisks.length) return true;
  return news.disks.some((d, i) => olds.observedDisks?.[i]?.sizeGb !== d.sizeGb);
}

function tagsDrifted(olds: PodVmOutputs, news: PodVmInputs): boolean {
  return (news.tags ?? []).some((t) => !(olds.observedTags ?? []).includes(`${t.category}/${t.name}`));
}

function attributesDrifted(olds: PodVmOutputs, news: PodVmInputs): boolean {
  return Object.entries(news.customAttributes ?? {}).some(([k, v]) => (olds.observedCustomAttributes?.[k] ?? "") !== v);
}

function extraDrifted(olds: PodVmOutputs, news: PodVmInputs): boolean {
  return Object.entries(news.extraConfig ?? {}).some(([k, v]) => olds.observedExtraConfig?.[k] !== v);
}

/** Settings vSphere applies to the VM itself; anything else an update changes is pod's own. */
const VM_SETTINGS = ["numCpus", "memoryMb", "nics", "extraConfig", "disks", "tags", "customAttributes"];

/**
 * How the audit log names an update: "vm.reconfigured" when hardware, NICs
 * or extraConfig change, "vm.powered" when only the power state does,
 * "vm.updated" for pod's own settings (credentials, timeouts).
 */
export function updateAction(olds: PodVmOutputs, news: PodVmInputs): { action: string; changed: string[] } {
  const changed = Object.keys(diffPodVm(olds, news).reasons);
  if (changed.some((key) => VM_SETTINGS.includes(key))) return { action: "vm.reconfigured", changed };
  return { action: changed.includes("powerState") ? "vm.powered" : "vm.updated", changed };
}
