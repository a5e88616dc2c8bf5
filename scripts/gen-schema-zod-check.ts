/**
 * schema.json against the zod schemas, walked side by side: every zod field
 * is in schema.json with the same type, required-ness, secret flag and
 * description, and schema.json has nothing zod does not. Written apart from
 * the generator (gen-schema-types.ts), so a generator that drops a union
 * member or a hand edit of schema.json is caught. The one mapping rule both
 * share: the dynamic SDK's secret marker `{ secret }` is not part of the
 * package schema (a Pulumi secret travels as itself), so `T | { secret }` is T.
 */
import { z } from "zod";
import type { Json } from "./gen-schema-types";

export interface CheckedResource {
  name: string;
  inputs: z.ZodType;
  outputs: z.ZodType;
  secretOutputs: readonly string[];
}

const toJson = (s: z.ZodType): Json => z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();

const isMarker = (n: Json): boolean => {
  const p = n.properties as Record<string, Json> | undefined;
  return n.type === "object" && !!p && Object.keys(p).length === 1 && p.secret?.type === "string";
};

/** Mismatches between `schema` (parsed schema.json) and the zod schemas, as "where: what" lines. */
export function zodMismatches(schema: Json, resources: CheckedResource[], providerConfig: z.ZodType): string[] {
  const errs: string[] = [];
  const types = (schema.types ?? {}) as Record<string, Json>;
  const err = (path: string, msg: string): void => {
    errs.push(`${path}: ${msg}`);
  };

  const resolve = (spec: Json, path: string): Json | undefined => {
    const ref = spec.$ref as string | undefined;
    if (!ref?.startsWith("#/types/")) return undefined;
    const t = types[ref.slice("#/types/".length)];
    if (!t) err(path, `schema.json refers to ${ref}, which is not in its types`);
    return t;
  };

  const props = (
    zod: Json,
    specProps: Record<string, Json>,
    specRequired: string[],
    path: string,
    secret = new Set<string>(),
  ) => {
    const zp = (zod.properties ?? {}) as Record<string, Json>;
    for (const name of Object.keys(zp))
      if (!(name in specProps)) err(`${path}.${name}`, "in zod, missing from schema.json");
    for (const name of Object.keys(specProps)) if (!(name in zp)) err(`${path}.${name}`, "in schema.json, not in zod");
    if (!same((zod.required as string[]) ?? [], specRequired)) {
      err(path, `required is [${(zod.required as string[]) ?? []}] in zod, [${specRequired}] in schema.json`);
    }
    for (const [name, child] of Object.entries(zp)) {
      const spec = specProps[name];
      if (!spec) continue;
      const wantSecret = child.secret === true || secret.has(name);
      if (wantSecret !== (spec.secret === true))
        err(`${path}.${name}`, `secret is ${wantSecret} in zod, ${spec.secret === true} in schema.json`);
      if ((child.description ?? "") !== (spec.description ?? "")) err(`${path}.${name}`, "descriptions differ");
      type(child, spec, `${path}.${name}`);
    }
  };

  /** The mismatch between one zod node and its schema.json type, if any (nested ones are reported as found). */
  const mismatch = (zod: Json, spec: Json, path: string): string | undefined => {
    if (zod.pulumiType === "AssetOrArchive") {
      const refs = ((spec.oneOf as Json[] | undefined) ?? []).map((m) => m.$ref).join();
      return refs === "pulumi.json#/Asset,pulumi.json#/Archive"
        ? undefined
        : "an asset or archive in zod, not in schema.json";
    }
    const members = (zod.anyOf ?? zod.oneOf) as Json[] | undefined;
    if (members) {
      const kept = members.filter((m) => !isMarker(m));
      if (kept.length === 1 && kept[0]) return mismatch(kept[0], spec, path);
      const specMembers = (spec.oneOf as Json[] | undefined) ?? [];
      // Members zod repeats after the marker is gone (string | { secret } | string) count once.
      const distinct = kept.filter((m, i) => kept.findIndex((o) => JSON.stringify(o) === JSON.stringify(m)) === i);
      if (distinct.length !== specMembers.length) {
        const theirs = specMembers.length ? `of ${specMembers.length}` : "no union";
        return `a union of ${distinct.length} in zod, ${theirs} in schema.json`;
      }
      for (const [i, m] of distinct.entries()) type(m, specMembers[i] as Json, `${path}|${i}`);
      return undefined;
    }
    if (Array.isArray(zod.enum)) {
      const values = (resolve(spec, path)?.enum as { value: unknown }[] | undefined)?.map((v) => String(v.value));
      if (!values) return "an enum in zod, not an enum type in schema.json";
      return same(zod.enum.map(String), values)
        ? undefined
        : `enum values [${zod.enum}] in zod, [${values}] in schema.json`;
    }
    const kind = zod.type as string | undefined;
    if (kind === undefined) {
      return spec.$ref === "pulumi.json#/Any" ? undefined : "any value in zod, not pulumi.json#/Any in schema.json";
    }
    if (kind === "object" && zod.properties) {
      const t = resolve(spec, path);
      if (t?.type !== "object") return "an object in zod, not an object type in schema.json";
      props(zod, (t.properties ?? {}) as Record<string, Json>, (t.required as string[]) ?? [], path);
      return undefined;
    }
    if (spec.type !== kind) return `${kind} in zod, ${spec.type ?? spec.$ref ?? "a union"} in schema.json`;
    if (kind === "array") type((zod.items ?? {}) as Json, (spec.items ?? {}) as Json, `${path}[]`);
    if (kind === "object") {
      const values = (zod.additionalProperties ?? {}) as Json;
      type(values, (spec.additionalProperties ?? { type: "string" }) as Json, `${path}{}`);
    }
    return undefined;
  };
  const type = (zod: Json, spec: Json, path: string): void => {
    const found = mismatch(zod, spec, path);
    if (found) err(path, found);
  };

  const resourceSpecs = (schema.resources ?? {}) as Record<string, Json>;
  const tokens = resources.map((r) => `pod:index:${r.name}`);
  for (const tok of Object.keys(resourceSpecs)) if (!tokens.includes(tok)) err(tok, "in schema.json, no zod schema");
  for (const r of resources) {
    const spec = resourceSpecs[`pod:index:${r.name}`];
    if (!spec) {
      err(r.name, "has zod schemas, missing from schema.json");
      continue;
    }
    const ins = spec.inputProperties as Record<string, Json>;
    props(toJson(r.inputs), ins ?? {}, (spec.requiredInputs as string[]) ?? [], `${r.name} input`);
    const outs = spec.properties as Record<string, Json>;
    props(
      toJson(r.outputs),
      outs ?? {},
      (spec.required as string[]) ?? [],
      `${r.name} output`,
      new Set(r.secretOutputs),
    );
  }
  const config = toJson(providerConfig);
  const variables = ((schema.config as Json | undefined)?.variables ?? {}) as Record<string, Json>;
  props(config, variables, [], "config"); // config variables are never required
  const provider = (schema.provider ?? {}) as Json;
  props(
    config,
    (provider.inputProperties ?? {}) as Record<string, Json>,
    (provider.requiredInputs as string[]) ?? [],
    "provider",
  );
  return errs;
}
