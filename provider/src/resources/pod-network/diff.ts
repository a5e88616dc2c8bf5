import { URN_INPUT } from "../shared/audit";
import { hasUnknowns } from "../shared/unknowns";
import type { PodNetworkInputs, PodNetworkOutputs } from "./args";
import { inputsFromOutputs } from "./state";

export interface NetworkDiff {
  changes: boolean;
  replaces: string[];
  reasons: Record<string, string>;
}

/** Object keys sorted: the same value whichever order the program (or the wire) gave its keys in. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === "object"
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a ?? null)) === JSON.stringify(canonical(b ?? null));
/** A port group as compared: the defaults (kind "standard", vSwitch0) written out or not are the same port group. */
const normalPortGroup = (pg: PodNetworkInputs["portGroup"]) => {
  if (!pg || hasUnknowns(pg) || (pg.kind ?? "standard") !== "standard") return pg;
  const { kind: _k, vswitch, ...rest } = pg;
  return { ...rest, ...(vswitch && vswitch !== "vSwitch0" ? { vswitch } : {}) };
};
const guestIdentity = (t: PodNetworkInputs["target"]) =>
  t ? { transport: t.transport ?? "ssh", container: t.container, vmId: t.vmId } : null;

/**
 * Desired inputs against the last outputs. Another VM, datacenter or guest
 * (container, VM id, transport) replaces the resource: the old guest is put
 * back first, then the new one configured. Everything else — port group,
 * NIC, interfaces, credentials — is an in-place update, and drift found by
 * refresh is a change, so the next `up` repairs it.
 */
export function diffPodNetwork(olds: PodNetworkOutputs, news: PodNetworkInputs): NetworkDiff {
  const before = inputsFromOutputs(olds);
  const reasons: Record<string, string> = {};
  const replaces: string[] = [];
  for (const key of ["vm", "datacenter"] as const) {
    if (!same(before[key], news[key])) {
      replaces.push(key);
      reasons[key] = "another VM or datacenter is another network";
    }
  }
  if (!hasUnknowns(news.target) && !same(guestIdentity(before.target), guestIdentity(news.target))) {
    replaces.push("target");
    reasons.target = "another guest";
  }
  // The URN the SDK passes only correlates audit records: a new one (a new parent) changes nothing here.
  // `__provider` is the dynamic resource's serialized provider: state moved to the plugin by an alias keeps it.
  const ignored = [URN_INPUT, "__provider"];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(news)])].filter((k) => !ignored.includes(k));
  for (const key of keys as (keyof PodNetworkInputs)[]) {
    if (reasons[key]) continue;
    const [was, now] =
      key === "portGroup"
        ? [normalPortGroup(before.portGroup), normalPortGroup(news.portGroup)]
        : [before[key], news[key]];
    if (hasUnknowns(now) || !same(was, now)) reasons[key] = "changed";
  }
  if ((olds.drift ?? []).length) reasons.drift = olds.drift.join("; ");
  return { changes: Object.keys(reasons).length > 0, replaces, reasons };
}
