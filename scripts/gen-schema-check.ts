/**
 * `make lint`'s checks of schema.json beyond freshness: Pulumi's metaschema
 * (ajv), the zod schemas (gen-schema-zod-check.ts), and Pulumi's own binder
 * (`pulumi package get-schema`, which also resolves every $ref and enum) when
 * the lab's Pulumi CLI is on PATH.
 *   ts-node scripts/gen-schema-check.ts [schema.json]
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { providerConfigSchema } from "../provider/src/credentials/provider-config-schema";
import { loadMetaschema, metaschemaErrors } from "./gen-schema-metaschema";
import type { Json } from "./gen-schema-types";
import { zodMismatches } from "./gen-schema-zod-check";
import { RESOURCES } from "./resources";

/** Pulumi's binder on `file`: its complaints, or undefined when no pulumi CLI is on PATH. */
export function bindErrors(file: string): string[] | undefined {
  const r = spawnSync("pulumi", ["package", "get-schema", file], { encoding: "utf8" });
  if (r.error) return undefined;
  return r.status === 0 ? [] : [r.stderr.trim() || `pulumi package get-schema exited ${r.status}`];
}

function main(): void {
  const file = process.argv[2] ?? join(__dirname, "..", "schema.json");
  const schema = JSON.parse(readFileSync(file, "utf8")) as Json;
  const failures: [string, string[]][] = [
    ["Pulumi's metaschema", metaschemaErrors(schema, loadMetaschema())],
    ["the zod schemas", zodMismatches(schema, RESOURCES, providerConfigSchema)],
  ];
  const bound = bindErrors(file);
  if (bound) failures.push(["Pulumi's binder (pulumi package get-schema)", bound]);
  else console.error("schema check: no pulumi CLI on PATH, binding skipped (make lab builds it)");
  const failed = failures.filter(([, errs]) => errs.length);
  for (const [what, errs] of failed) console.error(`schema.json disagrees with ${what}:\n  ${errs.join("\n  ")}`);
  if (failed.length) process.exit(1);
}

if (require.main === module) main();
