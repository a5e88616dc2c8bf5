import { PodError } from "../common/errors";
import { closestNames } from "./finder";
import { retrieveProperties, waitForTask } from "./property";
import type { MoRef, VsphereSession } from "./session";
import type { VirtualMachineSnapshotInfo, VirtualMachineSnapshotTree } from "./soap/generated/types";

function flatten(trees: VirtualMachineSnapshotTree[] = []): VirtualMachineSnapshotTree[] {
  return trees.flatMap((t) => [t, ...flatten(t.childSnapshotList)]);
}

/**
 * The snapshot of `vm` a linked clone grows from: the one called `name`, or
 * the VM's current snapshot when no name is given. A VM without snapshots or
 * an unknown name fails with the names that exist, before anything is cloned.
 */
export async function findSnapshot(session: VsphereSession, vm: MoRef, vmName: string, name?: string): Promise<MoRef> {
  const [o] = await retrieveProperties<{ snapshot?: VirtualMachineSnapshotInfo }>(session, [vm], ["snapshot"]);
  const info = o?.props.snapshot;
  const all = flatten(info?.rootSnapshotList);
  if (all.length === 0 || !info) {
    throw new PodError("NOT_FOUND", `${vmName} has no snapshot to make a linked clone from.`, {
      fix: `Take a snapshot of ${vmName} first (e.g. \`govc snapshot.create -vm ${vmName} base\`), or set linkedClone to false.`,
      details: { vm: vm.value },
    });
  }
  if (name === undefined) {
    const current = info.currentSnapshot ?? all[all.length - 1]?.snapshot;
    if (current) return current;
  }
  const matches = all.filter((s) => s.name === name);
  const [only] = matches;
  if (matches.length === 1 && only) return only.snapshot;
  if (matches.length > 1) {
    throw new PodError("INVALID_INPUT", `${vmName} has ${matches.length} snapshots called "${name}".`, {
      fix: `Rename the duplicates in vSphere, or leave snapshot unset to use ${vmName}'s current snapshot.`,
    });
  }
  const names = all.map((s) => s.name);
  const suggestions = closestNames(name ?? "", names);
  throw new PodError("NOT_FOUND", `${vmName} has no snapshot called "${name}".`, {
    fix: suggestions.length
      ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?`
      : `Use one of its snapshots: ${names.map((n) => `"${n}"`).join(", ")}.`,
    details: { vm: vm.value, snapshots: names, suggestions },
  });
}

/** Takes a snapshot (no memory, not quiesced) and returns it; used to prepare linked-clone sources. */
export async function createSnapshot(session: VsphereSession, vm: MoRef, name: string): Promise<MoRef> {
  const task = await session.call("CreateSnapshot_Task", { _this: vm, name, memory: false, quiesce: false });
  return waitForTask<MoRef>(session, task, { what: `snapshot ${name} of ${vm.value}` });
}
