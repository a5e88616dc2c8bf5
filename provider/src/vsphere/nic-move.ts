/**
 * Putting one NIC of a VM on a port group, and reading where it is: the
 * vSphere half of a network declaration (PodNetwork, PodClient.applyNetwork).
 * The NIC is named by index or MAC; the other NICs stay where they are.
 */
import { PodError } from "../common/errors";
import { listPortGroups, pickPortGroup } from "./networks";
import type { Datacenter } from "./placement";
import type { VsphereSession } from "./session";
import { readVm } from "./vm-info";
import { reconfigureVm } from "./vm-ops";

const TASK_MS = 600_000;
const vmRef = (moid: string) => ({ type: "VirtualMachine", value: moid });

export interface NicMove {
  session: VsphereSession;
  dc: Datacenter;
  /** The VM's managed object id. */
  moid: string;
  /** Index (0, 1, …) or MAC address. */
  nic: number | string;
  /** The port group to put it on. */
  network: string;
}

/** Puts the NIC on `network`; returns its MAC (read back) and the network it was on. */
export async function moveNic({
  session,
  dc,
  moid,
  nic,
  network,
}: NicMove): Promise<{ mac: string; previous: string }> {
  const vm = await readVm(session, vmRef(moid));
  if (!vm) {
    throw new PodError("NOT_FOUND", `VM ${moid} does not exist.`, { fix: "Check the vm input (a PodVm's moid)." });
  }
  const index =
    typeof nic === "number"
      ? nic
      : vm.nics.findIndex((n) => n.mac.toLowerCase() === nic.toLowerCase().replace(/-/g, ":"));
  const current = vm.nics[index];
  if (!current) {
    throw new PodError("NOT_FOUND", `VM ${vm.name} has no NIC ${nic}.`, {
      fix: `Use an index below ${vm.nics.length} or one of: ${vm.nics.map((n) => n.mac).join(", ") || "(no NICs)"}.`,
    });
  }
  const all = await listPortGroups(session, dc.networkFolder);
  const wanted = vm.nics.map((n, i) => ({
    portGroup:
      i === index ? pickPortGroup(all, { network }) : { name: n.network, ref: vmRef(moid), kind: "standard" as const },
  }));
  await reconfigureVm(session, vm, { nics: wanted }, TASK_MS);
  // Read the MAC back: a NIC can get a new one when its backing changes (vcsim's container-backed VMs do).
  const after = await readVm(session, vmRef(moid));
  return { mac: after?.nics[index]?.mac ?? current.mac, previous: current.network };
}

export interface MovedNic {
  /** The MAC pod read back after the move. */
  mac: string;
  /** pod's port group. */
  portGroup: string;
  /** The declared NIC (index or MAC). */
  nic?: number | string | undefined;
}

/**
 * Which of `nics` is the one pod moved: by MAC first; else the declared
 * index, if that NIC is still on pod's port group (its MAC changed: vcsim
 * sets a container-backed VM's first NIC to the container's MAC whenever it
 * syncs the container, e.g. after a power-on, and to "" once the container
 * has stopped). -1 when none.
 */
export function findMovedNic(nics: { mac: string; network: string }[], moved: MovedNic): number {
  const byMac = moved.mac ? nics.findIndex((n) => n.mac === moved.mac) : -1;
  if (byMac >= 0) return byMac;
  const nic = moved.nic;
  return typeof nic === "number" && nics[nic]?.network === moved.portGroup ? nic : -1;
}

/** Which NIC pod moved, now (findMovedNic); -1 when none or the VM is gone. */
export async function movedNicIndex(session: VsphereSession, moid: string, moved: MovedNic): Promise<number> {
  const vm = await readVm(session, vmRef(moid));
  return vm ? findMovedNic(vm.nics, moved) : -1;
}

/**
 * The VM's power state ("gone" when it no longer exists) and, when pod moved
 * a NIC, where that NIC is now, as drift lines, and its MAC now.
 */
export async function nicPlacement(
  session: VsphereSession,
  moid: string,
  moved: MovedNic,
): Promise<{ power: string; drift: string[]; mac: string }> {
  const vm = await readVm(session, vmRef(moid));
  if (!vm) return { power: "gone", drift: moved.mac ? [`VM ${moid} no longer exists`] : [], mac: moved.mac };
  const nic = moved.mac ? vm.nics[findMovedNic(vm.nics, moved)] : undefined;
  const drift = !moved.mac
    ? []
    : !nic
      ? [`NIC ${moved.mac} is gone from ${vm.name}`]
      : nic.network === moved.portGroup
        ? []
        : [`NIC ${moved.mac} is on ${nic.network}, not ${moved.portGroup}`];
  // A stopped container-backed VM shows an empty MAC in vcsim: keep the one recorded rather than lose it.
  return { power: vm.powerState as string, drift, mac: nic?.mac || moved.mac };
}
