import type { VirtualDevice, VirtualDisk, VirtualDiskFlatVer2BackingInfo } from "./soap/generated/types";
import { isSubtype } from "./soap/schema";

export type DiskProvisioning = "thin" | "thick" | "eagerZeroedThick";

/** A VM's virtual disk as pod reads it from config.hardware.device. */
export interface VmDisk {
  key: number;
  controllerKey: number;
  unitNumber: number;
  label: string;
  capacityKb: number;
  /** "[LocalDS_0] web/web.vmdk" */
  fileName: string;
  /** The datastore name from the file name's "[…]" prefix. */
  datastore: string;
  provisioning: DiskProvisioning;
  /** The parent disk's file when the disk is a child (a linked clone's delta disk). */
  parentFileName?: string;
  /** The vim25 backing type, kept so an edit sends back what vSphere gave. */
  backing: VirtualDiskFlatVer2BackingInfo & { _type?: string };
}

/** A SCSI controller new disks can be attached to. */
export interface ScsiController {
  key: number;
  /** Unit numbers in use on it (disks, CD-ROMs, …). */
  usedUnits: number[];
}

export const KB_PER_GB = 1024 * 1024;

export function provisioningOf(backing: { thinProvisioned?: boolean; eagerlyScrub?: boolean }): DiskProvisioning {
  if (backing.thinProvisioned) return "thin";
  return backing.eagerlyScrub ? "eagerZeroedThick" : "thick";
}

export function datastoreOf(fileName: string): string {
  return /^\[([^\]]*)\]/.exec(fileName)?.[1] ?? "";
}

const isDisk = (d: VirtualDevice): d is VirtualDisk => d._type !== undefined && isSubtype(d._type, "VirtualDisk");

/** The VM's disks in device-key order: the order pod's `disks` input addresses them in. */
export function toDisks(devices: VirtualDevice[]): VmDisk[] {
  return devices
    .filter(isDisk)
    .map((d) => {
      const backing = (d.backing ?? {}) as VmDisk["backing"];
      const fileName = backing.fileName ?? "";
      const capacityKb = d.capacityInKB || Math.floor((d.capacityInBytes ?? 0) / 1024);
      return {
        key: d.key,
        controllerKey: d.controllerKey ?? 0,
        unitNumber: d.unitNumber ?? 0,
        label: d.deviceInfo?.label ?? `disk-${d.key}`,
        capacityKb,
        fileName,
        datastore: datastoreOf(fileName),
        provisioning: provisioningOf(backing),
        ...(backing.parent?.fileName ? { parentFileName: backing.parent.fileName } : {}),
        backing,
      };
    })
    .sort((a, b) => a.key - b.key);
}

/** SCSI controllers (every VirtualSCSIController subtype) with the units already taken on each. */
export function toScsiControllers(devices: VirtualDevice[]): ScsiController[] {
  return devices
    .filter((d) => d._type !== undefined && isSubtype(d._type, "VirtualSCSIController"))
    .map((c) => ({
      key: c.key,
      usedUnits: devices.filter((d) => d.controllerKey === c.key).map((d) => d.unitNumber ?? -1),
    }));
}
