/**
 * A network declaration's steps, vSphere half then guest half, for every
 * front-end: create is transactional (a failed guest apply takes the NIC and
 * port group back), update changes only what differs (interfaces dropped from
 * the declaration are put back), delete restores the recorded state, refresh
 * reports drift. Changes leave audit records through the context's tracker.
 */

import { isPodError, PodError } from "../../common/errors";
import type { GuestConnection } from "../../connections/types";
import type { RecordedInterface } from "../../network/record";
import type { ChangeTracker } from "../../observability/change-tracker";
import { nicPlacement } from "../../vsphere/nic-move";
import type { VsphereSession } from "../../vsphere/session";
import type { ExecTarget } from "../executor";
import type { PodRuntime } from "../runtime";
import type { NetworkApplyResult } from "./apply";
import {
  type GuestSideState,
  type NetworkDeclaration,
  type NetworkRecord,
  NO_GUEST_SIDE,
  NO_VSPHERE_SIDE,
  runOptionsOf,
  type VsphereSideState,
} from "./declaration";
import { observeNetwork } from "./observe";
import { applyVsphereSide, removeVsphereSide } from "./vsphere-side";

export interface GuestHandle {
  target: ExecTarget;
  /** SSH: a connection on another address, for the detached apply. */
  reconnect?: (address: string) => Promise<GuestConnection>;
}

export interface NetworkContext {
  runtime: PodRuntime;
  changes: ChangeTracker;
  /** Runs fn with a vSphere session for this declaration. */
  vsphere<T>(fn: (session: VsphereSession) => Promise<T>): Promise<T>;
  /** Runs fn with the declaration's guest; `reachedAt` (where a detached apply moved it) wins over its address. */
  guest<T>(decl: NetworkDeclaration, reachedAt: string, fn: (guest: GuestHandle) => Promise<T>): Promise<T>;
  /** Guest unreachable (off, gone, network down): refresh reports it, delete may skip it. */
  isUnreachable(error: unknown): boolean;
}

const vsphereSideOf = (r: NetworkRecord): VsphereSideState => {
  const { portGroupName, portGroupCreated, portGroupHosts, nicMac, nicPreviousNetwork } = r;
  return { portGroupName, portGroupCreated, portGroupHosts, nicMac, nicPreviousNetwork };
};
const guestSideOf = (r: NetworkRecord): GuestSideState => {
  const { os, persistence, runtimeOnly, note, applied, recorded, drift, reachedAt } = r;
  return { os, persistence, runtimeOnly, note, applied, recorded, drift, reachedAt };
};

function guestSide(result: NetworkApplyResult, recorded = result.recorded, reachedAt = ""): GuestSideState {
  return {
    os: result.os.type,
    persistence: result.persistence.backend,
    runtimeOnly: result.persistence.runtimeOnly,
    note: result.persistence.note,
    applied: result.applied,
    recorded,
    drift: [],
    reachedAt: result.reachedAt ?? reachedAt,
  };
}

const hostOf = (t: NetworkDeclaration["target"]) => (typeof t === "string" ? t : t?.host);

const withReconnect = (decl: NetworkDeclaration, g: GuestHandle) => ({
  ...runOptionsOf(decl),
  ...(g.reconnect ? { reconnect: g.reconnect } : {}),
});

async function restoreGuest(
  ctx: NetworkContext,
  decl: NetworkDeclaration,
  reachedAt: string,
  recorded: RecordedInterface[],
) {
  if (!recorded.length || !decl.target) return;
  await ctx.guest(decl, reachedAt, (g) =>
    ctx.runtime.restoreNetwork(g.target, { recorded, ...withReconnect(decl, g) }, ctx.changes),
  );
}

export async function createNetwork(ctx: NetworkContext, decl: NetworkDeclaration): Promise<NetworkRecord> {
  const vs = decl.portGroup
    ? await ctx.vsphere((s) => applyVsphereSide(s, decl, { state: NO_VSPHERE_SIDE }, ctx.changes))
    : NO_VSPHERE_SIDE;
  try {
    const guest = decl.interfaces
      ? await ctx.guest(decl, "", async (g) =>
          guestSide(
            await ctx.runtime.applyNetwork(
              g.target,
              { interfaces: decl.interfaces, ...withReconnect(decl, g) },
              ctx.changes,
            ),
          ),
        )
      : NO_GUEST_SIDE;
    return { ...vs, ...guest };
  } catch (error) {
    if (decl.portGroup) await ctx.vsphere((s) => removeVsphereSide(s, decl, vs, ctx.changes)).catch(() => undefined);
    throw error;
  }
}

