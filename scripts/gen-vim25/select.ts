/**
 * Picks the part of the vim25 schema pod reaches: the types of the methods'
 * parameters and results, of the properties pod reads, every subtype of a
 * type reached as a declared field type (XSD lets any of them stand in, with
 * xsi:type), the bases of all of those, and the listed hierarchies.
 */
export interface Field {
  name: string;
  type: string;
  array?: boolean;
  optional?: boolean;
}

export interface Vim25Schema {
  types: Record<string, { base?: string; fields: Field[] }>;
  enums: Record<string, string[]>;
  methods: Record<string, { params: Field[]; returns?: Field }>;
  managedObjects: Record<string, { base?: string; props: Field[] }>;
}

export interface Roots {
  methods: string[];
  properties: Record<string, string[]>;
  hierarchies: string[];
}

export interface Selection {
  types: Set<string>;
  enums: Set<string>;
  methods: string[];
}

export function select(schema: Vim25Schema, roots: Roots): Selection {
  const children = new Map<string, string[]>();
  for (const [name, def] of Object.entries(schema.types)) {
    if (def.base) children.set(def.base, [...(children.get(def.base) ?? []), name]);
  }
  const types = new Set<string>();
  const enums = new Set<string>();
  const visited = { deep: new Set<string>(), shallow: new Set<string>() };
  const expanded = new Set<string>();

  // `shallow`: reached only through a fault's payload (DasConfigFault.event:
  // Event). Those declared types are kept, not their subtypes: a fault's
  // extra data is diagnostic, and the decoder keeps an unknown type's name.
  const include = (name: string, withSubtypes: boolean, array = false, shallow = false): void => {
    if (schema.enums[name]) enums.add(name);
    const def = schema.types[name];
    if (!def) return;
    types.add(name);
    const arrayType = `ArrayOf${name.charAt(0).toUpperCase()}${name.slice(1)}`;
    if (array && schema.types[arrayType]) include(arrayType, false, false, shallow);
    const seen = shallow ? visited.shallow : visited.deep;
    if (!seen.has(name) && !visited.deep.has(name)) {
      seen.add(name);
      if (def.base) include(def.base, false, false, shallow);
      const payloadOnly = shallow || derivesFrom(schema, name, "MethodFault");
      for (const f of def.fields) include(f.type, !payloadOnly, f.array, payloadOnly);
    }
    if (withSubtypes && !shallow && !expanded.has(name)) {
      expanded.add(name);
      for (const child of children.get(name) ?? []) include(child, true);
    }
  };

  include("ManagedObjectReference", false, true);
  for (const method of roots.methods) {
    const def = schema.methods[method];
    if (!def) throw new Error(`vim25 has no method ${method}`);
    for (const p of def.params) include(p.type, true, p.array);
    if (def.returns) include(def.returns.type, true, def.returns.array);
  }
  for (const [mo, paths] of Object.entries(roots.properties)) {
    for (const path of paths) {
      // Every type along the path: a property read as a whole ("guest") and its parts ("guest.net").
      const segments = path.split(".");
      for (let i = 1; i <= segments.length; i++) {
        const field = resolvePath(schema, mo, segments.slice(0, i).join("."));
        include(field.type, true, field.array);
      }
    }
  }
  for (const root of roots.hierarchies) include(root, true);
  return { types, enums, methods: [...roots.methods].sort() };
}

/** The field a property path ends at, e.g. VirtualMachine "config.hardware.device". */
export function resolvePath(schema: Vim25Schema, mo: string, path: string): Field {
  const [first = "", ...rest] = path.split(".");
  let field = moProp(schema, mo, first);
  for (const segment of rest) {
    if (field.array) throw new Error(`${mo}.${path}: cannot step into the array ${field.name}`);
    const next = allFields(schema, field.type).find((f) => f.name === segment);
    if (!next) throw new Error(`${mo}.${path}: ${field.type} has no field ${segment}`);
    field = next;
  }
  return field;
}

function moProp(schema: Vim25Schema, mo: string, name: string): Field {
  for (let t: string | undefined = mo; t; t = schema.managedObjects[t]?.base) {
    const found = schema.managedObjects[t]?.props.find((p) => p.name === name);
    if (found) return found;
  }
  throw new Error(`managed object ${mo} has no property ${name}`);
}

export function allFields(schema: Vim25Schema, type: string): Field[] {
  const def = schema.types[type];
  if (!def) return [];
  return [...(def.base ? allFields(schema, def.base) : []), ...def.fields];
}

/** Whether `type` is `ancestor` or derives from it. */
export function derivesFrom(schema: Vim25Schema, type: string, ancestor: string): boolean {
  for (let t: string | undefined = type; t; t = schema.types[t]?.base) if (t === ancestor) return true;
  return false;
}
