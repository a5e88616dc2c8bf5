import { stepSignal, throwIfCancelled } from "../common/cancel";
import { isPodError, PodError } from "../common/errors";
import { sleep } from "../common/retry";
import { type DiskSpec, diskChanges } from "./disk-changes";
import { nicBacking, type PortGroupRef } from "./networks";
import type { Placement } from "./placement";
import { waitForTask } from "./property";
import type { MoRef, VsphereSession } from "./session";
import { isVimFault } from "./soap/fault";
import type {
  CustomizationSpec,
  VirtualDeviceConfigSpec,
  VirtualEthernetCard,
  VirtualMachineConfigSpec,
} from "./soap/generated/types";
import { readVm, type VmInfo, type VmNic } from "./vm-info";
import { VmWatch, withVmWatch } from "./vm-watch";

export interface NicSpec {
  portGroup: PortGroupRef;
  adapterType?: "vmxnet3" | "e1000" | "e1000e";
}

export interface VmShape {
  numCpus?: number;
  memoryMb?: number;
  extraConfig?: Record<string, string>;
  nics?: NicSpec[];
  /** The whole disk list, in the VM's disk order; undefined = disks are not managed. */
  disks?: DiskSpec[];
}

const ADAPTER_TYPES = { vmxnet3: "VirtualVmxnet3", e1000: "VirtualE1000", e1000e: "VirtualE1000e" } as const;

/**
 * Device changes that make the VM's NICs match `wanted`, position by
 * position; none when they already do. An existing NIC is edited in place:
 * same key, same device type (VirtualVmxnet3Vrdma, VirtualSriovEthernetCard,
 * … stay what they are), only its backing and connection change (its MAC stays).
 */
export function nicChanges(current: VmNic[], wanted: NicSpec[]): VirtualDeviceConfigSpec[] {
  const changes: VirtualDeviceConfigSpec[] = [];
  wanted.forEach((nic, i) => {
    const existing = current[i];
    if (existing?.network === nic.portGroup.name) return;
    const device: VirtualEthernetCard & { _type: string } = {
      _type: existing ? existing.deviceType : ADAPTER_TYPES[nic.adapterType ?? "vmxnet3"],
      key: existing ? existing.key : -100 - i,
      backing: nicBacking(nic.portGroup),
      connectable: { startConnected: true, allowGuestControl: true, connected: true },
      // An edited NIC keeps its MAC: a device without one gets a new one in vcsim (which its
      // container sync later puts back, so a MAC read after the move goes stale).
      ...(existing?.mac ? { macAddress: existing.mac } : {}),
    };
    changes.push({ operation: existing ? "edit" : "add", device });
  });
  for (const extra of current.slice(wanted.length)) {
    changes.push({ operation: "remove", device: { _type: extra.deviceType, key: extra.key } });
  }
  return changes;
}

function configSpec(shape: VmShape, current?: VmInfo): VirtualMachineConfigSpec {
  const extra = Object.entries(shape.extraConfig ?? {})
    .filter(([key, value]) => current?.extraConfig[key] !== value)
    .map(([key, value]) => ({ key, value }));
  const deviceChange = [
    ...(shape.nics ? nicChanges(current?.nics ?? [], shape.nics) : []),
    ...(shape.disks && current ? diskChanges(current.name, current.disks, current.scsiControllers, shape.disks) : []),
  ];
  return {
    ...(shape.numCpus !== undefined && shape.numCpus !== current?.numCpus ? { numCPUs: shape.numCpus } : {}),
    ...(shape.memoryMb !== undefined && shape.memoryMb !== current?.memoryMb ? { memoryMB: shape.memoryMb } : {}),
    ...(deviceChange.length ? { deviceChange } : {}),
    ...(extra.length ? { extraConfig: extra } : {}),
  };
}

export interface CloneOptions {
  /** Linked clone: the source's snapshot whose disks become the clone's parents. */
  snapshot?: MoRef;
  /** Guest customization vSphere applies at the clone's first power-on. */
  customization?: CustomizationSpec;
}

