/**
 * Generates schema.json (Pulumi package schema) and docs/api.md from the zod
 * schemas the providers validate with: one source of truth for inputs,
 * outputs, descriptions and which inputs are secret.
 *   ts-node scripts/gen-schema.ts          write both files
 *   ts-node scripts/gen-schema.ts --check  fail when either is stale (CI)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { RESOURCES } from "./resources";

type Json = { [key: string]: unknown };

interface PulumiProperty {
  type?: string;
  $ref?: string;
  items?: PulumiProperty;
  additionalProperties?: PulumiProperty;
  description?: string;
  secret?: boolean;
}

const root = join(__dirname, "..");
const types: Record<string, Json> = {};

/** A JSON-schema node → a Pulumi property; nested objects become named types. */
function toProperty(node: Json, typeName: string): PulumiProperty {
  const description = node.description as string | undefined;
  const base: PulumiProperty = {
    ...(description ? { description } : {}),
    ...(node.secret ? { secret: true } : {}),
  };
  const anyOf = node.anyOf as Json[] | undefined;
  if (anyOf) return { ...toProperty(anyOf[0] ?? {}, typeName), ...base };
  if (node.enum) return { ...base, type: "string" };
  switch (node.type) {
    case "string":
    case "boolean":
    case "integer":
    case "number":
      return { ...base, type: node.type };
    case "array":
      return { ...base, type: "array", items: toProperty((node.items as Json) ?? {}, typeName) };
    case "object": {
      if (!node.properties && node.additionalProperties) {
        return {
          ...base,
          type: "object",
          additionalProperties: toProperty(node.additionalProperties as Json, typeName),
        };
      }
      const token = `pod:index:${typeName}`;
      types[token] = {
        type: "object",
        ...(description ? { description } : {}),
        properties: properties(node, typeName),
        ...(Array.isArray(node.required) && node.required.length ? { required: node.required } : {}),
      };
      return { ...base, $ref: `#/types/${token}` };
    }
    default:
      return { ...base, $ref: "pulumi.json#/Any" };
  }
}

function properties(node: Json, typeName: string): Record<string, PulumiProperty> {
  const props = (node.properties ?? {}) as Record<string, Json>;
  return Object.fromEntries(
    Object.entries(props).map(([name, child]) => [
      name,
      toProperty(child, `${typeName}${name.charAt(0).toUpperCase()}${name.slice(1)}`),
    ]),
  );
}

function jsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
}

export function generate(): { schema: string; docs: string } {
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  const resources: Record<string, Json> = {};
  for (const r of RESOURCES) {
    const inputs = jsonSchema(r.inputs);
    const outputs = jsonSchema(r.outputs);
    resources[`pod:index:${r.name}`] = {
      description: r.description,
      inputProperties: properties(inputs, r.name),
      requiredInputs: inputs.required ?? [],
      // Outputs that carry credentials are stored as secrets (the SDK's additionalSecretOutputs).
      properties: Object.fromEntries(
        Object.entries(properties(outputs, r.name)).map(([n, p]) => [
          n,
          r.secretOutputs.includes(n) ? { ...p, secret: true } : p,
        ]),
      ),
      required: outputs.required ?? [],
    };
  }
  const schema = {
    name: "pod",
    displayName: "pod",
    version,
    description: "Pulumi resources for vSphere test labs: VMs, VLAN port groups, guest networks and commands.",
    keywords: ["pulumi", "vsphere", "vmware", "lab", "category/infrastructure"],
    license: "Apache-2.0",
    repository: "https://example.invalid/pod",
    config: {
      variables: {
        vsphereHost: { type: "string", description: 'vCenter or ESXi address ("host" or "host:port").' },
        vsphereUser: { type: "string", description: "vSphere user name." },
        vspherePassword: { type: "string", secret: true, description: "vSphere password." },
        vsphereCaFile: { type: "string", description: "PEM file of the CA(s) to trust." },
        vsphereThumbprint: { type: "string", description: "Pinned SHA-256 thumbprint of the server certificate." },
        vsphereInsecure: { type: "boolean", description: "Skip TLS verification (labs only)." },
        guestUser: { type: "string", description: "Guest user when a target or guest input names none." },
        guestPassword: { type: "string", secret: true, description: "Guest password when a target gives none." },
        guestKeyFile: { type: "string", description: "Guest SSH private key file when a target gives none." },
        guestKeyPassphrase: { type: "string", secret: true, description: "Passphrase of guestKeyFile." },
      },
    },
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    resources,
    // The plugin's generated SDKs (sdk/plugin/*): names apart from the dynamic-resource package @pod-lab/pod.
    language: {
      nodejs: { packageName: "@pod-lab/pulumi-pod" },
      python: { packageName: "pulumi_pod" },
      go: { importBasePath: "github.com/pod-lab/pulumi-pod/sdk/go/pod" },
    },
  };
  // An explicit provider (`new pod.Provider("vc2", {...})`) takes the same settings as `pod:` config.
  Object.assign(schema, { provider: { inputProperties: schema.config.variables } });
  return { schema: `${JSON.stringify(schema, null, 2)}\n`, docs: renderDocs(resources) };
}

/** docs/api.md: one table of inputs and one of outputs per resource, from the schema. */
function renderDocs(resources: Record<string, Json>): string {
  const lines = ["# API reference", "", "Generated from the providers' zod schemas by `make schema`; do not edit.", ""];
  const row = (name: string, p: PulumiProperty, required: string[]) => {
    const type = p.$ref
      ? p.$ref.replace(/^#\/types\/pod:index:/, "")
      : p.type === "array"
        ? `${p.items?.type ?? p.items?.$ref?.split(":").pop()}[]`
        : (p.type ?? "any");
    const flags = [required.includes(name) ? "required" : "", p.secret ? "secret" : ""].filter(Boolean).join(", ");
    return `| \`${name}\` | ${type} | ${flags} | ${(p.description ?? "").replaceAll("|", "\\|")} |`;
  };
  for (const [token, r] of Object.entries(resources)) {
    lines.push(`## ${token.split(":").pop()}`, "", String(r.description), "", "### Inputs", "");
    lines.push("| name | type | | description |", "|---|---|---|---|");
    for (const [n, p] of Object.entries(r.inputProperties as Record<string, PulumiProperty>)) {
      lines.push(row(n, p, r.requiredInputs as string[]));
    }
    lines.push("", "### Outputs", "", "| name | type | | description |", "|---|---|---|---|");
    const inputs = r.inputProperties as Record<string, unknown>;
    for (const [n, p] of Object.entries(r.properties as Record<string, PulumiProperty>)) {
      if (!(n in inputs)) lines.push(row(n, p, []));
    }
    lines.push("");
  }
  lines.push("## Types", "");
  for (const [token, t] of Object.entries(types)) {
    lines.push(`### ${token.split(":").pop()}`, "", "| name | type | | description |", "|---|---|---|---|");
    for (const [n, p] of Object.entries(t.properties as Record<string, PulumiProperty>)) {
      lines.push(row(n, p, (t.required as string[]) ?? []));
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
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

main();
