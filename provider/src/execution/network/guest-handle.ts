/**
 * The guest half's way in, from a guest target: the runtime's shared
 * connection (on `reachedAt` when a detached apply moved the guest there),
 * and over SSH a reconnect on another address that dials once, fast, so the
 * confirm loop keeps trying. Those reconnects are the caller's own
 * connections, closed when fn is done.
 */
import { PodError } from "../../common/errors";
import type { GuestConnection } from "../../connections/types";
import type { VsphereConnectOptions } from "../../vsphere/session";
import { type GuestTarget, targetName, toGuestAccess } from "../guest-target";
import type { PodRuntime } from "../runtime";
import type { GuestHandle } from "./lifecycle";

const byAddress = (t: GuestTarget) => (t.transport ?? "ssh") === "ssh" || t.transport === "winrm";

export async function withGuestTarget<T>(
  runtime: PodRuntime,
  target: GuestTarget,
  vsphere: VsphereConnectOptions | undefined,
  reachedAt: string,
  fn: (guest: GuestHandle) => Promise<T>,
): Promise<T> {
  const reached = reachedAt && byAddress(target) ? { ...target, host: reachedAt } : target;
  const handle: GuestHandle = { target: runtime.connect(toGuestAccess(reached, vsphere), targetName(target)) };
  const opened: GuestConnection[] = [];
  if ((target.transport ?? "ssh") === "ssh") {
    handle.reconnect = async (address: string) => {
      const access = toGuestAccess({ ...target, host: address });
      if (access.transport !== "ssh") throw new PodError("INTERNAL", "reconnect is for SSH targets");
      const fresh = runtime.connections.open({ ...access, dialErrorLimit: 1, perDialTimeoutMs: 5000 });
      opened.push(fresh);
      return fresh;
    };
  }
  try {
    return await fn(handle);
  } finally {
    await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
  }
}