/**
 * Clones `template` (powered off) into the placement and returns the new VM.
 * Disks are not part of the clone spec: they are changed by a reconfigure
 * right after (device keys of the source mean little in a clone), and were
 * checked against the template before anything was cloned.
 */
export async function cloneVm(
  session: VsphereSession,
  template: VmInfo,
  name: string,
  placement: Placement,
  shape: VmShape,
  timeoutMs: number,
  options: CloneOptions = {},
): Promise<MoRef> {
  const { disks: _later, ...cloneShape } = shape;
  const spec = {
    location: {
      ...(placement.datastore ? { datastore: placement.datastore } : {}),
      pool: placement.pool,
      ...(placement.host ? { host: placement.host } : {}),
      // A child disk per source disk, backed by the snapshot's: vSphere's linked clone.
      ...(options.snapshot ? { diskMoveType: "createNewChildDiskBacking" } : {}),
    },
    template: false,
    config: configSpec(cloneShape, { ...template, extraConfig: {} }),
    ...(options.customization ? { customization: options.customization } : {}),
    powerOn: false,
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
  };
  const task = await session.call("CloneVM_Task", { _this: template.ref, folder: placement.folder, name, spec });
  return waitForTask<MoRef>(session, task, { timeoutMs, what: `clone of ${template.name} to ${name}` });
}

/** Applies what differs between the VM and `shape`; returns whether anything changed. */
export async function reconfigureVm(session: VsphereSession, vm: VmInfo, shape: VmShape, timeoutMs: number) {
  const spec = configSpec(shape, vm);
  if (Object.keys(spec).length === 0) return false;
  const task = await session.call("ReconfigVM_Task", { _this: vm.ref, spec });
  await waitForTask(session, task, { timeoutMs, what: `reconfigure of ${vm.name}` });
  return true;
}

export async function powerOn(session: VsphereSession, vm: MoRef, timeoutMs: number): Promise<void> {
  try {
    const task = await session.call("PowerOnVM_Task", { _this: vm });
    await waitForTask(session, task, { timeoutMs, what: `power-on of ${vm.value}` });
  } catch (error) {
    if (!isVimFault(error, "InvalidPowerState")) throw error; // already on
  }
}

export async function powerOff(session: VsphereSession, vm: MoRef, timeoutMs: number): Promise<void> {
  try {
    const task = await session.call("PowerOffVM_Task", { _this: vm });
    await waitForTask(session, task, { timeoutMs, what: `power-off of ${vm.value}` });
  } catch (error) {
    if (!isVimFault(error, "InvalidPowerState")) throw error; // already off
  }
}

/**
 * Stops a VM: a guest shutdown when VMware Tools runs, a bounded wait for a
 * power-off that stays off, then a hard power-off if it is still running.
 * Races (the VM went off by itself meanwhile) count as success.
 */
export async function stopVm(session: VsphereSession, vm: VmInfo, shutdownTimeoutMs: number): Promise<void> {
  if (vm.powerState === "poweredOff") return;
  if (vm.guest.toolsRunning && vm.powerState === "poweredOn") {
    try {
      await session.call("ShutdownGuest", { _this: vm.ref });
      if (await staysOff(session, vm.ref, shutdownTimeoutMs)) return;
    } catch (error) {
      if (!isPodError(error)) throw error; // tools gone, invalid state …: fall through to power-off
    }
  }
  await powerOff(session, vm.ref, 120_000);
}

/**
 * True once the VM is seen powered off twice in a row, 500 ms apart (some
 * hosts flap while the guest halts). While it still runs, the next look
 * comes as soon as its power state changes (vm-watch.ts) rather than after
 * a fixed 500 ms.
 */
