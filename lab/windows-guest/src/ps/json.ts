import { Hashtable, PSEnum, PSObject, type PSValue, ScriptBlock, toText } from "./values";

/**
 * ConvertTo-Json as Windows PowerShell 5.1 writes it: 4-space indentation
 * with nested values aligned under their property ("key":  value with two
 * spaces), enums as numbers, < > & ' escaped as \u003c …, and objects
 * deeper than -Depth (default 2) replaced by their string form.
 */
const NL = "\r\n";

function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || "<>&'".includes(ch)) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

type Node =
  | { kind: "scalar"; text: string }
  | { kind: "array"; items: Node[] }
  | { kind: "object"; entries: [string, Node][] };

function toNode(v: PSValue, level: number, depth: number): Node {
  if (v === null) return { kind: "scalar", text: "null" };
  if (typeof v === "boolean") return { kind: "scalar", text: v ? "true" : "false" };
  if (typeof v === "number") return { kind: "scalar", text: Number.isFinite(v) ? String(v) : quote(String(v)) };
  if (typeof v === "string") return { kind: "scalar", text: quote(v) };
  if (v instanceof PSEnum) return { kind: "scalar", text: String(v.value) };
  if (v instanceof ScriptBlock) return { kind: "scalar", text: quote(v.text) };
  if (Buffer.isBuffer(v)) return toNode([...v], level, depth);
  const complex = Array.isArray(v) || v instanceof PSObject || v instanceof Hashtable;
  if (!complex) return { kind: "scalar", text: quote(toText(v)) };
  if (level > depth) return { kind: "scalar", text: quote(Array.isArray(v) ? v.map(toText).join(" ") : toText(v)) };
  if (Array.isArray(v)) return { kind: "array", items: v.map((x) => toNode(x, level + 1, depth)) };
  const entries =
    v instanceof PSObject ? v.entries() : v.entries().map(([k, x]) => [toText(k), x] as [string, PSValue]);
  return { kind: "object", entries: entries.map(([k, x]) => [k, toNode(x, level + 1, depth)]) };
}

function compress(n: Node): string {
  if (n.kind === "scalar") return n.text;
  if (n.kind === "array") return `[${n.items.map(compress).join(",")}]`;
  return `{${n.entries.map(([k, x]) => `${quote(k)}:${compress(x)}`).join(",")}}`;
}

/** `column` is where this value starts: its children sit 4 further, its closing bracket at `column`. */
function pretty(n: Node, column: number): string {
  if (n.kind === "scalar") return n.text;
  const pad = " ".repeat(column + 4);
  const close = " ".repeat(column);
  if (n.kind === "array") {
    if (n.items.length === 0) return `[${NL}${NL}${close}]`;
    return `[${NL}${n.items.map((x) => pad + pretty(x, column + 4)).join(`,${NL}`)}${NL}${close}]`;
  }
  if (n.entries.length === 0) return `{${NL}${NL}${close}}`;
  const lines = n.entries.map(([k, x]) => {
    const head = `${quote(k)}:  `;
    return pad + head + pretty(x, column + 4 + head.length);
  });
  return `{${NL}${lines.join(`,${NL}`)}${NL}${close}}`;
}

export function convertToJson(value: PSValue, options: { depth?: number; compress?: boolean } = {}): string {
  const node = toNode(value, 0, options.depth ?? 2);
  return options.compress ? compress(node) : pretty(node, 0);
}
