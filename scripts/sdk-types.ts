/**
 * JSON schema (as zod's toJSONSchema writes it) → TypeScript type text, for
 * the generated SDK. Nested objects become named interfaces with their
 * descriptions as doc comments; one shape used in several places (the vSphere
 * connection, the detected OS) becomes one interface.
 */
type Json = { [key: string]: unknown };

export interface Field {
  name: string;
  type: string;
  optional: boolean;
  description: string | undefined;
}

/** The SDK type of an input whose zod schema carries meta `pulumiType: "AssetOrArchive"`. */
export const ASSET_OR_ARCHIVE = "pulumi.asset.Asset | pulumi.asset.Archive";
/** A doc comment at `indent`, or nothing when there is no text. */
export function docComment(text: string | undefined, indent = ""): string {
  if (!text) return "";
  const safe = text.replaceAll("*/", "*\\/");
  return `${indent}/** ${safe} */\n`;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export class TypeEmitter {
  /** Interface name → its source text, in the order first met. */
  readonly interfaces = new Map<string, string>();
  /** Structural key → interface name: one interface per shape. */
  private readonly byShape = new Map<string, string>();

  /** `names` renames a generated type (e.g. PodVmOs → DetectedOs); unknown keys are an error at the end. */
  constructor(private readonly names: Record<string, string>) {}

  /** The TypeScript type of a property node; `typeName` names an object met there. */
  type(node: Json, typeName: string): string {
    // A Pulumi asset or archive (zod meta pulumiType): the SDK's own classes.
    if (node.pulumiType === "AssetOrArchive") return ASSET_OR_ARCHIVE;
    const anyOf = (node.anyOf ?? node.oneOf) as Json[] | undefined;
    if (anyOf) {
      const parts = anyOf.map((n, i) => this.type(n, anyOf.length > 1 ? `${typeName}${i}` : typeName));
      return [...new Set(parts)].join(" | ");
    }
    if (Array.isArray(node.enum)) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
    switch (node.type) {
      case "string":
        return "string";
      case "boolean":
        return "boolean";
      case "integer":
      case "number":
        return "number";
      case "array": {
        const item = this.type((node.items as Json) ?? {}, typeName);
        return item.includes(" ") ? `(${item})[]` : `${item}[]`;
      }
      case "object":
        if (!node.properties) {
          const values = node.additionalProperties as Json | undefined;
          return `Record<string, ${values ? this.type(values, typeName) : "unknown"}>`;
        }
        return this.named(node, typeName);
      default:
        return "unknown";
    }
  }

  /** The fields of an object node, in schema order. */
  fields(node: Json, typeName: string): Field[] {
    const props = (node.properties ?? {}) as Record<string, Json>;
    const required = new Set((node.required as string[] | undefined) ?? []);
    return Object.entries(props).map(([name, child]) => ({
      name,
      type: this.type(child, `${typeName}${capitalize(name)}`),
      optional: !required.has(name),
      description: child.description as string | undefined,
    }));
  }

  /** Renames that matched no generated type: a stale entry in scripts/resources.ts. */
  unusedNames(): string[] {
    const used = new Set(this.interfaces.keys());
    return Object.entries(this.names)
      .filter(([, to]) => !used.has(to))
      .map(([from]) => from);
  }

  private named(node: Json, typeName: string): string {
    const { description: _, ...shape } = node;
    const key = JSON.stringify(shape);
    const known = this.byShape.get(key);
    if (known) return known;
    const name = this.names[typeName] ?? typeName;
    if (this.interfaces.has(name)) {
      throw new Error(`two different shapes are both called ${name}: name one in scripts/resources.ts typeNames`);
    }
    this.byShape.set(key, name);
    this.interfaces.set(name, ""); // reserve the name before the fields (nested types come first)
    const body = this.fields(node, name)
      .map((f) => `${docComment(f.description, "  ")}  ${f.name}${f.optional ? "?" : ""}: ${f.type};\n`)
      .join("");
    this.interfaces.set(
      name,
      `${docComment(node.description as string | undefined)}export interface ${name} {\n${body}}\n`,
    );
    return name;
  }
}