async function staysOff(session: VsphereSession, ref: MoRef, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  // A VM that vanished meanwhile cannot be watched: the looks below see it gone (off).
  const watch = await VmWatch.open(session, ref, ["runtime.powerState"]).catch(() => undefined);
  try {
    let offBefore = false;
    while (Date.now() < deadline) {
      const now = await readVm(session, ref);
      const off = !now || now.powerState === "poweredOff";
      if (off && offBefore) return true;
      offBefore = off;
      if (off || !watch) await sleep(500);
      else await watch.changed(Math.min(1000, Math.max(0, deadline - Date.now())));
    }
    return false;
  } finally {
    await watch?.close();
  }
}

/**
 * Stops and destroys the VM; a VM that is already gone counts as deleted.
 * `seen` is the VM as the caller just read it (null: gone), to spare a second read.
 */
export async function destroyVm(
  session: VsphereSession,
  ref: MoRef,
  shutdownTimeoutMs: number,
  seen?: VmInfo | null,
): Promise<void> {
  const vm = seen === undefined ? await readVm(session, ref) : seen;
  if (!vm) return;
  await stopVm(session, vm, shutdownTimeoutMs);
  for (let attempt = 1; ; attempt++) {
    try {
      const task = await session.call("Destroy_Task", { _this: ref });
      await waitForTask(session, task, { timeoutMs: 300_000, what: `destroy of ${vm.name}` });
      return;
    } catch (error) {
      if (isPodError(error, "NOT_FOUND")) return;
      // The guest came back on between shutdown and destroy (the classic
      // destroy race): power it off hard once more and try again.
      if (!isVimFault(error, "InvalidPowerState") || attempt >= 3) throw error;
      await powerOff(session, ref, 120_000);
    }
  }
}

/**
 * Waits until VMware Tools reports an IPv4 address, bounded. The timeout
 * error says what was seen (power state, tools, addresses) so "waiting for
 * IP" is never a mystery.
 */
export async function waitForIp(session: VsphereSession, ref: MoRef, timeoutMs: number): Promise<VmInfo> {
  const deadline = Date.now() + timeoutMs;
  const lookNow = async (): Promise<VmInfo> => {
    const vm = await readVm(session, ref);
    if (!vm) throw new PodError("NOT_FOUND", `VM ${ref.value} disappeared while pod waited for its IP address.`);
    return vm;
  };
  // Most often the address is there already (right after power-on): then no watch is set up at all.
  let last = await lookNow();
  if (ipv4Addresses(last).length > 0) return last;
  // Else each change of these properties wakes the wait (vm-watch.ts), at the latest every second as before.
  const paths = ["runtime.powerState", "guest.toolsRunningStatus", "guest.ipAddress", "guest.net"];
  last = await withVmWatch(session, ref, paths, async (watch) => {
    for (;;) {
      const now = await lookNow();
      if (ipv4Addresses(now).length > 0 || Date.now() >= deadline) return now;
      throwIfCancelled(`The wait for ${ref.value}'s IP address`, stepSignal());
      await watch.changed(Math.min(1000, Math.max(0, deadline - Date.now())));
    }
  });
  if (ipv4Addresses(last).length > 0) return last;
  throw new PodError("TIMEOUT", `VM ${last.name} reported no IPv4 address within ${Math.round(timeoutMs / 1000)}s.`, {
    fix:
      last.powerState !== "poweredOn"
        ? "The VM is not powered on; check why it stopped."
        : !last.guest.toolsRunning
          ? "VMware Tools is not running in the guest; install or start it, or set waitForIpTimeout to 0."
          : "The guest has no IPv4 address yet: check DHCP on its port group, or set waitForIpTimeout to 0.",
    details: {
      powerState: last.powerState,
      toolsRunning: last.guest.toolsRunning,
      addressesSeen: last.guest.net.flatMap((n) => n.ips),
    },
  });
}

export function ipv4Addresses(vm: VmInfo): string[] {
  const all = [vm.guest.ipAddress ?? "", ...vm.guest.net.flatMap((n) => n.ips)];
  return [...new Set(all.filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip)))];
}
