import { Hashtable, PSEnum, PSObject, type PSValue, toText } from "./values";

/**
 * Out-Default for the subset: strings and numbers one per line; objects as
 * an auto-sized table (up to four display properties, numbers
 * right-aligned) or as a list (more properties); hashtables as Name/Value.
 * Consecutive objects of one shape share a table. CRLF line endings.
 */
const NL = "\r\n";

function cell(v: PSValue | undefined): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return `{${v.map(cell).join(", ")}}`;
  if (v instanceof PSEnum) return v.name;
  if (v instanceof Hashtable) return "{...}";
  return toText(v);
}

function rows(v: PSObject | Hashtable): { columns: string[]; values: PSValue[] } {
  if (v instanceof Hashtable) return { columns: ["Name", "Value"], values: [] };
  const columns = v.display ?? v.entries().map(([k]) => k);
  return { columns, values: columns.map((c) => v.get(c) ?? null) };
}

function shapeOf(v: PSValue): string | undefined {
  if (v instanceof Hashtable) return "#hashtable";
  if (v instanceof PSObject && (v.display || v.text === undefined || v.entries().length > 0)) {
    return `${v.typeName}|${rows(v).columns.join(",")}`;
  }
  return undefined;
}

export function formatTable(columns: string[], data: PSValue[][]): string {
  const text = data.map((r) => r.map(cell));
  const numeric = columns.map((_, i) => data.length > 0 && data.every((r) => typeof r[i] === "number"));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => {
        const last = i === cells.length - 1;
        if (numeric[i]) return c.padStart(widths[i] ?? 0);
        return last ? c : c.padEnd(widths[i] ?? 0);
      })
      .join(" ")
      .trimEnd();
  return (
    [
      "",
      line(columns),
      line(columns.map((c, i) => "-".repeat(numeric[i] ? (widths[i] ?? c.length) : c.length))),
      ...text.map(line),
      "",
      "",
    ].join(NL) + NL
  );
}

export function formatList(objects: PSObject[]): string {
  const out: string[] = [""];
  for (const o of objects) {
    const { columns, values } = rows(o);
    const width = Math.max(...columns.map((c) => c.length));
    for (const [i, c] of columns.entries()) out.push(`${c.padEnd(width)} : ${cell(values[i])}`);
    out.push("");
  }
  out.push("", "");
  return out.join(NL);
}

export function formatOutput(values: PSValue[]): string {
  let out = "";
  for (let i = 0; i < values.length; ) {
    const v = values[i] ?? null;
    const shape = shapeOf(v);
    if (!shape) {
      if (v !== null) out += `${cell(v)}${NL}`;
      i++;
      continue;
    }
    const group: (PSObject | Hashtable)[] = [];
    while (i < values.length && shapeOf(values[i] ?? null) === shape) group.push(values[i++] as PSObject | Hashtable);
    if (group[0] instanceof Hashtable) {
      const data = (group as Hashtable[]).flatMap((h) => h.entries().map(([k, x]) => [k, x]));
      out += formatTable(["Name", "Value"], data);
    } else {
      const objects = group as PSObject[];
      const { columns } = rows(objects[0] as PSObject);
      const view = objects[0]?.view ?? (columns.length <= 4 ? "table" : "list");
      out +=
        view === "table"
          ? formatTable(
              columns,
              objects.map((o) => rows(o).values),
            )
          : formatList(objects);
    }
  }
  return out;
}
