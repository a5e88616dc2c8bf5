/**
 * PodClient's network declarations: the same engine lifecycle PodNetwork
 * runs (execution/network/lifecycle.ts), with the client's names for things
 * (a VM by name, a guest as a target spec) and its vSphere session.
 */
import type { ExecTarget } from "../execution/executor";
import type { NetworkDeclaration } from "../execution/network/declaration";
import { withGuestTarget } from "../execution/network/guest-handle";
import type { NetworkContext } from "../execution/network/lifecycle";
import type { PodRuntime } from "../execution/runtime";
import { isGuestUnreachable } from "../execution/unreachable";
import type { VsphereConnectOptions, VsphereSession } from "../vsphere/session";
import type { TargetSpec } from "./targets";

/** A declaration as PodClient takes it: the VM by name (or moid), the guest as any target spec. */
export interface ClientNetworkDeclaration extends Omit<NetworkDeclaration, "vm" | "target"> {
  vm?: string;
  target?: TargetSpec;
}

export interface ClientNetworkDeps {
  runtime: PodRuntime;
  session(): Promise<VsphereSession>;
  vsphereOptions(): Promise<VsphereConnectOptions>;
  target(spec: TargetSpec): Promise<ExecTarget>;
  vmId(name: string): Promise<string>;
}

/** The engine's declaration, with the VM's moid looked up by name. */
export async function toDeclaration(deps: ClientNetworkDeps, d: ClientNetworkDeclaration): Promise<NetworkDeclaration> {
  const { vm, ...rest } = d;
  const moid = vm === undefined ? undefined : /^vm-\d+$/.test(vm) ? vm : await deps.vmId(vm);
  return { ...rest, ...(moid ? { vm: moid } : {}) };
}

/**
 * The context for one call: the client's session, its targets (object
 * targets can reconnect for a detached apply), one correlation id for every change.
 */
export function clientContext(deps: ClientNetworkDeps, correlationId?: string) {
  const context: NetworkContext = {
    runtime: deps.runtime,
    changes: deps.runtime.tracker(correlationId),
    vsphere: async (fn) => fn(await deps.session()),
    guest: async (decl, reachedAt, fn) => {
      const object = decl.target;
      if (object === undefined || typeof object === "string") return fn({ target: await deps.target(object ?? "") });
      const guestops = object.transport === "guestops";
      const full = guestops ? { ...object, vmId: object.vmId ?? decl.vm } : object;
      return withGuestTarget(deps.runtime, full, guestops ? await deps.vsphereOptions() : undefined, reachedAt, fn);
    },
    isUnreachable: isGuestUnreachable,
  };
  return context;
}
