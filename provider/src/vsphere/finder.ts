import { PodError } from "../common/errors";
import { retrieveByType } from "./property";
import type { MoRef, VsphereSession } from "./session";

export interface Named {
  ref: MoRef;
  name: string;
}

/** `SearchIndex.FindByInventoryPath`: "DC0/vm/folder/name"; undefined when nothing is there. */
export async function findByPath(session: VsphereSession, path: string): Promise<MoRef | undefined> {
  return session.call("FindByInventoryPath", {
    _this: session.content.searchIndex,
    inventoryPath: path,
  });
}

/** All objects of a type (subtypes included) with their names, in one paged retrieval. */
export async function listNamed(session: VsphereSession, type: string, container?: MoRef): Promise<Named[]> {
  const objects = await retrieveByType<{ name: string }>(session, type, ["name"], container ? { container } : {});
  return objects.map((o) => ({ ref: o.obj, name: o.props.name }));
}

/**
 * The one object of `type` called `name` (or at inventory path `name` when it
 * contains "/"). Missing → NOT_FOUND naming the closest names; several →
 * INVALID_INPUT asking for a path.
 */
export async function findOne(
  session: VsphereSession,
  type: string,
  name: string,
  options: { container?: MoRef; what?: string; also?: Named[] } = {},
): Promise<MoRef> {
  const what = options.what ?? type;
  if (name.includes("/")) {
    const ref = await findByPath(session, name);
    if (ref) return ref;
  }
  // A container view lists what is inside the container, never the container itself: `also` adds it back.
  const all = [...(options.also ?? []), ...(await listNamed(session, type, options.container))];
  const matches = all.filter((o) => o.name === name);
  const [first] = matches;
  if (matches.length === 1 && first) return first.ref;
  if (matches.length > 1) {
    throw new PodError("INVALID_INPUT", `${matches.length} objects of type ${type} are called "${name}".`, {
      fix: `Name the ${what} by its inventory path (e.g. "DC0/network/${name}") to pick one.`,
      details: { candidates: matches.map((m) => m.ref.value) },
    });
  }
  // For an inventory path, suggest by its last part: "DC0/vm/web-flder" → "web-folder".
  const suggestions = closestNames(
    name.slice(name.lastIndexOf("/") + 1),
    all.map((o) => o.name),
  );
  throw new PodError("NOT_FOUND", `No ${what} called "${name}" exists.`, {
    fix: suggestions.length
      ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?`
      : `Create the ${what} first, or check its name.`,
    details: { type, name, suggestions },
  });
}

/** Up to three names within a small edit distance (or sharing a prefix), closest first. */
export function closestNames(wanted: string, names: string[], limit = 3): string[] {
  const w = wanted.toLowerCase();
  return [...new Set(names)]
    .map((n) => ({ n, d: editDistance(w, n.toLowerCase()) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(w.length / 3)) || n.toLowerCase().includes(w))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, limit)
    .map(({ n }) => n);
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
