/**
 * The vim25 schema as the encoder and decoder read it: for each data type its
 * base type and its fields in XSD sequence order (real vCenter rejects
 * out-of-order elements), for each method its parameters and result. The
 * data comes from generated/type-table.ts (scripts/gen-vim25.ts, from the
 * schema govmomi carries); this file only parses its compact field syntax
 * ("name:Type", "name:Type[]" for arrays) and answers questions about it.
 */
import { METHOD_TABLE, TYPE_TABLE } from "./generated/type-table";

export interface FieldDef {
  name: string;
  type: string;
  array: boolean;
}

export interface TypeDef {
  base?: string;
  fields: FieldDef[];
}

export interface MethodDef {
  params: FieldDef[];
  /** The result's declared type and whether it repeats; undefined for methods that return nothing. */
  result?: { type: string; array: boolean };
}

export const SCALARS = new Set([
  "string",
  "int",
  "long",
  "short",
  "byte",
  "unsignedByte",
  "boolean",
  "double",
  "float",
  "dateTime",
  "base64Binary",
  "anyType",
]);
export const MOREF = "ManagedObjectReference";

function parseFields(spec: string): FieldDef[] {
  return spec
    .split(" ")
    .filter(Boolean)
    .map((item) => {
      const [name = "", type = ""] = item.split(":");
      const array = type.endsWith("[]");
      return { name, type: array ? type.slice(0, -2) : type, array };
    });
}

export const TYPES: Record<string, TypeDef> = Object.fromEntries(
  Object.entries(TYPE_TABLE).map(([name, [base, spec]]) => [
    name,
    base ? { base, fields: parseFields(spec) } : { fields: parseFields(spec) },
  ]),
);

export const METHODS: Record<string, MethodDef> = Object.fromEntries(
  Object.entries(METHOD_TABLE).map(([name, [params, result]]) => {
    const [resultField] = parseFields(`returnval:${result}`).filter((f) => f.type !== "");
    return [name, resultField ? { params: parseFields(params), result: resultField } : { params: parseFields(params) }];
  }),
);

const inherited = new Map<string, FieldDef[]>();

/** Fields of a type, inherited ones first (the XSD extension order). */
export function allFields(typeName: string): FieldDef[] {
  let fields = inherited.get(typeName);
  if (!fields) {
    const def = TYPES[typeName];
    fields = def ? [...(def.base ? allFields(def.base) : []), ...def.fields] : [];
    inherited.set(typeName, fields);
  }
  return fields;
}

/** Whether `typeName` is `ancestor` or one of its subtypes (VirtualVmxnet3Vrdma → VirtualEthernetCard). */
export function isSubtype(typeName: string, ancestor: string): boolean {
  for (let name: string | undefined = typeName; name; name = TYPES[name]?.base) {
    if (name === ancestor) return true;
  }
  return false;
}

/** The chain from a type up to its root: [VirtualVmxnet3, VirtualVmxnet, VirtualEthernetCard, …]. */
export function ancestry(typeName: string): string[] {
  const chain: string[] = [];
  for (let name: string | undefined = typeName; name; name = TYPES[name]?.base) chain.push(name);
  return chain;
}
