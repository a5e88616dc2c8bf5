/**
 * Pure checks of the Pulumi cost curve's results (no I/O, unit-tested): a
 * timed `pulumi` command counts only when its outcome is right, as the peers'
 * exit codes and outputs are checked in the other sections. Each returns
 * undefined when the check passes, or a sentence saying what was wrong.
 */

export type ProgramKind = "baseline" | "pod";

/**
 * After `up`: the stack's outputs (`pulumi stack output --json --show-secrets`)
 * hold N guests with a non-empty hostname (pod's fleets) or 2N ids (the
 * baseline). Messages give counts only, never output values.
 */
export function checkUpOutputs(kind: ProgramKind, n: number, outputsJson: string): string | undefined {
  let outputs: Record<string, unknown>;
  try {
    outputs = JSON.parse(outputsJson) as Record<string, unknown>;
  } catch {
    return "stack outputs are not JSON";
  }
  if (kind === "baseline") {
    const ids = outputs.ids;
    if (!Array.isArray(ids)) return "stack output 'ids' is missing";
    const good = ids.filter((id) => typeof id === "string" && id !== "").length;
    return ids.length === 2 * n && good === 2 * n ? undefined : `${good} ids of ${ids.length}, expected ${2 * n}`;
  }
  const fleet = outputs.fleet;
  if (!Array.isArray(fleet)) return "stack output 'fleet' is missing";
  const good = fleet.filter((g) => {
    const hostname = (g as { hostname?: unknown } | null)?.hostname;
    return typeof hostname === "string" && hostname.trim() !== "";
  }).length;
  return fleet.length === n && good === n
    ? undefined
    : `${good} of ${fleet.length} guests have a hostname output, expected ${n}`;
}

/**
 * A preview or no-op up changed nothing: its summary counts unchanged
 * resources and no create, update, delete or replace (Pulumi prints e.g.
 * "+ 2 to create" in a preview, "2 created" after an up).
 */
export function checkNoChanges(output: string, expectedUnchanged: number): string | undefined {
  const change = /(\d+) (to create|created|to update|updated|to delete|deleted|to replace|replaced)\b/.exec(output);
  if (change) return `expected no changes, the summary says "${change[0]}"`;
  const unchanged = Number(/(\d+) unchanged/.exec(output)?.[1] ?? Number.NaN);
  return unchanged === expectedUnchanged
    ? undefined
    : `expected ${expectedUnchanged} unchanged resources, the summary says ${Number.isNaN(unchanged) ? "none" : unchanged}`;
}

/**
 * After `destroy`: the program's resources left in `pulumi stack export`
 * (the stack resource and default providers are Pulumi's own, not counted).
 */
export function resourcesLeft(exportJson: string): string[] {
  const state = JSON.parse(exportJson) as { deployment?: { resources?: { urn: string; type: string }[] } };
  return (state.deployment?.resources ?? [])
    .filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))
    .map((r) => r.urn);
}

/** Bytes from docker stats' "MemUsage" column, e.g. "2.109MiB / 23.54GiB" (the part before the slash). */
export function dockerMemBytes(memUsage: string): number {
  const m = /^\s*([\d.]+)\s*([KMGT]?i?B)/i.exec(memUsage);
  if (!m) return Number.NaN;
  const units: Record<string, number> = {
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
    tib: 1024 ** 4,
  };
  return Number(m[1]) * (units[(m[2] ?? "").toLowerCase()] ?? Number.NaN);
}

/**
 * One line for the table from a failed step's message: a pulumi command's
 * diagnostics ("error: …" lines, the generic "update failed" skipped) rather
 * than its progress output, whitespace collapsed, at most `max` characters.
 */
export function failureNote(message: string, max = 300): string {
  const first = message.split("\n")[0] ?? "";
  const errors = [...message.matchAll(/error: (.+)/g)]
    .map((m) => (m[1] ?? "").trim())
    .filter((e) => !/^update failed$|^preview failed$|^destroy failed$/.test(e));
  const why = errors.length ? `${first.replace(/:.*$/, "")}: ${errors[0]}` : message;
  const line = why.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
