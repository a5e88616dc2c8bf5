/**
 * schema.json against Pulumi's own metaschema (pkg/codegen/schema/pulumi.json
 * of the CLI's pinned version), with ajv, a maintained JSON-schema validator.
 * The file comes from the Go module cache, where building the lab's Pulumi
 * CLI puts it; without the lab, `go mod download` fetches that one module.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import type { Json } from "./gen-schema-types";

export const PULUMI_PKG = "github.com/pulumi/pulumi/pkg/v3";

/** Where pulumi.json is, fetched through the Go module proxy when the module is not cached yet. */
export function metaschemaPath(version = process.env.POD_PULUMI_VERSION ?? "3.260.0"): string {
  const goEnv = (name: string) => execFileSync("go", ["env", name], { encoding: "utf8" }).trim();
  const rel = join("codegen", "schema", "pulumi.json");
  const cached = join(goEnv("GOMODCACHE"), `${PULUMI_PKG}@v${version}`, rel);
  if (existsSync(cached)) return cached;
  const out = execFileSync("go", ["mod", "download", "-json", `${PULUMI_PKG}@v${version}`], {
    encoding: "utf8",
    cwd: "/",
    env: { ...process.env, GOFLAGS: "-mod=mod" },
  });
  return join((JSON.parse(out) as { Dir: string }).Dir, rel);
}

export function loadMetaschema(path = metaschemaPath()): Json {
  return JSON.parse(readFileSync(path, "utf8")) as Json;
}

/** Every way `schema` breaks the metaschema, as "path: message" lines; empty = valid. */
export function metaschemaErrors(schema: unknown, metaschema: Json): string[] {
  // Formats (uri-reference, regex) are left to Pulumi's own binder (`pulumi package get-schema`).
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(metaschema);
  if (validate(schema)) return [];
  // A failed oneOf reports every branch: deepest paths first, since they say most precisely what to fix.
  const depth = (path: string) => path.split("/").length;
  const lines = (validate.errors ?? [])
    .sort((a, b) => depth(b.instancePath) - depth(a.instancePath))
    .map((e) => `${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`);
  return [...new Set(lines)].slice(0, 20);
}
