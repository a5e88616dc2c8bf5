/**
 * A resource's diff as the engine wants it: which top-level properties
 * change and how. The dynamic-provider protocol carries only `replaces`, so
 * under it replaceOnChanges never fired; with a detailed diff the engine
 * matches replaceOnChanges against these keys.
 */
export type DiffKind = "add" | "delete" | "update";

export interface PropertyChange {
  kind: DiffKind;
  replace: boolean;
}

export interface ResourceDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** Top-level property → its change; empty when nothing changes. */
  detailed: Record<string, PropertyChange>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Builds the detailed diff from the resource's own verdict (`changed`: the
 * properties its diff names, drift included) and the inputs themselves:
 * a property is added when state lacked it, deleted when the program drops it.
 */
export function detailedDiff(
  oldInputs: Record<string, unknown>,
  news: Record<string, unknown>,
  changed: Iterable<string>,
  replaces: string[],
  deleteBeforeReplace: boolean,
): ResourceDiff {
  const keys = new Set(changed);
  const detailed: Record<string, PropertyChange> = {};
  for (const key of keys) {
    const before = oldInputs[key];
    const after = news[key];
    let kind: DiffKind = "update";
    if (before === undefined && after !== undefined) kind = "add";
    else if (before !== undefined && after === undefined && !same(before, after)) kind = "delete";
    detailed[key] = { kind, replace: replaces.includes(key) };
  }
  for (const key of replaces) detailed[key] ??= { kind: "update", replace: true };
  const changes = Object.keys(detailed).length > 0;
  return { changes, replaces, deleteBeforeReplace: changes && deleteBeforeReplace, detailed };
}

/** The top-level input properties whose values differ (what a resource without reasons changes). */
export function changedInputs(
  oldInputs: Record<string, unknown>,
  news: Record<string, unknown>,
  ignore: string[] = [],
) {
  const keys = new Set([...Object.keys(oldInputs), ...Object.keys(news)]);
  return [...keys].filter((k) => !ignore.includes(k) && !same(oldInputs[k], news[k]));
}
