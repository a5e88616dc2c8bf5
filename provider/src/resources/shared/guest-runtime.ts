import { Secret } from "../../common/secret";
import { ConnectionCache } from "../../connections/factory";
import { GuestOpsConnection } from "../../connections/guestops/guestops-connection";
import type { GuestConnection } from "../../connections/types";
import { CommandExecutor } from "../../execution/executor";
import type { OsInfo } from "../../os/types";
import { GuestOperations } from "../../vsphere/guest-ops";
import { SessionPool } from "../../vsphere/session-pool";
import type { DetectedOs } from "../pod-vm/args";
import { ResourceAudit } from "./audit";
import { type GuestTarget, targetName, toGuestAccess } from "./guest-target";
import { type ProviderConfig, readProviderConfig, resolveVsphereConnection } from "./vsphere-connection";

/**
 * What every guest-facing provider shares in one provider process: vSphere
 * sessions, guest connections (SSH pools, WinRM shells) and one executor with
 * its concurrency limits. Resources touching the same guest reuse them.
 */
export class GuestRuntime {
  readonly sessions = new SessionPool();
  readonly connections = new ConnectionCache();
  /** Command and change records of every resource in this process (off unless configured). */
  readonly audit = new ResourceAudit();
  readonly executor = new CommandExecutor({ actor: this.audit.actor, audit: this.audit });

  /** Each provider's configure: stack config for vSphere credentials, and where audit records go. */
  configure(config: { get(key: string): string | undefined }): ProviderConfig {
    this.audit.configure(config);
    return readProviderConfig(config);
  }

  /** Runs `fn` with a connection to the target (guestops: inside a vSphere session). */
  async withTarget<T>(
    target: GuestTarget,
    config: ProviderConfig,
    fn: (connection: GuestConnection, name: string) => Promise<T>,
  ): Promise<T> {
    const name = targetName(target);
    if ((target.transport ?? "ssh") !== "guestops") return fn(this.connections.get(toGuestAccess(target)), name);
    const vsphere = resolveVsphereConnection(target.vsphere, config);
    return this.sessions.use(vsphere, async (session) => {
      const ops = await GuestOperations.open(
        session,
        { type: "VirtualMachine", value: target.vmId ?? "" },
        { username: target.user ?? "", password: new Secret(target.password ?? "") },
      );
      return fn(new GuestOpsConnection(ops, name), name);
    });
  }
}

let shared: GuestRuntime | undefined;

/**
 * The one runtime of this process: PodVm, PodCommand and PodNetwork touching
 * the same guest share its SSH pool and vSphere session instead of opening one each.
 */
export function sharedGuestRuntime(): GuestRuntime {
  shared ??= new GuestRuntime();
  return shared;
}

/** The OS as resources output it. */
export function toDetectedOs(os: OsInfo): DetectedOs {
  return {
    type: os.type,
    family: os.family,
    distribution: os.distribution,
    version: os.version,
    build: os.build ?? "",
  };
}
