/** docs/api.md from the package schema: a table of inputs and one of outputs per resource, then the types. */
import { ANY, type Json, type PulumiProperty, type PulumiType } from "./gen-schema-types";

/** How a type reads in the docs: `string`, `Nic[]`, `string \| string[] \| ShellScript`. */
export function typeText(t: PulumiType): string {
  if (t.oneOf) return t.oneOf.map(typeText).join(" \\| ");
  if (t.$ref) return t.$ref === ANY ? "any" : (t.$ref.split(":").pop() ?? t.$ref);
  if (t.type === "array") return `${typeText(t.items ?? {})}[]`;
  if (t.type === "object") return `map of ${typeText(t.additionalProperties ?? { type: "string" })}`;
  return t.type ?? "any";
}

const cell = (text: string | undefined): string => (text ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");

function table(props: Record<string, PulumiProperty>, required: string[], skip: Set<string> = new Set()): string[] {
  const rows = ["| name | type | | description |", "|---|---|---|---|"];
  for (const [name, p] of Object.entries(props)) {
    if (skip.has(name)) continue;
    const flags = [required.includes(name) ? "required" : "", p.secret ? "secret" : ""].filter(Boolean).join(", ");
    rows.push(`| \`${name}\` | ${typeText(p)} | ${flags} | ${cell(p.description)} |`);
  }
  return rows;
}

export function renderDocs(schema: Json): string {
  const lines = ["# API reference", "", "Generated from the providers' zod schemas by `make schema`; do not edit.", ""];
  const resources = schema.resources as Record<string, Json>;
  for (const [tok, r] of Object.entries(resources)) {
    lines.push(`## ${tok.split(":").pop()}`, "", String(r.description), "", "### Inputs", "");
    const inputs = r.inputProperties as Record<string, PulumiProperty>;
    lines.push(...table(inputs, r.requiredInputs as string[]));
    lines.push("", "### Outputs", "", "Every input, and:", "");
    lines.push(...table(r.properties as Record<string, PulumiProperty>, [], new Set(Object.keys(inputs))), "");
  }
  const provider = schema.provider as Json;
  lines.push("## Provider configuration", "", String(provider.description), "");
  lines.push(...table(provider.inputProperties as Record<string, PulumiProperty>, []), "");
  lines.push("## Types", "");
  for (const [tok, t] of Object.entries(schema.types as Record<string, Json>)) {
    lines.push(`### ${tok.split(":").pop()}`, "", String(t.description ?? ""), "");
    if (Array.isArray(t.enum)) {
      lines.push(`One of: ${t.enum.map((e: { value: unknown }) => `\`${JSON.stringify(e.value)}\``).join(", ")}.`, "");
      continue;
    }
    lines.push(...table(t.properties as Record<string, PulumiProperty>, (t.required as string[]) ?? []), "");
  }
  return `${lines.join("\n")}\n`;
}
