import { stepSignal, throwIfCancelled } from "../common/cancel";
import { PodError } from "../common/errors";
import { retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";
import type { GuestNicInfo, GuestStackInfo } from "./soap/generated/types";
import { withVmWatch } from "./vm-watch";

interface Seen {
  name: string;
  powerState: string;
  addresses: { ip: string; prefix: number }[];
  gateways: string[];
}

const ipv4 = (text: string): number | undefined => {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};
const sameSubnet = (a: string, b: string, prefix: number): boolean => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const x = ipv4(a);
  const y = ipv4(b);
  return x !== undefined && y !== undefined && (x & mask) >>> 0 === (y & mask) >>> 0;
};

/** A guest address is routable when a default gateway VMware Tools reports lies in its subnet. */
export function routableAddress(seen: Pick<Seen, "addresses" | "gateways">): string | undefined {
  return seen.addresses.find((a) => seen.gateways.some((g) => sameSubnet(a.ip, g, a.prefix)))?.ip;
}

async function look(session: VsphereSession, ref: MoRef): Promise<Seen | undefined> {
  const [o] = await retrieveProperties<Record<string, unknown>>(
    session,
    [ref],
    ["name", "runtime.powerState", "guest.net", "guest.ipStack"],
  );
  if (!o?.props.name) return undefined;
  const nics = (o.props["guest.net"] as GuestNicInfo[] | undefined) ?? [];
  const stacks = (o.props["guest.ipStack"] as GuestStackInfo[] | undefined) ?? [];
  return {
    name: o.props.name as string,
    powerState: String(o.props["runtime.powerState"] ?? ""),
    addresses: nics.flatMap((n) =>
      (n.ipConfig?.ipAddress ?? [])
        .filter((a) => ipv4(a.ipAddress) !== undefined)
        .map((a) => ({ ip: a.ipAddress, prefix: a.prefixLength })),
    ),
    gateways: stacks.flatMap((s) =>
      (s.ipRouteConfig?.ipRoute ?? [])
        .filter((r) => r.prefixLength === 0 && r.gateway.ipAddress)
        .map((r) => r.gateway.ipAddress ?? ""),
    ),
  };
}

/**
 * Like @pulumi/vsphere's wait_for_guest_net_routable: waits, bounded, until
 * the guest has an IPv4 address in the subnet of its default gateway, and
 * returns it. The timeout error lists the addresses and gateways seen.
 */
export async function waitForRoutableIp(session: VsphereSession, ref: MoRef, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const lookNow = async (): Promise<Seen> => {
    const seen = await look(session, ref);
    if (!seen) throw new PodError("NOT_FOUND", `VM ${ref.value} disappeared while pod waited for a routable address.`);
    return seen;
  };
  // Most often the address is there already (right after power-on): then no watch is set up at all.
  let seen = await lookNow();
  const ready = routableAddress(seen);
  if (ready) return ready;
  // Else each change of these properties wakes the wait (vm-watch.ts), at the latest every second as before.
  seen = await withVmWatch(session, ref, ["runtime.powerState", "guest.net", "guest.ipStack"], async (watch) => {
    for (;;) {
      const now = await lookNow();
      if (routableAddress(now) || Date.now() >= deadline) return now;
      throwIfCancelled(`The wait for ${ref.value}'s routable address`, stepSignal());
      await watch.changed(Math.min(1000, Math.max(0, deadline - Date.now())));
    }
  });
  const ip = routableAddress(seen);
  if (ip) return ip;
  throw new PodError(
    "TIMEOUT",
    `VM ${seen.name} reported no routable IPv4 address (one in its default gateway's subnet) within ${Math.round(timeoutMs / 1000)}s.`,
    {
      fix:
        seen.gateways.length === 0
          ? "VMware Tools reports no default gateway: give the guest one (DHCP or customization.network.gateway), or set waitForGuestNetRoutable to false."
          : "No address shares a subnet with the default gateway: check the NIC's port group and the guest's addressing, or raise waitForIpTimeoutSeconds.",
      details: { powerState: seen.powerState, addressesSeen: seen.addresses, gatewaysSeen: seen.gateways },
    },
  );
}
