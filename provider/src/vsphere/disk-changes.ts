import { PodError } from "../common/errors";
import { type DiskProvisioning, KB_PER_GB, type ScsiController, type VmDisk } from "./disks";
import type { MoRef } from "./session";
import type { VirtualDeviceConfigSpec } from "./soap/generated/types";

/** One wanted disk, in the VM's disk order; the datastore already resolved to its moref. */
export interface DiskSpec {
  sizeGb: number;
  provisioning?: DiskProvisioning;
  datastore?: { name: string; ref: MoRef };
}

const gb = (kb: number) => Math.round((kb / KB_PER_GB) * 100) / 100;

/** SCSI unit 7 is the controller's own. */
const SCSI_UNITS = Array.from({ length: 16 }, (_, i) => i).filter((u) => u !== 7);

/**
 * Device changes that make the VM's disks match `wanted`, position by
 * position: grow a disk that is smaller, add the missing ones, remove (and
 * delete the files of) the extra ones. Pure: every refusal (a shrink, an
 * in-place provisioning or datastore change, no controller for a new disk)
 * is thrown before any change is sent, so nothing is half-applied.
 */
export function diskChanges(
  vm: string,
  current: VmDisk[],
  controllers: ScsiController[],
  wanted: DiskSpec[],
): VirtualDeviceConfigSpec[] {
  const changes: VirtualDeviceConfigSpec[] = [];
  const taken = new Map(controllers.map((c) => [c.key, new Set(c.usedUnits)]));
  wanted.forEach((disk, i) => {
    const sizeKb = Math.round(disk.sizeGb * KB_PER_GB);
    const existing = current[i];
    if (existing) {
      checkInPlace(vm, i, existing, disk, sizeKb);
      if (sizeKb === existing.capacityKb) return;
      const device = {
        _type: "VirtualDisk",
        key: existing.key,
        controllerKey: existing.controllerKey,
        unitNumber: existing.unitNumber,
        backing: existing.backing,
        capacityInKB: sizeKb,
        capacityInBytes: sizeKb * 1024,
      };
      changes.push({ operation: "edit", device });
      return;
    }
    const [controller, unit] = freeUnit(vm, controllers, taken);
    const thin = (disk.provisioning ?? "thin") === "thin";
    const device = {
      _type: "VirtualDisk",
      key: -200 - i,
      controllerKey: controller,
      unitNumber: unit,
      capacityInKB: sizeKb,
      capacityInBytes: sizeKb * 1024,
      backing: {
        _type: "VirtualDiskFlatVer2BackingInfo",
        // "[ds]" with no path: vSphere names the file in the VM's folder on that datastore.
        fileName: disk.datastore ? `[${disk.datastore.name}]` : "",
        ...(disk.datastore ? { datastore: disk.datastore.ref } : {}),
        diskMode: "persistent",
        thinProvisioned: thin,
        eagerlyScrub: disk.provisioning === "eagerZeroedThick",
      },
    };
    changes.push({ operation: "add", fileOperation: "create", device });
  });
  for (const extra of current.slice(wanted.length)) {
    // The whole device as read: vSphere finds it by key, vcsim deletes the file the backing names.
    const device = {
      _type: "VirtualDisk",
      key: extra.key,
      controllerKey: extra.controllerKey,
      unitNumber: extra.unitNumber,
      capacityInKB: extra.capacityKb,
      backing: extra.backing,
    };
    changes.push({ operation: "remove", fileOperation: "destroy", device });
  }
  return changes;
}

function checkInPlace(vm: string, index: number, existing: VmDisk, disk: DiskSpec, sizeKb: number): void {
  const where = `disk ${index} of ${vm} (${existing.fileName})`;
  if (sizeKb < existing.capacityKb) {
    throw new PodError(
      "DISK_SHRINK",
      `${where} is ${gb(existing.capacityKb)} GB; it cannot shrink to ${disk.sizeGb} GB.`,
      {
        fix: `Set disks[${index}].sizeGb to ${gb(existing.capacityKb)} or more: vSphere never shrinks a virtual disk (make a new VM with a smaller template to get one).`,
        details: { disk: index, currentGb: gb(existing.capacityKb), wantedGb: disk.sizeGb },
      },
    );
  }
  if (disk.provisioning && disk.provisioning !== existing.provisioning) {
    throw new PodError(
      "INVALID_INPUT",
      `${where} is ${existing.provisioning}; pod cannot make it ${disk.provisioning} in place.`,
      {
        fix: `Drop disks[${index}].provisioning (it applies to disks pod adds) or set it to "${existing.provisioning}".`,
        details: { disk: index, current: existing.provisioning, wanted: disk.provisioning },
      },
    );
  }
  if (disk.datastore && disk.datastore.name !== existing.datastore) {
    throw new PodError(
      "INVALID_INPUT",
      `${where} is on ${existing.datastore}; pod does not move disks to ${disk.datastore.name}.`,
      {
        fix: `Drop disks[${index}].datastore or set it to "${existing.datastore}"; the VM's own datastore input places the template's disks.`,
        details: { disk: index, current: existing.datastore, wanted: disk.datastore.name },
      },
    );
  }
  if (sizeKb > existing.capacityKb && existing.parentFileName) {
    throw new PodError("UNSUPPORTED", `${where} is a linked clone's child disk; vSphere cannot grow it.`, {
      fix: `Keep disks[${index}].sizeGb at ${gb(existing.capacityKb)}, add a second disk for space, or use a full clone.`,
      details: { disk: index, parent: existing.parentFileName },
    });
  }
}

function freeUnit(vm: string, controllers: ScsiController[], taken: Map<number, Set<number>>): [number, number] {
  for (const c of controllers) {
    const used = taken.get(c.key) ?? new Set<number>();
    const unit = SCSI_UNITS.find((u) => !used.has(u));
    if (unit !== undefined) {
      used.add(unit);
      taken.set(c.key, used);
      return [c.key, unit];
    }
  }
  throw new PodError("UNSUPPORTED", `${vm} has no SCSI controller with a free slot for another disk.`, {
    fix: "Use a template with a SCSI controller (pvscsi or LSI Logic), or ask for fewer disks.",
    details: { controllers: controllers.map((c) => c.key) },
  });
}
