/**
 * Generates schema.json (the Pulumi package schema of pod's provider plugin)
 * and docs/api.md from the zod schemas the providers validate with: one
 * source of truth for inputs, outputs, unions, enums, descriptions and which
 * values are secret. scripts/gen-schema-check.ts checks the result against
 * Pulumi's metaschema and, independently, against the zod schemas.
 *   ts-node scripts/gen-schema.ts          write both files
 *   ts-node scripts/gen-schema.ts --check  fail when either is stale (make lint)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { providerConfigSchema } from "../provider/src/credentials/provider-config-schema";
import { renderDocs } from "./gen-schema-docs";
import { ENUM_NAMES, SCHEMA_TYPE_NAMES } from "./gen-schema-names";
import { type Json, SchemaTypes, token } from "./gen-schema-types";
import { RESOURCES, TYPE_NAMES } from "./resources";

const root = join(__dirname, "..");

export const PACKAGE_NAMES = {
  nodejs: "@pod-lab/pulumi-pod",
  python: "pulumi_pod",
  go: "github.com/pod-lab/pulumi-pod/sdk/go/pod",
} as const;

export function jsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
}

export function buildSchema(): Json {
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const types = new SchemaTypes({ ...TYPE_NAMES, ...SCHEMA_TYPE_NAMES }, ENUM_NAMES);
  const resources: Record<string, Json> = {};
  for (const r of RESOURCES) {
    const inputs = jsonSchema(r.inputs);
    const outputs = jsonSchema(r.outputs);
    const secret = new Set<string>(r.secretOutputs);
    resources[token(r.name)] = {
      description: r.description,
      inputProperties: types.properties(inputs, r.name),
      requiredInputs: inputs.required ?? [],
      // Outputs that carry credentials are stored as secrets (the SDKs' additionalSecretOutputs).
      properties: Object.fromEntries(
        Object.entries(types.properties(outputs, r.name)).map(([n, p]) => [
          n,
          secret.has(n) ? { ...p, secret: true } : p,
        ]),
      ),
      required: outputs.required ?? [],
    };
  }
  const config = types.properties(jsonSchema(providerConfigSchema), "Provider");
  const stale = types.unused([...Object.keys(SCHEMA_TYPE_NAMES), ...Object.keys(ENUM_NAMES)]);
  if (stale.length) throw new Error(`scripts/gen-schema-names.ts names types that do not exist: ${stale.join(", ")}`);
  if (types.undescribed.length) {
    throw new Error(`describe these in the zod schemas (.describe(…)): ${types.undescribed.join(", ")}`);
  }
  return {
    name: "pod",
    displayName: "pod",
    version,
    description: "Pulumi resources for vSphere test labs: VMs, VLAN port groups, guest networks and commands.",
    keywords: ["pulumi", "vsphere", "vmware", "lab", "category/infrastructure", "kind/native"],
    license: "Apache-2.0",
    repository: "https://example.invalid/pod",
    publisher: "pod",
    config: { variables: config },
    provider: {
      description:
        "The pod provider: how resources reach vSphere and guests when they do not say. Give an explicit provider to talk to a second vCenter from the same program; every field is optional and falls back to POD_VSPHERE_* / POD_GUEST_* variables.",
      inputProperties: config,
    },
    types: Object.fromEntries([...types.types].sort(([a], [b]) => a.localeCompare(b))),
    resources,
    language: {
      nodejs: {
        packageName: PACKAGE_NAMES.nodejs,
        packageDescription: "pod's provider plugin SDK: PodVm, PodNetwork and PodCommand for any Pulumi program.",
        dependencies: { "@pulumi/pulumi": "^3.260.0" },
        respectSchemaVersion: true,
      },
      python: {
        packageName: PACKAGE_NAMES.python,
        requires: { pulumi: ">=3.260.0,<4.0.0" },
        pyproject: { enabled: true },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: PACKAGE_NAMES.go,
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
    },
  };
}

export function generate(): { schema: string; docs: string } {
  const schema = buildSchema();
  return { schema: `${JSON.stringify(schema, null, 2)}\n`, docs: renderDocs(schema) };
}

function main(): void {
  const { schema, docs } = generate();
  const files: [string, string][] = [
    [join(root, "schema.json"), schema],
    [join(root, "docs/api.md"), docs],
  ];
  if (process.argv.includes("--check")) {
    const stale = files.filter(([file, text]) => {
      try {
        return readFileSync(file, "utf8") !== text;
      } catch {
        return true;
      }
    });
    if (stale.length) {
      console.error(`stale: ${stale.map(([f]) => f.replace(`${root}/`, "")).join(", ")}; run \`make schema\``);
      process.exit(1);
    }
    return;
  }
  for (const [file, text] of files) writeFileSync(file, text);
}

if (require.main === module) main();
