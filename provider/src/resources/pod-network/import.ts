/**
 * `pulumi import pod:index:PodNetwork <name> <id>` and `PodNetwork.get`: a
 * port group that exists in vSphere, adopted as a port-group-only PodNetwork.
 *
 * The id is the port group's name or moid (`network-12` standard,
 * `dvportgroup-34` distributed), optionally after its datacenter
 * (`DC0/web-vlan`) when vSphere has several. The inputs read back are what a
 * program writes for the same port group, defaults left out (kind, vSwitch0,
 * the only distributed switch, the datacenter unless the id named one), so
 * the next `up` shows no changes. `hosts` is not read back: a standard port
 * group is declared on every host by default.
 *
 * Only the port group: a NIC move and guest settings record what they
 * changed from (what delete puts back), which vSphere cannot tell afterwards.
 * They go in a second PodNetwork naming the same port group (docs/plugin.md).
 *
 * Ownership: the engine's Read is the same call for import and for `get`, so
 * it writes nothing (no `pod.owner` marker). Delete removes an unmarked port
 * group; one another stack's marker names is adopted read-only
 * (portGroupCreated false: this stack never removes it), with a warning.
 */
import { PodError } from "../../common/errors";
import { NO_GUEST_SIDE, NO_VSPHERE_SIDE } from "../../execution/network/declaration";
import type { PodRuntime } from "../../execution/runtime";
import { ownerStack, portGroupOwner, sameOwner } from "../../vsphere/ownership";
import { resolveDatacenter } from "../../vsphere/placement";
import { readPortGroup } from "../../vsphere/portgroup-read";
import type { VsphereConnectOptions } from "../../vsphere/session";
import type { PodNetworkInputs, PodNetworkOutputs } from "./args";
import { toOutputs } from "./state";

export interface ImportedNetwork {
  inputs: PodNetworkInputs;
  outs: PodNetworkOutputs;
  /** Set when another stack owns the port group: said to the user, not an error. */
  warning?: string;
}

/** The datacenter (when given) and the port group's name or moid, from an import id. */
export function parseNetworkId(id: string): { datacenter?: string; portGroup: string } {
  const cut = id.lastIndexOf("/");
  const portGroup = id.slice(cut + 1);
  if (!portGroup || id.startsWith("net:")) {
    throw new PodError("INVALID_INPUT", `"${id}" does not name a port group.`, {
      fix: "Import a PodNetwork by its port group: `<name>`, `<moid>` (network-12, dvportgroup-34) or `<datacenter>/<name>`.",
    });
  }
  return cut > 0 ? { datacenter: id.slice(0, cut), portGroup } : { portGroup };
}

/** Reads the port group `id` names (NOT_FOUND, with close names, when there is none). */
export async function importNetwork(
  runtime: PodRuntime,
  connection: VsphereConnectOptions,
  id: string,
  urn: string,
): Promise<ImportedNetwork> {
  const { datacenter, portGroup } = parseNetworkId(id);
  return runtime.vsphere(connection, async (session) => {
    const dc = await resolveDatacenter(session, datacenter);
    const found = await readPortGroup(session, dc, portGroup);
    const owner = found.spec.kind === "distributed" ? undefined : await portGroupOwner(session, found.ref);
    const theirs = owner !== undefined && !sameOwner(owner, urn);
    const inputs: PodNetworkInputs = { ...(datacenter ? { datacenter } : {}), portGroup: found.spec };
    const record = {
      ...NO_VSPHERE_SIDE,
      ...NO_GUEST_SIDE,
      portGroupName: found.spec.name,
      // Adopted: this stack's destroy removes it, as for a port group it created (unless another stack owns it).
      portGroupCreated: !theirs,
      portGroupHosts: found.hosts,
    };
    const warning = theirs
      ? `Port group ${found.spec.name} belongs to ${ownerStack(owner)}; this stack reads it but never removes it.`
      : undefined;
    return { inputs, outs: toOutputs(inputs, record), ...(warning ? { warning } : {}) };
  });
}
