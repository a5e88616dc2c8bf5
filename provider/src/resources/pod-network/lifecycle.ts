/**
 * PodNetwork's steps, vSphere half then guest half: create is transactional
 * (a failed guest apply takes the NIC and port group back), update changes
 * only what differs (the engine plans against the guest, interfaces dropped
 * from the declaration are put back), delete restores the recorded state.
 */
import { isPodError } from "../../common/errors";
import { applyNetwork, readNetwork, restoreNetwork } from "../../execution/network-apply";
import { planNetwork } from "../../network/plan";
import type { RecordedInterface } from "../../network/record";
import { validateInterfaces } from "../../network/validate";
import { allMismatches, appliedView } from "../../network/verify";
import type { VsphereSession } from "../../vsphere/session";
import type { PodNetworkInputs, PodNetworkOutputs } from "./args";
import { type GuestDeps, withGuest } from "./guest";
import {
  type GuestSideState,
  guestSide,
  guestSideOf,
  inputsFromOutputs,
  NO_GUEST_SIDE,
  toOutputs,
  vsphereSideOf,
} from "./state";
import { applyVsphereSide, NO_VSPHERE_SIDE, removeVsphereSide, vsphereDrift } from "./vsphere-side";

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
    restoreNetwork({
      connection,
      executor: deps.runtime.executor,
      recorded,
      ...runOptions(inputs),
      ...(reconnect ? { reconnect } : {}),
    }),
  );
}

export async function createNetwork(deps: LifecycleDeps, inputs: PodNetworkInputs): Promise<PodNetworkOutputs> {
  const vs = inputs.portGroup
    ? await deps.vsphere(inputs, (s) => applyVsphereSide(s, inputs, { state: NO_VSPHERE_SIDE }))
    : NO_VSPHERE_SIDE;
  try {
    const guest = inputs.interfaces
      ? await withGuest(deps, inputs, "", async ({ connection, reconnect }) =>
          guestSide(
            await applyNetwork({
              connection,
              executor: deps.runtime.executor,
              interfaces: inputs.interfaces,
              ...runOptions(inputs),
              ...(reconnect ? { reconnect } : {}),
            }),
          ),
        )
      : NO_GUEST_SIDE;
    return toOutputs(inputs, vs, guest);
  } catch (error) {
    if (inputs.portGroup) await deps.vsphere(inputs, (s) => removeVsphereSide(s, inputs, vs)).catch(() => undefined);
    throw error;
  }
}

export async function updateNetwork(deps: LifecycleDeps, olds: PodNetworkOutputs, news: PodNetworkInputs) {
  const before = inputsFromOutputs(olds);
  const vsOld = vsphereSideOf(olds);
  const vs =
    news.portGroup || vsOld.portGroupName
      ? await deps.vsphere(news, (s) =>
          news.portGroup
            ? applyVsphereSide(s, news, { inputs: before, state: vsOld })
            : removeVsphereSide(s, before, vsOld).then(() => NO_VSPHERE_SIDE),
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
    const result = await applyNetwork({ connection, interfaces: news.interfaces, recorded: old.recorded, ...options });
    // Interfaces no longer declared go back to how pod found them.
    const dropped = result.recorded.filter((r) => !result.targets.includes(r.name));
    if (dropped.length) await restoreNetwork({ connection: result.connection, recorded: dropped, ...options });
    const kept = result.recorded.filter((r) => result.targets.includes(r.name));
    return guestSide(result, kept, result.reachedAt ?? reachedAt);
  });
  return toOutputs(news, vs, guest);
}

export async function deleteNetwork(deps: LifecycleDeps, props: PodNetworkOutputs): Promise<void> {
  const inputs = inputsFromOutputs(props);
  const guest = guestSideOf(props);
  await restoreGuest(deps, inputs, guest.reachedAt, guest.recorded).catch((error: unknown) => {
    // A guest that no longer exists (container or VM deleted) has nothing left to restore.
    if (!isPodError(error, "NOT_FOUND")) throw error;
  });
  const vs = vsphereSideOf(props);
  if (inputs.portGroup && (vs.nicMac || vs.portGroupCreated)) {
    await deps.vsphere(inputs, (s) => removeVsphereSide(s, inputs, vs));
  }
}

/** Refresh: what the guest and vSphere show now, with drift against the declaration. */
export async function readNetworkOutputs(deps: LifecycleDeps, props: PodNetworkOutputs): Promise<PodNetworkOutputs> {
  const inputs = inputsFromOutputs(props);
  const vs = vsphereSideOf(props);
  const drift: string[] = vs.nicMac ? await deps.vsphere(inputs, (s) => vsphereDrift(s, inputs, vs)) : [];
  let guest: GuestSideState = guestSideOf(props);
  if (inputs.interfaces && inputs.target) {
    const { state } = await withGuest(deps, inputs, guest.reachedAt, ({ connection }) =>
      readNetwork({ connection, executor: deps.runtime.executor }),
    );
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
