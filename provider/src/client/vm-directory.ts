/**
 * VMs by name, with what pod learns about them: vSphere metadata, the OS
 * (probed inside the guest through VMware Tools when guest credentials are
 * known, else as vSphere reports it) and the SSH host keys read the same way,
 * so a later SSH connection pins them instead of trusting the first key seen.
 * Cached for a TTL; invalidate() forgets.
 */
import { isPodError, toPodError } from "../common/errors";
import { type CredentialSources, resolveGuestLogin } from "../credentials";
import type { PodRuntime } from "../execution/runtime";
import { withSpan } from "../observability/tracing";
import { osFromGuestInfo } from "../os/guest-info";
import type { OsInfo } from "../os/types";
import { findOne, listNamed } from "../vsphere/finder";
import type { VsphereConnectOptions, VsphereSession } from "../vsphere/session";
import { readVm, readVms, type VmInfo } from "../vsphere/vm-info";
import type { VmHealth } from "./health";
import { TtlCache } from "./ttl-cache";

export interface PodVm {
  name: string;
  id: string;
  powerState: VmInfo["powerState"];
  toolsRunning: boolean;
  ipAddress?: string;
  guestId: string;
  numCpus: number;
  memoryMb: number;
  nics: { label: string; mac: string; network: string; connected: boolean }[];
  os: OsInfo;
  /** "guest": probed inside the guest; "vsphere": as VMware Tools / the VM's guest type say. */
  osSource: "guest" | "vsphere";
  sshHostKeys: string[];
}

export class VmDirectory {
  readonly #cache: TtlCache<PodVm>;

  constructor(
    private readonly runtime: PodRuntime,
    private readonly vsphere: () => Promise<VsphereConnectOptions>,
    private readonly session: () => Promise<VsphereSession>,
    ttlMs: number,
    private readonly credentials: CredentialSources,
  ) {
    this.#cache = new TtlCache(ttlMs);
  }

  get(name: string): Promise<PodVm> {
    return this.#cache.getOrLoad(name, () => withSpan("pod.vm.get", { "pod.vm": name }, () => this.#load(name)));
  }

  invalidate(name?: string): void {
    this.#cache.invalidate(name);
  }

  async list(): Promise<PodVm[]> {
    const session = await this.session();
    const refs = (await listNamed(session, "VirtualMachine")).map((n) => n.ref);
    let vms: VmInfo[];
    try {
      vms = await readVms(session, refs);
    } catch (error) {
      // A VM (or its port group) deleted since the listing fails the whole read: read one by one, skip the gone.
      if (!isPodError(error, "NOT_FOUND")) throw error;
      const each = await Promise.all(refs.map((ref) => readVm(session, ref).catch(() => undefined)));
      vms = each.filter((v): v is VmInfo => v !== undefined);
    }
    return vms.filter((v) => !v.template).map((v) => toPodVm(v, vsphereOs(v), "vsphere", []));
  }

  /** Fresh power state of every VM pod has looked up, with whether pod's connection to it answered. */
  async health(vsphereUp: boolean, reachable: (name: string) => boolean | undefined): Promise<VmHealth[]> {
    const names = this.#cache.keys();
    if (!vsphereUp)
      return names.map((name) => ({ name, error: { code: "UNREACHABLE", message: "vSphere is unreachable" } }));
    const session = await this.session();
    return Promise.all(
      names.map(async (name): Promise<VmHealth> => {
        try {
          const cached = await this.get(name);
          const vm = await readVm(session, { type: "VirtualMachine", value: cached.id });
          if (!vm) return { name, error: { code: "NOT_FOUND", message: `VM ${name} no longer exists` } };
          const up = reachable(name);
          return {
            name,
            powerState: vm.powerState,
            toolsRunning: vm.guest.toolsRunning,
            ...(vm.guest.ipAddress ? { ipAddress: vm.guest.ipAddress } : {}),
            reachable: up ?? (vm.powerState === "poweredOn" && vm.guest.toolsRunning),
          };
        } catch (error) {
          const e = toPodError(error);
          return { name, reachable: false, error: { code: e.code, message: e.message } };
        }
      }),
    );
  }

  async #load(name: string): Promise<PodVm> {
    const session = await this.session();
    const vm = await readVm(session, await findOne(session, "VirtualMachine", name, { what: "VM" }));
    if (!vm) return this.#load(name); // deleted between find and read: find reports NOT_FOUND
    const { username, password } = resolveGuestLogin(this.credentials);
    if (vm.powerState !== "poweredOn" || !vm.guest.toolsRunning || !password || !username) {
      return toPodVm(vm, vsphereOs(vm), "vsphere", []);
    }
    try {
      // Through VMware Tools: no network path or host key needed, and the host keys read are a trusted pin.
      const access = {
        transport: "guestops" as const,
        vm: vm.ref.value,
        username,
        password,
        vsphere: await this.vsphere(),
      };
      const target = this.runtime.connect({ ...access, name: `vm:${vm.name}` }, `vm:${vm.name}`, {
        ...(vm.guest.family ? { guestFamily: vm.guest.family } : {}),
        ...(vm.guest.guestId ? { guestId: vm.guest.guestId } : {}),
      });
      const facts = await this.runtime.guestFacts(target);
      return toPodVm(vm, facts.os, "guest", facts.sshHostKeys);
    } catch (error) {
      // Wrong guest credentials must not hide the VM: report what vSphere knows.
      if (isPodError(error, "NOT_FOUND")) throw error;
      return toPodVm(vm, vsphereOs(vm), "vsphere", []);
    }
  }
}

/** The OS as vSphere reports it, for VMs pod cannot look into (the one guest-info classifier). */
function vsphereOs(vm: VmInfo): OsInfo {
  return osFromGuestInfo({
    guestId: vm.guest.guestId ?? vm.guestId,
    ...(vm.guest.family ? { guestFamily: vm.guest.family } : {}),
    ...(vm.guest.fullName ? { fullName: vm.guest.fullName } : {}),
  });
}

function toPodVm(vm: VmInfo, os: OsInfo, osSource: PodVm["osSource"], sshHostKeys: string[]): PodVm {
  return {
    name: vm.name,
    id: vm.ref.value,
    powerState: vm.powerState,
    toolsRunning: vm.guest.toolsRunning,
    ...(vm.guest.ipAddress ? { ipAddress: vm.guest.ipAddress } : {}),
    guestId: vm.guest.guestId ?? vm.guestId,
    numCpus: vm.numCpus,
    memoryMb: vm.memoryMb,
    nics: vm.nics.map((n) => ({ label: n.label, mac: n.mac, network: n.network, connected: n.connected })),
    os,
    osSource,
    sshHostKeys,
  };
}
