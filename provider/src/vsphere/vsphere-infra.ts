import { stepSignal, throwIfCancelled, withStepSignal } from "../common/cancel";
import { PodError } from "../common/errors";
import type { InfraProvider, VmSpec, VmState } from "../infra/types";
import { readAttributes } from "./custom-attributes";
import { customizationSpec } from "./customization";
import type { DiskSpec } from "./disk-changes";
import { checkDatastoresOnHost, checkDisksAgainst, diskState, resolveDisks } from "./disk-resolve";
import { findOne, listNamed } from "./finder";
import { listPortGroups, type PortGroupRef, pickPortGroup } from "./networks";
import { OWNER_KEY, ownedByOther, sameOwner } from "./ownership";
import { type Datacenter, resolveDatacenter, resolvePlacement } from "./placement";
import type { MoRef, VsphereSession } from "./session";
import { findSnapshot } from "./snapshots";
import { readVm, type VmInfo } from "./vm-info";
import { type RestFactory, VmLabels } from "./vm-labels";
import { cloneVm, destroyVm, ipv4Addresses, powerOn, reconfigureVm, stopVm, type VmShape, waitForIp } from "./vm-ops";
import { waitForRoutableIp } from "./vm-wait";

const vmRef = (id: string): MoRef => ({ type: "VirtualMachine", value: id });

/** InfraProvider over one vSphere session. */
export class VsphereInfra implements InfraProvider {
  constructor(
    readonly session: VsphereSession,
    /** How to reach vSphere's REST endpoint, for tags; without it, tags are refused. */
    readonly rest?: RestFactory,
  ) {}

  async createVm(spec: VmSpec): Promise<VmState> {
    const dc = await resolveDatacenter(this.session, spec.datacenter);
    if (!spec.template) {
      throw new PodError("UNSUPPORTED", "Creating a VM without a template is not supported yet.", {
        fix: "Give a template to clone (e.g. pod-template-debian12 in the lab).",
      });
    }
    const templateRef = await findOne(this.session, "VirtualMachine", spec.template, {
      container: dc.vmFolder,
      what: "template",
    });
    const template = await readVm(this.session, templateRef);
    if (!template) throw new PodError("NOT_FOUND", `Template ${spec.template} vanished while being read.`);
    // Every name is resolved and every disk change checked before the clone:
    // a typo, a shrink or another stack's VM of that name fails with nothing made.
    await this.#refuseOthers(spec, dc.vmFolder);
    const placement = await resolvePlacement(this.session, dc, spec);
    const snapshot = spec.linkedClone
      ? await findSnapshot(this.session, template.ref, template.name, spec.snapshot)
      : undefined;
    const shape = await this.#shape(spec, dc);
    if (spec.owner) shape.extraConfig = { ...shape.extraConfig, [OWNER_KEY]: spec.owner };
    if (shape.disks) checkDisksAgainst(template, shape.disks, spec.name, snapshot !== undefined);
    const customization =
      spec.customization &&
      customizationSpec(spec.customization, shape.nics?.length ?? template.nics.length, template.guestId);
    const labels = await VmLabels.prepare(this.session, spec, this.rest);

    try {
      const ref = await cloneVm(this.session, template, spec.name, placement, shape, spec.taskTimeoutMs, {
        ...(snapshot ? { snapshot } : {}),
        ...(customization ? { customization } : {}),
      });
      try {
        // Stopped while the clone finished anyway: the clone is undone like any failed create.
        throwIfCancelled(`The create of ${spec.name}`, stepSignal());
        if (shape.disks) await this.#reconfigureDisks(await this.#mustRead(ref.value), shape.disks, spec);
        const tags = await labels.apply(ref);
        return { ...(await this.#converge(ref, spec)), ...(tags ? { tags } : {}) };
      } catch (error) {
        // Transactional create: a VM that cannot be brought to the declared
        // state is removed, so state never loses track of it. The undo runs outside the step's signal: a
        // cancelled or timed-out step must still finish removing what it made.
        await withStepSignal(undefined, () => destroyVm(this.session, ref, 5_000)).catch(() => undefined);
        throw error;
      }
    } finally {
      await labels.close();
    }
  }

  async getVm(id: string): Promise<VmState | undefined> {
    const vm = await readVm(this.session, vmRef(id));
    return vm && (await this.#state(vm));
  }

  async updateVm(id: string, spec: VmSpec, previous?: VmSpec): Promise<VmState> {
    const vm = await this.#mustRead(id);
    const owner = vm.extraConfig[OWNER_KEY];
    if (spec.owner && owner && !sameOwner(owner, spec.owner)) throw ownedByOther("VM", vm.name, owner);
    const dc = await resolveDatacenter(this.session, spec.datacenter);
    const shape = await this.#shape(spec, dc);
    // extraConfig keys dropped from the spec are removed (vSphere deletes a key set to "").
    for (const key of Object.keys(previous?.extraConfig ?? {})) {
      if (!(key in (spec.extraConfig ?? {}))) shape.extraConfig = { ...shape.extraConfig, [key]: "" };
    }
    if (shape.disks) await checkDatastoresOnHost(this.session, vm, shape.disks);
    const labels = await VmLabels.prepare(this.session, spec, this.rest);
    try {
      await this.#reconfigure(vm, shape, spec);
      const tags = await labels.apply(vm.ref, previous);
      return { ...(await this.#converge(vm.ref, spec)), ...(tags ? { tags } : {}) };
    } finally {
      await labels.close();
    }
  }

  /** Only this stack's VM: one another stack owns (the moid was reused, or state was copied) stays. */
  async deleteVm(id: string, options: { shutdownTimeoutMs: number; owner?: string | undefined }): Promise<void> {
    // The owner check's read is the one destroyVm starts from (one read of the VM, not two).
    const seen = options.owner ? await readVm(this.session, vmRef(id)) : undefined;
    const owner = seen?.extraConfig[OWNER_KEY];
    if (options.owner && owner && !sameOwner(owner, options.owner)) return;
    await destroyVm(this.session, vmRef(id), options.shutdownTimeoutMs, seen);
  }

  /** A VM of that name that another stack owns: a typed refusal naming it (else the clone's DUPLICATE_NAME). */
  async #refuseOthers(spec: VmSpec, vmFolder: MoRef): Promise<void> {
    if (!spec.owner) return;
    const same = (await listNamed(this.session, "VirtualMachine", vmFolder)).find((v) => v.name === spec.name);
    const owner = same && (await readVm(this.session, same.ref))?.extraConfig[OWNER_KEY];
    if (owner && !sameOwner(owner, spec.owner)) throw ownedByOther("VM", spec.name, owner);
  }

  async close(): Promise<void> {
    // The session belongs to the caller (it may be shared); nothing else to release.
  }

  async #reconfigureDisks(vm: VmInfo, disks: DiskSpec[], spec: VmSpec): Promise<void> {
    await checkDatastoresOnHost(this.session, vm, disks);
    await this.#reconfigure(vm, { disks }, spec);
  }

  /** CPU/memory changes that vSphere refuses hot are applied with a power cycle. */
  async #reconfigure(vm: VmInfo, shape: VmShape, spec: VmSpec): Promise<void> {
    try {
      await reconfigureVm(this.session, vm, shape, spec.taskTimeoutMs);
    } catch (error) {
      if (!(error instanceof PodError) || error.code !== "INVALID_STATE" || vm.powerState !== "poweredOn") {
        throw error;
      }
      await stopVm(this.session, vm, spec.shutdownTimeoutMs);
      await reconfigureVm(this.session, { ...vm, powerState: "poweredOff" }, shape, spec.taskTimeoutMs);
    }
  }

  async #converge(ref: MoRef, spec: VmSpec): Promise<VmState> {
    if (spec.power === "on") {
      await powerOn(this.session, ref, spec.taskTimeoutMs);
      if (spec.waitForIpTimeoutMs > 0 && spec.waitForGuestNetRoutable) {
        const routable = await waitForRoutableIp(this.session, ref, spec.waitForIpTimeoutMs);
        // The routable address is the VM's primary one, as with @pulumi/vsphere's default_ip_address.
        const state = await this.#state(await this.#mustRead(ref.value));
        return {
          ...state,
          primaryIp: routable,
          ipAddresses: [routable, ...state.ipAddresses.filter((i) => i !== routable)],
        };
      }
      if (spec.waitForIpTimeoutMs > 0) await waitForIp(this.session, ref, spec.waitForIpTimeoutMs);
    } else {
      const vm = await this.#mustRead(ref.value);
      await stopVm(this.session, vm, spec.shutdownTimeoutMs);
    }
    const vm = await this.#mustRead(ref.value);
    return this.#state(vm);
  }

  async #mustRead(id: string): Promise<VmInfo> {
    const vm = await readVm(this.session, vmRef(id));
    if (!vm) {
      throw new PodError("NOT_FOUND", `VM ${id} no longer exists in vSphere.`, {
        fix: "Run `pulumi refresh` so pod recreates it on the next `pulumi up`.",
      });
    }
    return vm;
  }

