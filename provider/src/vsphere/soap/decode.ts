import { allFields, type FieldDef, MOREF, SCALARS, TYPES } from "./schema";
import type { XmlNode } from "./xml";

const NUMERIC = new Set(["int", "long", "short", "byte", "double", "float"]);

/**
 * Turns a response element into plain values. The type comes from xsi:type
 * when present (resolved by namespace), else from the declared field type.
 * Fields the table declares as arrays are always arrays.
 */
export function decodeNode(node: XmlNode, declared?: string): unknown {
  if (node.nil) return undefined;
  const type = node.xsiType?.name ?? declared;

  if (type?.startsWith("ArrayOf")) {
    const element = arrayElementType(type.slice("ArrayOf".length));
    return node.children.map((c) => decodeNode(c, element));
  }
  if (type === MOREF || (node.attrs.type !== undefined && node.children.length === 0 && !isScalar(type))) {
    return { type: node.attrs.type ?? "", value: node.text };
  }
  if (node.children.length === 0 && (type === undefined || isScalar(type) || !TYPES[type])) {
    return scalar(node.text, type);
  }

  const byName = new Map<string, FieldDef>(allFields(type ?? "").map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  if (node.xsiType) out._type = node.xsiType.name;
  for (const c of node.children) {
    const field = byName.get(c.name);
    const value = decodeNode(c, field?.type);
    const existing = out[c.name];
    if (field?.array) {
      const list = (existing as unknown[] | undefined) ?? [];
      list.push(value);
      out[c.name] = list;
    } else if (existing !== undefined) {
      out[c.name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    } else {
      out[c.name] = value;
    }
  }
  return out;
}

function isScalar(type: string | undefined): boolean {
  return type !== undefined && SCALARS.has(type);
}

/** ArrayOfString → string, ArrayOfInt → int, ArrayOfGuestNicInfo → GuestNicInfo. */
function arrayElementType(name: string): string {
  const lower = name.charAt(0).toLowerCase() + name.slice(1);
  return SCALARS.has(lower) ? lower : name;
}

function scalar(text: string, type: string | undefined): unknown {
  if (type === "boolean") return text === "true";
  if (type && NUMERIC.has(type)) return Number(text);
  return text;
}
