/**
 * Which Pulumi stack owns a vSphere object pod created. VMs carry it in
 * extraConfig (`pod.owner`, copied nowhere else); a standard port group has no
 * field of its own, so its owner is a custom attribute (CustomFieldsManager,
 * field `pod.owner` on Network objects), which vCenter and vcsim both keep on
 * the Network entity and drop with it. The value is the creating resource's
 * URN; what counts is its stack part (`urn:pulumi:<stack>::<project>`), so
 * several resources of one stack may share a port group.
 */
import { isPodError, PodError } from "../common/errors";
import { retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";
import { isVimFault } from "./soap/fault";

export const OWNER_KEY = "pod.owner";

/** The stack an owner URN names ("urn:pulumi:dev::proj"), or the value itself when it is no URN. */
export function ownerStack(owner: string): string {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(owner);
  return m ? `urn:pulumi:${m[1]}::${m[2]}` : owner;
}

export function sameOwner(a: string, b: string): boolean {
  return ownerStack(a) === ownerStack(b);
}

/** The typed refusal: the object is another stack's, and this one neither adopts nor changes it. */
export function ownedByOther(kind: string, name: string, owner: string): PodError {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(owner);
  const who = m ? `stack ${m[1]} of project ${m[2]}` : owner;
  return new PodError("OWNED_BY_OTHER", `${kind} ${name} belongs to ${who} (${owner}); pod will not take it over.`, {
    fix: `Choose another name for this ${kind.toLowerCase()}, or remove it from ${who} first.`,
    details: { owner },
  });
}

async function customFieldsManager(session: VsphereSession): Promise<MoRef> {
  const ref = session.content.customFieldsManager;
  if (!ref) {
    throw new PodError("UNSUPPORTED", "This vSphere endpoint has no CustomFieldsManager for ownership records.", {
      fix: "Point pod at a vCenter (custom attributes need one).",
    });
  }
  return ref;
}

/** The key of the Network field `pod.owner`, defined once per vCenter (a race to define it is fine). */
async function ownerFieldKey(session: VsphereSession): Promise<number> {
  const cfm = await customFieldsManager(session);
  const find = async () => {
    const [props] = await retrieveProperties<{ field?: { key: number; name: string; managedObjectType?: string }[] }>(
      session,
      [cfm],
      ["field"],
    );
    return props?.props.field?.find((f) => f.name === OWNER_KEY && f.managedObjectType === "Network")?.key;
  };
  const known = await find();
  if (known !== undefined) return known;
  try {
    return (await session.call("AddCustomFieldDef", { _this: cfm, name: OWNER_KEY, moType: "Network" })).key;
  } catch (error) {
    if (!isVimFault(error, "DuplicateName") && !isPodError(error, "DUPLICATE_NAME")) throw error;
    const key = await find();
    if (key === undefined) throw error;
    return key;
  }
}

/** The owner recorded on a port group's Network, if any. */
export async function portGroupOwner(session: VsphereSession, network: MoRef): Promise<string | undefined> {
  const key = await ownerFieldKey(session);
  const [props] = await retrieveProperties<{ customValue?: { key: number; value?: string }[] }>(
    session,
    [network],
    ["customValue"],
  );
  const value = props?.props.customValue?.find((v) => v.key === key)?.value;
  return value || undefined;
}

export async function setPortGroupOwner(session: VsphereSession, network: MoRef, owner: string): Promise<void> {
  const key = await ownerFieldKey(session);
  await session.call("SetField", { _this: await customFieldsManager(session), entity: network, key, value: owner });
}
