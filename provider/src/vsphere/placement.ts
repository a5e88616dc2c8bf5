import { PodError } from "../common/errors";
import { findOne, listNamed } from "./finder";
import { retrieveByType, retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";

export interface Datacenter {
  ref: MoRef;
  name: string;
  vmFolder: MoRef;
  hostFolder: MoRef;
  networkFolder: MoRef;
  datastoreFolder: MoRef;
}

/** The named datacenter, or the only one when no name is given. */
export async function resolveDatacenter(session: VsphereSession, name?: string): Promise<Datacenter> {
  let ref: MoRef;
  if (name) {
    ref = await findOne(session, "Datacenter", name, { what: "datacenter" });
  } else {
    const all = await listNamed(session, "Datacenter");
    const [only] = all;
    if (all.length !== 1 || !only) {
      throw new PodError("INVALID_INPUT", `This vSphere has ${all.length} datacenters; pod cannot pick one.`, {
        fix: `Set datacenter to one of: ${all.map((d) => d.name).join(", ") || "(none)"}.`,
      });
    }
    ref = only.ref;
  }
  const [dc] = await retrieveProperties<Record<string, MoRef | string>>(
    session,
    [ref],
    ["name", "vmFolder", "hostFolder", "networkFolder", "datastoreFolder"],
  );
  if (!dc) throw new PodError("NOT_FOUND", `Datacenter ${name ?? ref.value} vanished while being read.`);
  return {
    ref,
    name: dc.props.name as string,
    vmFolder: dc.props.vmFolder as MoRef,
    hostFolder: dc.props.hostFolder as MoRef,
    networkFolder: dc.props.networkFolder as MoRef,
    datastoreFolder: dc.props.datastoreFolder as MoRef,
  };
}

export interface PlacementInput {
  folder?: string;
  cluster?: string;
  host?: string;
  resourcePool?: string;
  datastore?: string;
}

export interface Placement {
  folder: MoRef;
  pool: MoRef;
  host?: MoRef;
  datastore?: MoRef;
}

/**
 * Where a new VM goes: an explicit resource pool, else the pool of the named
 * host's or cluster's compute resource, else the first cluster's.
 */
export async function resolvePlacement(
  session: VsphereSession,
  dc: Datacenter,
  input: PlacementInput,
): Promise<Placement> {
  const folder = input.folder
    ? await findOne(session, "Folder", input.folder, {
        container: dc.vmFolder,
        what: "VM folder",
        also: [{ ref: dc.vmFolder, name: "vm" }],
      })
    : dc.vmFolder;
  const datastore = input.datastore
    ? await findOne(session, "Datastore", input.datastore, { container: dc.datastoreFolder, what: "datastore" })
    : undefined;
  const host = input.host
    ? await findOne(session, "HostSystem", input.host, { container: dc.hostFolder, what: "host" })
    : undefined;

  let pool: MoRef | undefined;
  if (input.resourcePool) {
    pool = await findOne(session, "ResourcePool", input.resourcePool, {
      container: dc.hostFolder,
      what: "resource pool",
    });
  } else {
    const compute = host
      ? ((await retrieveProperties(session, [host], ["parent"]))[0]?.props.parent as MoRef | undefined)
      : input.cluster
        ? await findOne(session, "ClusterComputeResource", input.cluster, {
            container: dc.hostFolder,
            what: "cluster",
          })
        : (await retrieveByType(session, "ComputeResource", ["name"], { container: dc.hostFolder }))[0]?.obj;
    if (compute) {
      pool = (await retrieveProperties(session, [compute], ["resourcePool"]))[0]?.props.resourcePool as MoRef;
    }
  }
  if (!pool) {
    throw new PodError("NOT_FOUND", `Datacenter ${dc.name} has no cluster or host to run a VM on.`, {
      fix: "Name a cluster, host or resource pool that exists in this datacenter.",
    });
  }
  return { folder, pool, ...(host ? { host } : {}), ...(datastore ? { datastore } : {}) };
}
