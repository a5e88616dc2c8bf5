/**
 * The network engine: validate → read → plan → guard → apply → read back →
 * verify → persist, and the same pipeline in reverse for restores. Nothing
 * runs on the guest before the declaration is valid; a converged guest gets
 * reads only. A failed apply puts back what it changed (best effort) before
 * throwing, so a failed create leaves the guest as it was.
 */
import type { GuestConnection } from "../../connections/types";
import { NetworkConfigError } from "../../network/errors";
import { managementAddressAfter, managementImpact, managementRefusal } from "../../network/management";
import { type NetworkChange, type NetworkPlan, planNetwork } from "../../network/plan";
import { type RecordedInterface, recordTargets, restoreDeclaration } from "../../network/record";
import { simulatePlan } from "../../network/simulate";
import type { NetworkState } from "../../network/state";
import { type DesiredInterface, validateInterfaces } from "../../network/validate";
import { type AppliedInterface, allMismatches } from "../../network/verify";
import type { OsInfo } from "../../os/types";
import type { CommandExecutor } from "../executor";
import { applyDetached } from "./detached";
import { type GuestShell, openGuestShell } from "./guest-shell";
import { appliedInterfaces } from "./observe";
import { assertPersistable, type PersistOutcome, persistApplied, unpersist } from "./persist";
import { commandFor, readNetworkState, runBestEffort, runChanges } from "./steps";

export interface NetworkRunOptions {
  connection: GuestConnection;
  executor?: CommandExecutor;
  /** The guest's OS when known; detected (read-only probe) otherwise. */
  os?: OsInfo;
  /** Opt-in: allow changes that would cut the connection pod uses (see docs/pod-network.md). */
  allowManagementChange?: boolean;
  /** SSH: a connection to the guest on another address, for the detached apply (fail fast: one dial). */
  reconnect?: (address: string) => Promise<GuestConnection>;
  /** How long the guest waits for pod to reconnect before reverting a detached apply (default 60). */
  confirmTimeoutSeconds?: number;
  /** Write persistent configuration (Linux VMs; default true). */
  persist?: boolean;
  log?: (line: string) => void;
}

export interface NetworkApplyOptions extends NetworkRunOptions {
  /** The declaration (validated here, before anything runs). */
  interfaces: unknown;
  /** The record of an earlier apply: its pre-change values are kept (they are the originals). */
  recorded?: RecordedInterface[];
}

export interface NetworkApplyResult {
  os: OsInfo;
  changed: boolean;
  plan: NetworkChange[];
  /** The change commands that ran (none when converged). */
  commands: string[];
  before: NetworkState;
  after: NetworkState;
  applied: AppliedInterface[];
  /** The interfaces the declaration resolved to (Linux VLAN: the sub-interface). */
  targets: string[];
  recorded: RecordedInterface[];
  persistence: PersistOutcome;
  /** The connection that reaches the guest now: a new one after a detached apply. */
  connection: GuestConnection;
  /** The guest address pod reached it on last (ssh/winrm), when it changed. */
  reachedAt?: string;
}

