/**
 * Guest network configuration through a GuestConnection: the engine lives in
 * execution/network/ (read, plan, guard, apply, verify, persist, detached
 * apply with automatic revert); the pure parts in network/.
 */
export {
  applyNetwork,
  type NetworkApplyOptions,
  type NetworkApplyResult,
  type NetworkRunOptions,
  readNetwork,
  restoreNetwork,
} from "./network/apply";
export { type GuestShell, networkOsOf, openGuestShell } from "./network/guest-shell";
export { type PersistOutcome, persistenceOf } from "./network/persist";
export { readNetworkState } from "./network/steps";
