/**
 * JSON schema (as zod's toJSONSchema writes it) → Pulumi package-schema type
 * references, for schema.json. Unions stay unions (`oneOf`), closed string
 * sets become enum types, and one object shape met in several places (the
 * vSphere connection, the guest target, the detected OS) becomes one named
 * type. The dynamic SDK's secret marker ({ secret }) is how a *dynamic*
 * provider learns that a value was a Pulumi secret; the package schema needs
 * no marker (secrets travel as secrets), so `string | { secret }` is a string.
 */
import type { EnumName } from "./gen-schema-names";

export type Json = { [key: string]: unknown };

export interface PulumiType {
  type?: string;
  $ref?: string;
  items?: PulumiType;
  additionalProperties?: PulumiType;
  oneOf?: PulumiType[];
}

export interface PulumiProperty extends PulumiType {
  description?: string;
  secret?: boolean;
}

export const ANY = "pulumi.json#/Any";
/** Pulumi's own asset and archive types, for inputs whose zod schema carries meta `pulumiType: "AssetOrArchive"`. */
export const ASSET_OR_ARCHIVE: PulumiType = {
  oneOf: [{ $ref: "pulumi.json#/Asset" }, { $ref: "pulumi.json#/Archive" }],
};
export const TYPE_PREFIX = "#/types/";
export const token = (name: string): string => `pod:index:${name}`;
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The dynamic SDK's wire marker for a secret value: `{ secret: string }` and nothing else. */
export function isSecretMarker(node: Json): boolean {
  const props = node.properties as Record<string, Json> | undefined;
  return node.type === "object" && !!props && Object.keys(props).join() === "secret" && props.secret?.type === "string";
}

export class SchemaTypes {
  /** Type token → its spec (object or enum). */
  readonly types = new Map<string, Json>();
  /** Properties and types without a description, by path: generation fails on any. */
  readonly undescribed: string[] = [];
  private readonly byShape = new Map<string, string>();
  private readonly usedNames = new Set<string>();

  /** `names` renames object types, `enums` names and describes enums; both keyed by the generated name. */
  constructor(
    private readonly names: Record<string, string>,
    private readonly enums: Record<string, EnumName>,
  ) {}

  /** The properties of an object node, in schema order; `typeName` prefixes nested types' names. */
  properties(node: Json, typeName: string): Record<string, PulumiProperty> {
    const props = (node.properties ?? {}) as Record<string, Json>;
    return Object.fromEntries(
      Object.entries(props).map(([name, child]) => [name, this.property(child, `${typeName}${capitalize(name)}`)]),
    );
  }

  property(node: Json, typeName: string): PulumiProperty {
    const description = node.description as string | undefined;
    if (!description) this.undescribed.push(typeName);
    return {
      ...(description ? { description } : {}),
      ...this.type(node, typeName),
      ...(node.secret === true ? { secret: true } : {}),
    };
  }

  /** Generated names in `names`/`enums` that no type used: stale entries. */
  unused(own: string[]): string[] {
    return own.filter((n) => !this.usedNames.has(n));
  }

  type(node: Json, typeName: string): PulumiType {
    if (node.pulumiType === "AssetOrArchive") return ASSET_OR_ARCHIVE;
    const members = (node.anyOf ?? node.oneOf) as Json[] | undefined;
    if (members) return this.union(members, typeName);
    if (Array.isArray(node.enum)) return { $ref: `${TYPE_PREFIX}${this.enumType(node, typeName)}` };
    if (node.$ref) throw new Error(`${typeName}: a $ref in zod's JSON schema (a recursive type) is not supported`);
    switch (node.type) {
      case "string":
      case "boolean":
      case "integer":
      case "number":
        return { type: node.type };
      case "array":
        return { type: "array", items: this.type((node.items as Json) ?? {}, typeName) };
      case "object":
        if (!node.properties) {
          const values = node.additionalProperties as Json | undefined;
          const known = values && Object.keys(values).length > 0;
          return { type: "object", additionalProperties: known ? this.type(values, typeName) : { $ref: ANY } };
        }
        return { $ref: `${TYPE_PREFIX}${this.objectType(node, typeName)}` };
      case undefined:
        return { $ref: ANY };
      default:
        throw new Error(`${typeName}: JSON schema type ${String(node.type)} has no Pulumi equivalent`);
    }
  }

  /** Members named like the SDK's (`<name><index>`); secret markers dropped; one member left = no union. */
  private union(members: Json[], typeName: string): PulumiType {
    const specs = members
      .map((m, i) => ({ m, i }))
      .filter(({ m }) => !isSecretMarker(m))
      .map(({ m, i }) => this.type(m, members.length > 1 ? `${typeName}${i}` : typeName));
    const unique = [...new Map(specs.map((s) => [JSON.stringify(s), s])).values()];
    if (unique.length === 1 && unique[0]) return unique[0];
    return { oneOf: unique };
  }

  private objectType(node: Json, typeName: string): string {
    const { description, ...shape } = node;
    const key = JSON.stringify(shape);
    const known = this.byShape.get(key);
    if (known) return known;
    this.usedNames.add(typeName);
    const name = this.names[typeName] ?? typeName;
    const tok = this.reserve(name, key);
    if (!description) this.undescribed.push(`type ${name}`);
    const required = (node.required as string[] | undefined) ?? [];
    this.types.set(tok, {
      ...(description ? { description } : {}),
      type: "object",
      properties: this.properties(node, name),
      ...(required.length ? { required } : {}),
    });
    return tok;
  }

  private enumType(node: Json, typeName: string): string {
    const values = node.enum as (string | number)[];
    const key = `enum:${JSON.stringify(values)}`;
    const known = this.byShape.get(key);
    if (known) return known;
    this.usedNames.add(typeName);
    const named = this.enums[typeName];
    const tok = this.reserve(named?.name ?? typeName, key);
    const description = named?.description ?? (node.description as string | undefined);
    if (!description) this.undescribed.push(`enum ${typeName}`);
    this.types.set(tok, {
      ...(description ? { description } : {}),
      type: values.every((v) => typeof v === "string") ? "string" : "number",
      enum: values.map((value) => ({ value })),
    });
    return tok;
  }

  private reserve(name: string, key: string): string {
    const tok = token(name);
    if (this.types.has(tok)) {
      throw new Error(`two different types are both called ${name}: name one in scripts/gen-schema-names.ts`);
    }
    this.byShape.set(key, tok);
    this.types.set(tok, {}); // reserved before the fields: nested types are met first
    return tok;
  }
}
