import { PodError } from "../common/errors";
import type { DiskRequest, VmDiskState } from "../infra/types";
import { type DiskSpec, diskChanges } from "./disk-changes";
import { KB_PER_GB, type VmDisk } from "./disks";
import { findOne } from "./finder";
import type { Datacenter } from "./placement";
import { retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";
import type { VmInfo } from "./vm-info";

/** Disk requests with their datastores resolved (an unknown name fails with "did you mean"). */
export async function resolveDisks(session: VsphereSession, dc: Datacenter, disks: DiskRequest[]): Promise<DiskSpec[]> {
  const refs = new Map<string, DiskSpec["datastore"]>();
  for (const name of new Set(disks.flatMap((d) => (d.datastore ? [d.datastore] : [])))) {
    const ref = await findOne(session, "Datastore", name, { container: dc.datastoreFolder, what: "datastore" });
    refs.set(name, { name, ref });
  }
  return disks.map((d) => {
    const datastore = d.datastore ? refs.get(d.datastore) : undefined;
    return {
      sizeGb: d.sizeGb,
      ...(d.provisioning ? { provisioning: d.provisioning } : {}),
      ...(datastore ? { datastore } : {}),
    };
  });
}

/**
 * Checks the disk list against the template before cloning, so a shrink or
 * an impossible change fails with nothing made. A linked clone's disks are
 * children of the template's: marked so, growing them is refused here too.
 */
export function checkDisksAgainst(template: VmInfo, disks: DiskSpec[], name: string, linked: boolean): void {
  const current = linked ? template.disks.map((d) => ({ ...d, parentFileName: d.fileName })) : template.disks;
  diskChanges(name, current, template.scsiControllers, disks);
}

export function diskState(d: VmDisk): VmDiskState {
  return {
    sizeGb: Math.round((d.capacityKb / KB_PER_GB) * 100) / 100,
    provisioning: d.provisioning,
    datastore: d.datastore,
    fileName: d.fileName,
    ...(d.parentFileName ? { parentFileName: d.parentFileName } : {}),
  };
}

/**
 * A new disk's datastore must be mounted on the host the VM runs on, or
 * vSphere refuses the reconfigure half-way; checked first, with the
 * datastores that host does see.
 */
export async function checkDatastoresOnHost(session: VsphereSession, vm: VmInfo, disks: DiskSpec[]): Promise<void> {
  const wanted = disks.slice(vm.disks.length).flatMap((d) => (d.datastore ? [d.datastore] : []));
  if (wanted.length === 0) return;
  const [o] = await retrieveProperties<{ "runtime.host"?: MoRef }>(session, [vm.ref], ["runtime.host"]);
  const host = o?.props["runtime.host"];
  if (!host) return;
  const [h] = await retrieveProperties<{ name: string; datastore?: MoRef[] }>(session, [host], ["name", "datastore"]);
  const mounted = h?.props.datastore ?? [];
  const missing = wanted.find((d) => !mounted.some((m) => m.value === d.ref.value));
  if (!missing) return;
  const names = (await retrieveProperties<{ name: string }>(session, mounted, ["name"])).map((d) => d.props.name);
  throw new PodError(
    "INVALID_INPUT",
    `Datastore ${missing.name} is not mounted on ${h?.props.name}, where ${vm.name} runs.`,
    {
      fix: `Use a datastore that host sees (${names.join(", ")}), or pin the VM with host to one that mounts ${missing.name}.`,
      details: { datastore: missing.name, host: host.value, mounted: names },
    },
  );
}
