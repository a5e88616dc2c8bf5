import { allFields, type FieldDef, MOREF, SCALARS, TYPES } from "./schema";
import type { XmlNode } from "./xml";

const NUMERIC = new Set(["int", "long", "short", "byte", "unsignedByte", "double", "float"]);

/**
 * Turns a response element into plain values, by the schema. The type comes
 * from xsi:type when present (resolved by namespace), else from the declared
 * field type. The rules, everywhere:
 * - a field the schema declares as an array is an array, even with one element;
 * - int/long/short/byte/float/double become numbers, boolean becomes true/false;
 * - a data object keeps `_type` (its vim25 type name) whenever xsi:type names it,
 *   also for a type the schema does not know: `<backing xsi:type="NewBacking"/>`
 *   decodes to `{ _type: "NewBacking" }`, never to "";
 * - an element of an unknown type with only text (an enum newer than pod) is its text.
 */
export function decodeNode(node: XmlNode, declared?: string): unknown {
  if (node.nil) return undefined;
  const type = node.xsiType?.name ?? declared;

  if (type?.startsWith("ArrayOf")) {
    const element = arrayElementType(type);
    return node.children.map((c) => decodeNode(c, element));
  }
  if (type === MOREF || (node.attrs.type !== undefined && node.children.length === 0 && !isScalar(type))) {
    return { type: node.attrs.type ?? "", value: node.text };
  }
  if (type !== undefined && isScalar(type) && (type !== "anyType" || node.children.length === 0)) {
    return scalar(node.text, type);
  }
  if (node.children.length === 0 && (type === undefined || !TYPES[type])) {
    // No schema for it: simple content is text; an empty element of a named type stays an object.
    if (node.xsiType && node.text.trim() === "") return { _type: node.xsiType.name };
    return node.text;
  }
  // A subtype pod does not know still has its declared base's fields.
  return decodeObject(node, type && TYPES[type] ? type : declared);
}

function decodeObject(node: XmlNode, type: string | undefined): Record<string, unknown> {
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
      // A field the schema does not know (newer server): repeated elements still make a list.
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

/** ArrayOfGuestNicInfo → GuestNicInfo, ArrayOfInt → int: the schema's element type, else the name's tail. */
function arrayElementType(arrayType: string): string {
  const field = TYPES[arrayType]?.fields[0];
  if (field) return field.type;
  const name = arrayType.slice("ArrayOf".length);
  const lower = name.charAt(0).toLowerCase() + name.slice(1);
  return SCALARS.has(lower) ? lower : name;
}

function scalar(text: string, type: string): unknown {
  if (type === "boolean") return text.trim() === "true" || text.trim() === "1";
  if (NUMERIC.has(type)) return Number(text);
  return text;
}
