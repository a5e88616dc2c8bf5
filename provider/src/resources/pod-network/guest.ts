/**
 * PodNetwork's way into the guest: a GuestConnection for the target (shared
 * through the ConnectionCache; guest operations through a vSphere session
 * held for the duration), and — over SSH — a reconnect on another address
 * for the detached apply, failing fast so the confirm loop keeps trying.
 */
import { PodError } from "../../common/errors";
import { SshConnection } from "../../connections/ssh";
import type { GuestConnection } from "../../connections/types";
import type { NetworkApplyResult } from "../../execution/network/apply";
import type { ChangeOutcome } from "../../observability/change-tracker";
import type { GuestRuntime } from "../shared/guest-runtime";
import { type GuestTarget, targetName, toGuestAccess } from "../shared/guest-target";
import type { ProviderConfig } from "../shared/vsphere-connection";
import type { PodNetworkInputs } from "./args";

export interface GuestHandle {
  connection: GuestConnection;
  reconnect?: (address: string) => Promise<GuestConnection>;
}

export interface GuestDeps {
  runtime: GuestRuntime;
  config: ProviderConfig;
}

const byAddress = (t: GuestTarget) => (t.transport ?? "ssh") === "ssh" || t.transport === "winrm";

/**
 * Runs `fn` with a connection to the guest. `reachedAt` (the address a
 * detached apply moved the guest to) wins over target.host.
 */
export async function withGuest<T>(
  deps: GuestDeps,
  inputs: PodNetworkInputs,
  reachedAt: string,
  fn: (guest: GuestHandle) => Promise<T>,
): Promise<T> {
  const target = inputs.target;
  if (!target) throw new PodError("INVALID_INPUT", "Guest interfaces need a target.", { fix: "Set target." });
  if (target.transport === "guestops") {
    const vsphere = target.vsphere ?? inputs.connection;
    const full = { ...target, vmId: target.vmId ?? inputs.vm, ...(vsphere ? { vsphere } : {}) };
    return deps.runtime.withTarget(full, deps.config, (connection) => fn({ connection }));
  }
  const reached = reachedAt && byAddress(target) ? { ...target, host: reachedAt } : target;
  const connection = deps.runtime.connections.get(toGuestAccess(reached));
  const opened: GuestConnection[] = [];
  const reconnect =
    (target.transport ?? "ssh") === "ssh"
      ? async (address: string) => {
          const access = toGuestAccess({ ...target, host: address });
          if (access.transport !== "ssh") throw new PodError("INTERNAL", "reconnect is for SSH targets");
          const { transport: _t, ...options } = access;
          const fresh = new SshConnection({ ...options, dialErrorLimit: 1, perDialTimeoutMs: 5000 });
          opened.push(fresh);
          return fresh;
        }
      : undefined;
  try {
    return await fn({ connection, ...(reconnect ? { reconnect } : {}) });
  } finally {
    await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
  }
}

/** What a guest apply or restore did, for its audit record. */
const guestOutcome = (r: NetworkApplyResult): ChangeOutcome => ({
  result: r.changed ? "ok" : "unchanged",
  details: { interfaces: r.targets, commands: r.commands },
});

/** Runs a guest apply or restore with one audit record on the target. */
export function guestChange(
  deps: GuestDeps,
  inputs: PodNetworkInputs,
  action: "network.applied" | "network.restored",
  work: () => Promise<NetworkApplyResult>,
): Promise<NetworkApplyResult> {
  const target = inputs.target ? targetName(inputs.target) : "";
  return deps.runtime.audit.tracker(inputs).track(action, target, work, guestOutcome);
}
