import { PodError } from "../common/errors";
import { retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";
import type { CustomFieldDef, CustomFieldStringValue } from "./soap/generated/types";

/**
 * Custom attributes (vSphere's CustomFieldsManager): named string fields on
 * a VM, e.g. owner=alice, so labs can be found and cleaned by owner.
 */
function manager(session: VsphereSession): MoRef {
  const ref = session.content.customFieldsManager;
  if (!ref) {
    throw new PodError("UNSUPPORTED", "This vSphere endpoint has no CustomFieldsManager (an ESXi host alone?).", {
      fix: "Set custom attributes through a vCenter, or drop customAttributes.",
    });
  }
  return ref;
}

export async function fieldDefs(session: VsphereSession): Promise<CustomFieldDef[]> {
  const [o] = await retrieveProperties<{ field?: CustomFieldDef[] }>(session, [manager(session)], ["field"]);
  return o?.props.field ?? [];
}

/** Field definitions for VMs (or global ones) by name; the missing ones are created for VMs. */
export async function ensureFields(session: VsphereSession, names: string[]): Promise<Map<string, number>> {
  const forVms = (await fieldDefs(session)).filter(
    (f) => !f.managedObjectType || f.managedObjectType === "VirtualMachine",
  );
  const keys = new Map(forVms.map((f) => [f.name, f.key]));
  for (const name of names) {
    if (keys.has(name)) continue;
    const def = await session.call("AddCustomFieldDef", { _this: manager(session), name, moType: "VirtualMachine" });
    keys.set(name, def.key);
  }
  return keys;
}

/** Sets `values` on the VM; `cleared` keys are set to "" (vSphere's way to unset a field). */
export async function setAttributes(
  session: VsphereSession,
  vm: MoRef,
  values: Record<string, string>,
  cleared: string[] = [],
): Promise<void> {
  const all = { ...Object.fromEntries(cleared.map((k) => [k, ""])), ...values };
  const keys = await ensureFields(session, Object.keys(values));
  const current = await readAttributes(session, vm);
  for (const [name, value] of Object.entries(all)) {
    const key = keys.get(name);
    if (key === undefined || (current[name] ?? "") === value) continue;
    await session.call("SetField", { _this: manager(session), entity: vm, key, value });
  }
}

/** The VM's custom attributes by name (empty values left out). */
export async function readAttributes(session: VsphereSession, vm: MoRef): Promise<Record<string, string>> {
  // Every read of a VM goes through here: an endpoint without custom fields (ESXi alone) simply has none.
  if (!session.content.customFieldsManager) return {};
  const [o] = await retrieveProperties<{ customValue?: CustomFieldStringValue[] }>(session, [vm], ["customValue"]);
  const values = (o?.props.customValue ?? []).filter((v) => v.value);
  if (values.length === 0) return {};
  const names = new Map((await fieldDefs(session)).map((f) => [f.key, f.name]));
  return Object.fromEntries(values.map((v) => [names.get(v.key) ?? String(v.key), v.value]));
}
