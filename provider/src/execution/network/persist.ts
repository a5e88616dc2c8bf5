/**
 * Persistent configuration after a run-time apply: Linux VMs through their
 * network manager (network/linux/persist.ts), Windows by itself (the
 * NetTCPIP cmdlets write the persistent store too), containers not at all.
 */
import { NetworkConfigError } from "../../network/errors";
import {
  assertPersistName,
  choosePersistence,
  type PersistBackend,
  type PersistItem,
  persistCommands,
  unpersistCommands,
} from "../../network/linux/persist";
import type { NetworkPlan } from "../../network/plan";
import type { RecordedInterface } from "../../network/record";
import type { NetworkState } from "../../network/state";
import { parseStepOutput } from "../../network/steps";
import type { GuestShell } from "./guest-shell";
import { runBestEffort, stepsScript } from "./steps";

export interface PersistOutcome {
  backend: PersistBackend | "windows";
  /** True when the configuration lasts only until the guest (or container) restarts. */
  runtimeOnly: boolean;
  note: string;
}

export function persistenceOf(shell: GuestShell): PersistOutcome {
  if (shell.kind === "windows") {
    return {
      backend: "windows",
      runtimeOnly: false,
      note: "NetTCPIP cmdlets write the active and the persistent store",
    };
  }
  const backend = choosePersistence(shell.os);
  if (backend !== "none") return { backend, runtimeOnly: false, note: `persisted with ${backend}` };
  return {
    backend,
    runtimeOnly: true,
    note: shell.os.container
      ? "container: run-time configuration only (the container runtime owns its network and resets it on restart)"
      : "no NetworkManager, netplan, systemd-networkd or ifupdown found: run-time configuration only",
  };
}

/** Refuses, before anything changes, names pod would not write into the guest's persistent configuration. */
export function assertPersistable(shell: GuestShell, plan: NetworkPlan, enabled: boolean): void {
  const { backend } = persistenceOf(shell);
  if (!enabled || shell.kind !== "linux" || backend === "none" || backend === "windows") return;
  for (const t of plan.targets) assertPersistName(t.name);
}

export async function persistApplied(
  shell: GuestShell,
  after: NetworkState,
  plan: NetworkPlan,
  enabled: boolean,
): Promise<PersistOutcome> {
  const outcome = persistenceOf(shell);
  if (!enabled || shell.kind !== "linux" || outcome.backend === "none" || outcome.backend === "windows") return outcome;
  const items: PersistItem[] = plan.targets.flatMap((t) => {
    const now = after.interfaces.find((i) => i.name === t.name);
    if (!now) return [];
    const vlan = now.vlan?.parent ? { vlan: { id: now.vlan.id, parent: now.vlan.parent } } : {};
    return [
      {
        name: now.name,
        ...vlan,
        addresses: now.addresses.map((c) => `${c.address}/${c.prefix}`),
        ...(now.gateway ? { gateway: now.gateway } : {}),
        dns: t.desired.dns ? after.dns : [],
        ...(t.desired.mtu ? { mtu: now.mtu } : {}),
      },
    ];
  });
  const commands = persistCommands(outcome.backend, items);
  const out = await shell.run(stepsScript(shell, commands), { root: true, timeoutMs: 120_000 });
  const report = parseStepOutput(out.stdout, out.stderr);
  if (report.failed || out.exitCode !== 0) {
    throw new NetworkConfigError(
      "APPLY_FAILED",
      `Writing the persistent configuration with ${outcome.backend} failed.`,
      {
        fix: `Check ${outcome.backend} on the guest; set persist: false to configure the run-time state only.`,
        details: { output: report.failed?.output ?? out.stderr, commands },
      },
    );
  }
  return outcome;
}

export async function unpersist(
  shell: GuestShell,
  recorded: RecordedInterface[],
  enabled: boolean,
): Promise<PersistOutcome> {
  const outcome = persistenceOf(shell);
  if (enabled && shell.kind === "linux" && outcome.backend !== "none" && outcome.backend !== "windows") {
    await runBestEffort(
      shell,
      unpersistCommands(
        outcome.backend,
        recorded.map((r) => r.name),
      ),
    );
  }
  return outcome;
}