  async #shape(spec: VmSpec, dc: Datacenter): Promise<VmShape> {
    let portGroups: PortGroupRef[] = [];
    if (spec.nics?.length) portGroups = await listPortGroups(this.session, dc.networkFolder);
    const disks = spec.disks && (await resolveDisks(this.session, dc, spec.disks));
    return {
      ...(disks ? { disks } : {}),
      ...(spec.numCpus !== undefined ? { numCpus: spec.numCpus } : {}),
      ...(spec.memoryMb !== undefined ? { memoryMb: spec.memoryMb } : {}),
      ...(spec.extraConfig ? { extraConfig: { ...spec.extraConfig } } : {}),
      ...(spec.nics
        ? {
            nics: spec.nics.map((n) => ({
              portGroup: pickPortGroup(portGroups, n),
              ...(n.adapterType ? { adapterType: n.adapterType } : {}),
            })),
          }
        : {}),
    };
  }

  async #state(vm: VmInfo): Promise<VmState> {
    const ips = ipv4Addresses(vm);
    return {
      id: vm.ref.value,
      name: vm.name,
      instanceUuid: vm.instanceUuid,
      powerState: vm.powerState,
      numCpus: vm.numCpus,
      memoryMb: vm.memoryMb,
      nics: vm.nics.map((n) => ({ key: n.key, mac: n.mac, network: n.network, connected: n.connected })),
      disks: vm.disks.map(diskState),
      customAttributes: await readAttributes(this.session, vm.ref),
      ipAddresses: ips,
      ...(ips[0] ? { primaryIp: ips[0] } : {}),
      extraConfig: vm.extraConfig,
      guestInfo: {
        toolsRunning: vm.guest.toolsRunning,
        ...(vm.guest.family ? { family: vm.guest.family } : {}),
        ...(vm.guest.guestId || vm.guestId ? { guestId: vm.guest.guestId ?? vm.guestId } : {}),
        ...(vm.guest.fullName ? { fullName: vm.guest.fullName } : {}),
        ...(vm.guest.hostName ? { hostName: vm.guest.hostName } : {}),
      },
    };
  }
}
