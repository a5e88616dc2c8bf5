/**
 * PodNetwork's way into the guest, through the runtime's shared connections
 * (guest operations through its session pool), and — over SSH — a reconnect
 * on another address for the detached apply, failing fast so the confirm
 * loop keeps trying. `reachedAt` (the address a detached apply moved the
 * guest to) wins over target.host.
 */
import { PodError } from "../../common/errors";
import type { GuestConnection } from "../../connections/types";
import type { ExecTarget } from "../../execution/executor";
import { type GuestTarget, targetName, toGuestAccess } from "../../execution/guest-target";
import type { PodRuntime } from "../../execution/runtime";
import { resourceTarget } from "../shared/runtime";
import type { ProviderConfig } from "../shared/vsphere-connection";
import type { PodNetworkInputs } from "./args";

export interface GuestHandle {
  target: ExecTarget;
  reconnect?: (address: string) => Promise<GuestConnection>;
}

export interface GuestDeps {
  runtime: PodRuntime;
  config: ProviderConfig;
}

const byAddress = (t: GuestTarget) => (t.transport ?? "ssh") === "ssh" || t.transport === "winrm";

/** Runs fn with the guest; connections opened for a detached apply's reconnect are closed after. */
export async function withGuest<T>(
  deps: GuestDeps,
  inputs: PodNetworkInputs,
  reachedAt: string,
  fn: (guest: GuestHandle) => Promise<T>,
): Promise<T> {
  const opened: GuestConnection[] = [];
  try {
    return await fn(guestOf(deps, inputs, reachedAt, opened));
  } finally {
    await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
  }
}

function guestOf(deps: GuestDeps, inputs: PodNetworkInputs, reachedAt: string, opened: GuestConnection[]): GuestHandle {
  const target = inputs.target;
  if (!target) throw new PodError("INVALID_INPUT", "Guest interfaces need a target.", { fix: "Set target." });
  const name = targetName(target);
  if (target.transport === "guestops") {
    const vsphere = target.vsphere ?? inputs.connection;
    const full = { ...target, vmId: target.vmId ?? inputs.vm, ...(vsphere ? { vsphere } : {}) };
    return { target: resourceTarget(deps.runtime, full, deps.config, name) };
  }
  const reached = reachedAt && byAddress(target) ? { ...target, host: reachedAt } : target;
  const handle: GuestHandle = { target: resourceTarget(deps.runtime, reached, deps.config, name) };
  if ((target.transport ?? "ssh") === "ssh") {
    handle.reconnect = async (address: string) => {
      const access = toGuestAccess({ ...target, host: address });
      if (access.transport !== "ssh") throw new PodError("INTERNAL", "reconnect is for SSH targets");
      // A connection of its own (the confirm loop closes a failed one): one quick dial per try.
      const fresh = deps.runtime.connections.open({ ...access, dialErrorLimit: 1, perDialTimeoutMs: 5000 });
      opened.push(fresh);
      return fresh;
    };
  }
  return handle;
}
