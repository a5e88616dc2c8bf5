/**
 * The resources' side of the one engine: every PodVm, PodCommand and
 * PodNetwork in a provider process works through one PodRuntime (shared
 * sessions, connections, executor, audit), and here is only what Pulumi
 * adds: stack config, where the audit log goes, and the output shapes.
 */

import type { ExecTarget } from "../../execution/executor";
import { type GuestTarget, targetName, toGuestAccess } from "../../execution/guest-target";
import { PodRuntime } from "../../execution/runtime";
import type { OsInfo } from "../../os/types";
import type { VsphereConnectOptions } from "../../vsphere/session";
import { auditLogPath, pulumiActor } from "./audit";
import type { DetectedOs } from "./detected-os";
import { type ProviderConfig, readProviderConfig, resolveVsphereConnection } from "./vsphere-connection";

let shared: PodRuntime | undefined;

/**
 * The runtime of this process: resources touching the same guest share its
 * SSH pool and vSphere session instead of opening one each. Without a
 * configure (tests, another host) POD_AUDIT_LOG still decides the log.
 */
export function sharedRuntime(): PodRuntime {
  if (!shared) {
    shared = new PodRuntime({ actor: pulumiActor() });
    shared.audit.useLogLater(() => auditLogPath(undefined));
  }
  return shared;
}

/** Each provider's configure: stack config for vSphere credentials, and where audit records go. */
export function configureRuntime(
  runtime: PodRuntime,
  config: { get(key: string): string | undefined },
): ProviderConfig {
  runtime.audit.useLog(auditLogPath(config));
  return readProviderConfig(config);
}

/** A resource's guest target as the runtime's target (guestops: through the resolved vSphere connection). */
export function resourceTarget(
  runtime: PodRuntime,
  target: GuestTarget,
  config: ProviderConfig,
  name?: string,
  vsphere?: VsphereConnectOptions,
): ExecTarget {
  const guestops = (target.transport ?? "ssh") === "guestops";
  const resolved = guestops ? (vsphere ?? resolveVsphereConnection(target.vsphere, config)) : undefined;
  const access = toGuestAccess(target, resolved);
  return runtime.connect(access, name ?? targetName(target));
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