export async function updateNetwork(
  ctx: NetworkContext,
  before: NetworkDeclaration,
  record: NetworkRecord,
  decl: NetworkDeclaration,
): Promise<NetworkRecord> {
  const vsOld = vsphereSideOf(record);
  const vs =
    decl.portGroup || vsOld.portGroupName
      ? await ctx.vsphere((s) =>
          decl.portGroup
            ? applyVsphereSide(s, decl, { decl: before, state: vsOld }, ctx.changes)
            : removeVsphereSide(s, before, vsOld, ctx.changes).then(() => NO_VSPHERE_SIDE),
        )
      : NO_VSPHERE_SIDE;
  const old = guestSideOf(record);
  const reachedAt = hostOf(decl.target) === hostOf(before.target) ? old.reachedAt : "";
  if (!decl.interfaces) {
    await restoreGuest(ctx, decl, reachedAt, old.recorded);
    return { ...vs, ...NO_GUEST_SIDE };
  }
  const guest = await ctx.guest(decl, reachedAt, async (g) => {
    const options = withReconnect(decl, g);
    const result = await ctx.runtime.applyNetwork(
      g.target,
      { interfaces: decl.interfaces, recorded: old.recorded, ...options },
      ctx.changes,
    );
    // Interfaces no longer declared go back to how pod found them.
    const dropped = result.recorded.filter((r) => !result.targets.includes(r.name));
    if (dropped.length) {
      const now = { ...g.target, connection: result.connection };
      await ctx.runtime.restoreNetwork(now, { recorded: dropped, ...options }, ctx.changes);
    }
    const kept = result.recorded.filter((r) => result.targets.includes(r.name));
    return guestSide(result, kept, result.reachedAt ?? reachedAt);
  });
  return { ...vs, ...guest };
}

export async function deleteNetwork(ctx: NetworkContext, decl: NetworkDeclaration, record: NetworkRecord) {
  const guest = guestSideOf(record);
  const vs = vsphereSideOf(record);
  // A VM that is off or gone has no running guest to restore: don't wait for it to answer.
  const vm = decl.vm;
  const moved = { mac: vs.nicMac, portGroup: vs.portGroupName };
  const power = guest.recorded.length && vm ? (await ctx.vsphere((s) => nicPlacement(s, vm, moved))).power : "";
  const guestDown = power === "gone" || power === "poweredOff";
  if (guestDown && decl.strictDelete) {
    throw new PodError("INVALID_STATE", `VM ${decl.vm} is ${power}: its guest settings cannot be restored.`, {
      fix: "Power the VM on and destroy again, or set strictDelete: false to leave the guest as it is.",
    });
  }
  if (!guestDown)
    await restoreGuest(ctx, decl, guest.reachedAt, guest.recorded).catch((error: unknown) => {
      // A guest that is gone or off (a destroy powers it down with its VM) has nothing to restore now.
      if (isPodError(error, "NOT_FOUND") || (!decl.strictDelete && ctx.isUnreachable(error))) return;
      throw error;
    });
  if (decl.portGroup && (vs.nicMac || vs.portGroupCreated)) {
    await ctx.vsphere((s) => removeVsphereSide(s, decl, vs, ctx.changes));
  }
}

/** Refresh: what the guest and vSphere show now, with drift against the declaration. */
export async function refreshNetwork(
  ctx: NetworkContext,
  decl: NetworkDeclaration,
  record: NetworkRecord,
): Promise<NetworkRecord> {
  const vs = vsphereSideOf(record);
  const vm = decl.vm;
  const moved = { mac: vs.nicMac, portGroup: vs.portGroupName, nic: decl.nic };
  const { power, drift, mac } =
    vm && (vs.nicMac || decl.interfaces)
      ? await ctx.vsphere((s) => nicPlacement(s, vm, moved))
      : { power: "", drift: [] as string[], mac: vs.nicMac };
  // The same NIC under a MAC vSphere changed since: record the new one, so delete finds it by MAC.
  vs.nicMac = mac;
  let guest = guestSideOf(record);
  if (decl.interfaces && (power === "gone" || power === "poweredOff")) {
    return { ...vs, ...guest, drift: [...drift, `guest: VM ${decl.vm} is ${power}`] };
  }
  if (decl.interfaces && decl.target) {
    const read = await ctx
      .guest(decl, guest.reachedAt, (g) => ctx.runtime.readNetwork(g.target))
      .catch((error: unknown) => {
        // An unreachable guest is drift too (the next up applies again once it answers), not a failed refresh.
        if (ctx.isUnreachable(error)) return (error as Error).message;
        throw error;
      });
    if (typeof read === "string") return { ...vs, ...guest, drift: [...drift, `guest: ${read}`] };
    try {
      const seen = observeNetwork(read.state, decl.interfaces);
      drift.push(...seen.drift);
      guest = { ...guest, applied: seen.applied };
    } catch (error) {
      drift.push((error as Error).message);
    }
  }
  return { ...vs, ...guest, drift };
}
