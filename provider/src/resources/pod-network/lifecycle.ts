/**
 * PodNetwork's steps, vSphere half then guest half: create is transactional
 * (a failed guest apply takes the NIC and port group back), update changes
 * only what differs (the engine plans against the guest, interfaces dropped
 * from the declaration are put back), delete restores the recorded state.
 * Guest changes leave audit records (network.applied, network.restored),
 * correlated by the resource's URN like the vSphere half's.
 */
import { isPodError, PodError } from "../../common/errors";
import { applyNetwork, readNetwork, restoreNetwork } from "../../execution/network/apply";
import { planNetwork } from "../../network/plan";
import type { RecordedInterface } from "../../network/record";
import { validateInterfaces } from "../../network/validate";
import { allMismatches, appliedView } from "../../network/verify";
import type { VsphereSession } from "../../vsphere/session";
import { isGuestUnreachable } from "../shared/errors";
import type { PodNetworkInputs, PodNetworkOutputs } from "./args";
import { type GuestDeps, guestChange, withGuest } from "./guest";
import {
  type GuestSideState,
  guestSide,
  guestSideOf,
  inputsFromOutputs,
  NO_GUEST_SIDE,
  toOutputs,
  vsphereSideOf,
} from "./state";
import { applyVsphereSide, NO_VSPHERE_SIDE, removeVsphereSide, vmSide } from "./vsphere-side";

export interface LifecycleDeps extends GuestDeps {
  /** Runs fn with a vSphere session for these inputs. */
  vsphere: <T>(inputs: PodNetworkInputs, fn: (session: VsphereSession) => Promise<T>) => Promise<T>;
}

const runOptions = (i: PodNetworkInputs) => ({
  ...(i.allowManagementChange ? { allowManagementChange: true } : {}),
  ...(i.confirmTimeoutSeconds ? { confirmTimeoutSeconds: i.confirmTimeoutSeconds } : {}),
  ...(i.persist === false ? { persist: false } : {}),
});

async function restoreGuest(
  deps: LifecycleDeps,
  inputs: PodNetworkInputs,
  reachedAt: string,
  recorded: RecordedInterface[],
) {
  if (!recorded.length || !inputs.target) return;
  await withGuest(deps, inputs, reachedAt, ({ connection, reconnect }) =>
    guestChange(deps, inputs, "network.restored", () =>
      restoreNetwork({
        connection,
        executor: deps.runtime.executor,
        recorded,
        ...runOptions(inputs),
        ...(reconnect ? { reconnect } : {}),
      }),
    ),
  );
}

export async function createNetwork(deps: LifecycleDeps, inputs: PodNetworkInputs): Promise<PodNetworkOutputs> {
  const changes = deps.runtime.audit.tracker(inputs);
  const vs = inputs.portGroup
    ? await deps.vsphere(inputs, (s) => applyVsphereSide(s, inputs, { state: NO_VSPHERE_SIDE }, changes))
    : NO_VSPHERE_SIDE;
  try {
    const guest = inputs.interfaces
      ? await withGuest(deps, inputs, "", async ({ connection, reconnect }) =>
          guestSide(
            await guestChange(deps, inputs, "network.applied", () =>
              applyNetwork({
                connection,
                executor: deps.runtime.executor,
                interfaces: inputs.interfaces,
                ...runOptions(inputs),
                ...(reconnect ? { reconnect } : {}),
              }),
            ),
          ),
        )
      : NO_GUEST_SIDE;
    return toOutputs(inputs, vs, guest);
  } catch (error) {
    if (inputs.portGroup) {
      await deps.vsphere(inputs, (s) => removeVsphereSide(s, inputs, vs, changes)).catch(() => undefined);
    }
    throw error;
  }
}

