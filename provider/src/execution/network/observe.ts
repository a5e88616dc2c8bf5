/**
 * How a guest's network compares with a declaration, from one read: the
 * applied view of the declared interfaces, what differs (drift), and the
 * changes an apply would make. Used by the apply's read-back, by refresh,
 * and by PodClient.diffNetwork / `pod net diff`.
 */
import { type NetworkChange, type PlanTarget, planNetwork } from "../../network/plan";
import type { NetworkState } from "../../network/state";
import { validateInterfaces } from "../../network/validate";
import { type AppliedInterface, allMismatches, appliedView } from "../../network/verify";

/** Each target interface as the guest shows it now (absent ones are left out). */
export function appliedInterfaces(state: NetworkState, targets: Pick<PlanTarget, "name">[]): AppliedInterface[] {
  return targets.flatMap((t) => {
    const now = state.interfaces.find((i) => i.name === t.name);
    return now ? [appliedView(state, now)] : [];
  });
}

export interface NetworkObservation {
  /** What differs from the declaration, one line each; empty = converged. */
  drift: string[];
  applied: AppliedInterface[];
  /** The changes an apply would make now. */
  changes: NetworkChange[];
}

/** The declaration against the guest's state; an invalid declaration throws (nothing was read twice). */
export function observeNetwork(state: NetworkState, interfaces: unknown): NetworkObservation {
  const plan = planNetwork(state, validateInterfaces(interfaces));
  return {
    drift: allMismatches(state, plan.targets),
    applied: appliedInterfaces(state, plan.targets),
    changes: plan.changes,
  };
}