async function converge(
  shell: GuestShell,
  desired: DesiredInterface[],
  o: NetworkRunOptions,
  recordedBefore: RecordedInterface[] | undefined,
  restoring: boolean,
): Promise<NetworkApplyResult> {
  const before = await readNetworkState(shell);
  // An interface that vanished since (a NIC removed) has nothing left to restore.
  const wanted = restoring
    ? desired.filter((d) => d.absent || before.interfaces.some((i) => i.name === d.name))
    : desired;
  const plan = planNetwork(before, wanted);
  const recorded = restoring ? (recordedBefore ?? []) : recordTargets(before, plan.targets, recordedBefore);
  const commands = plan.changes.map((c) => commandFor(shell, c));
  for (const command of commands) o.log?.(`plan: ${command}`);
  let active = shell;
  let reachedAt: string | undefined;
  if (plan.changes.length > 0) {
    if (!restoring) assertPersistable(shell, plan, o.persist !== false); // a name pod won't persist: refused first
    const impact = managementImpact(before, plan);
    if (impact.length && !o.allowManagementChange) throw managementRefusal(before, impact);
    if (impact.length && !(shell.kind === "linux" && o.reconnect)) {
      throw managementRefusal(
        before,
        impact,
        shell.kind === "windows"
          ? "On Windows pod cannot apply this over the connection it changes: reach the guest through guestops (VMware Tools) for this change."
          : "Give pod a way to reconnect (target.host over SSH) or use transport docker/guestops.",
      );
    }
    if (impact.length && o.reconnect) {
      reachedAt = managementAddressAfter(before, plan) ?? "";
      active = await applyDetached(shell, {
        changes: plan.changes,
        commands,
        revertCommands: revertCommands(shell, before, plan, recorded),
        newAddress: reachedAt,
        confirmSeconds: o.confirmTimeoutSeconds ?? 60,
        reconnect: o.reconnect,
        ...(o.log ? { log: o.log } : {}),
      });
    } else {
      await runChanges(shell, plan.changes, commands).catch(async (error: unknown) => {
        throw await withRollback(shell, error, plan, recorded, restoring);
      });
    }
  }
  // Nothing changed: the read before is the read-back.
  const after = plan.changes.length ? await readNetworkState(active) : before;
  const problems = allMismatches(after, plan.targets);
  if (problems.length) {
    const error = new NetworkConfigError(
      "VERIFY_FAILED",
      `The guest does not show the change: ${problems.join("; ")}.`,
      {
        fix: "Something on the guest (a DHCP client, a network manager) may be overriding pod; check the details.",
        details: { mismatches: problems, plan: plan.changes, after },
      },
    );
    throw plan.changes.length ? await withRollback(active, error, plan, recorded, restoring) : error;
  }
  const persistence = restoring
    ? await unpersist(active, recorded, o.persist !== false)
    : await persistApplied(active, after, plan, o.persist !== false && plan.changes.length > 0).catch(
        async (error: unknown) => {
          throw await withRollback(active, error, plan, recorded, restoring);
        },
      );
  const applied = appliedInterfaces(after, plan.targets);
  return {
    os: shell.os,
    changed: plan.changes.length > 0,
    plan: plan.changes,
    commands: plan.changes.length ? commands : [],
    before,
    after,
    applied,
    targets: plan.targets.map((t) => t.name),
    recorded,
    persistence,
    connection: active.connection,
    ...(reachedAt ? { reachedAt } : {}),
  };
}

/** The guest-side way back for a detached apply: from the state the plan leads to, to the recorded one. */
function revertCommands(shell: GuestShell, before: NetworkState, plan: NetworkPlan, recorded: RecordedInterface[]) {
  const names = new Set(plan.targets.map((t) => t.name));
  const back = recorded.filter((r) => names.has(r.name)).map((r) => restoreDeclaration(before.os, r));
  return planNetwork(simulatePlan(before, plan), back).changes.map((c) => commandFor(shell, c));
}

async function withRollback(
  shell: GuestShell,
  error: unknown,
  plan: NetworkPlan,
  recorded: RecordedInterface[],
  restoring: boolean,
): Promise<unknown> {
  if (restoring || !(error instanceof NetworkConfigError)) return error;
  try {
    const names = new Set(plan.targets.map((t) => t.name));
    const back = recorded.filter((r) => names.has(r.name)).map((r) => restoreDeclaration(shell.kind, r));
    const now = await readNetworkState(shell);
    const undo = planNetwork(now, back).changes;
    const output = await runBestEffort(
      shell,
      undo.map((c) => commandFor(shell, c)),
    );
    Object.assign(error.details, { rolledBack: undo.length ? "put back" : "nothing to undo", rollbackOutput: output });
  } catch (rollbackError) {
    Object.assign(error.details, { rolledBack: `failed: ${(rollbackError as Error).message}` });
  }
  return error;
}

/** Validates, then makes the guest match the declaration (nothing runs on the guest if it is invalid). */
export async function applyNetwork(o: NetworkApplyOptions): Promise<NetworkApplyResult> {
  const desired = validateInterfaces(o.interfaces);
  const shell = await openGuestShell(o.connection, {
    ...(o.executor ? { executor: o.executor } : {}),
    ...(o.os ? { os: o.os } : {}),
  });
  return converge(shell, desired, o, o.recorded, false);
}

/** Puts back what a record says pod changed: removes what it added, restores what was there, drops pod's persistent config. */
export async function restoreNetwork(
  o: NetworkRunOptions & { recorded: RecordedInterface[] },
): Promise<NetworkApplyResult> {
  const shell = await openGuestShell(o.connection, {
    ...(o.executor ? { executor: o.executor } : {}),
    ...(o.os ? { os: o.os } : {}),
  });
  const desired = o.recorded.map((r) => restoreDeclaration(shell.kind, r));
  return converge(shell, desired, o, o.recorded, true);
}

/** Reads the guest's network (for refresh: drift against a declaration). */
export async function readNetwork(o: Pick<NetworkRunOptions, "connection" | "executor" | "os">) {
  const shell = await openGuestShell(o.connection, {
    ...(o.executor ? { executor: o.executor } : {}),
    ...(o.os ? { os: o.os } : {}),
  });
  return { os: shell.os, state: await readNetworkState(shell) };
}