export async function updateNetwork(deps: LifecycleDeps, olds: PodNetworkOutputs, news: PodNetworkInputs) {
  const before = inputsFromOutputs(olds);
  const vsOld = vsphereSideOf(olds);
  const changes = deps.runtime.audit.tracker(news);
  const vs =
    news.portGroup || vsOld.portGroupName
      ? await deps.vsphere(news, (s) =>
          news.portGroup
            ? applyVsphereSide(s, news, { inputs: before, state: vsOld }, changes)
            : removeVsphereSide(s, before, vsOld, changes).then(() => NO_VSPHERE_SIDE),
        )
      : NO_VSPHERE_SIDE;
  const old = guestSideOf(olds);
  const reachedAt = news.target?.host === before.target?.host ? old.reachedAt : "";
  if (!news.interfaces) {
    await restoreGuest(deps, news, reachedAt, old.recorded);
    return toOutputs(news, vs, NO_GUEST_SIDE);
  }
  const guest = await withGuest(deps, news, reachedAt, async ({ connection, reconnect }) => {
    const options = { executor: deps.runtime.executor, ...runOptions(news), ...(reconnect ? { reconnect } : {}) };
    const result = await guestChange(deps, news, "network.applied", () =>
      applyNetwork({ connection, interfaces: news.interfaces, recorded: old.recorded, ...options }),
    );
    // Interfaces no longer declared go back to how pod found them.
    const dropped = result.recorded.filter((r) => !result.targets.includes(r.name));
    if (dropped.length) {
      await guestChange(deps, news, "network.restored", () =>
        restoreNetwork({ connection: result.connection, recorded: dropped, ...options }),
      );
    }
    const kept = result.recorded.filter((r) => result.targets.includes(r.name));
    return guestSide(result, kept, result.reachedAt ?? reachedAt);
  });
  return toOutputs(news, vs, guest);
}

export async function deleteNetwork(deps: LifecycleDeps, props: PodNetworkOutputs): Promise<void> {
  const inputs = inputsFromOutputs(props);
  const guest = guestSideOf(props);
  const vs = vsphereSideOf(props);
  // A VM that is off or gone has no running guest to restore: don't wait for it to answer.
  const vm = inputs.vm;
  const power = guest.recorded.length && vm ? (await deps.vsphere(inputs, (s) => vmSide(s, vm, vs))).power : "";
  const guestDown = power === "gone" || power === "poweredOff";
  if (guestDown && inputs.strictDelete) {
    throw new PodError("INVALID_STATE", `VM ${inputs.vm} is ${power}: its guest settings cannot be restored.`, {
      fix: "Power the VM on and destroy again, or set strictDelete: false to leave the guest as it is.",
    });
  }
  if (!guestDown)
    await restoreGuest(deps, inputs, guest.reachedAt, guest.recorded).catch((error: unknown) => {
      // A guest that is gone or off (a destroy powers it down with its VM) has nothing to restore now.
      if (isPodError(error, "NOT_FOUND") || (!inputs.strictDelete && isGuestUnreachable(error))) return;
      throw error;
    });
  if (inputs.portGroup && (vs.nicMac || vs.portGroupCreated)) {
    await deps.vsphere(inputs, (s) => removeVsphereSide(s, inputs, vs, deps.runtime.audit.tracker(inputs)));
  }
}

/** Refresh: what the guest and vSphere show now, with drift against the declaration. */
export async function readNetworkOutputs(deps: LifecycleDeps, props: PodNetworkOutputs): Promise<PodNetworkOutputs> {
  const inputs = inputsFromOutputs(props);
  const vs = vsphereSideOf(props);
  const vm = inputs.vm;
  const { power, drift } =
    vm && (vs.nicMac || inputs.interfaces)
      ? await deps.vsphere(inputs, (s) => vmSide(s, vm, vs))
      : { power: "", drift: [] as string[] };
  let guest: GuestSideState = guestSideOf(props);
  if (inputs.interfaces && (power === "gone" || power === "poweredOff")) {
    return toOutputs(inputs, vs, { ...guest, drift: [...drift, `guest: VM ${inputs.vm} is ${power}`] });
  }
  if (inputs.interfaces && inputs.target) {
    const read = await withGuest(deps, inputs, guest.reachedAt, ({ connection }) =>
      readNetwork({ connection, executor: deps.runtime.executor }),
    ).catch((error: unknown) => {
      // An unreachable guest is drift too (the next up applies again once it answers), not a failed refresh.
      if (isGuestUnreachable(error)) return (error as Error).message;
      throw error;
    });
    if (typeof read === "string") return toOutputs(inputs, vs, { ...guest, drift: [...drift, `guest: ${read}`] });
    const { state } = read;
    try {
      const plan = planNetwork(state, validateInterfaces(inputs.interfaces));
      drift.push(...allMismatches(state, plan.targets));
      const applied = plan.targets.flatMap((t) => {
        const now = state.interfaces.find((i) => i.name === t.name);
        return now ? [appliedView(state, now)] : [];
      });
      guest = { ...guest, applied };
    } catch (error) {
      drift.push((error as Error).message);
    }
  }
  return toOutputs(inputs, vs, { ...guest, drift });
}
