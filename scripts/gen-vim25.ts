/**
 * Generates pod's vim25 layer (provider/src/vsphere/soap/generated/) from
 * VMware's schema as govmomi carries it: govmomi generates vim25/types,
 * vim25/methods and vim25/mo from VMware's WSDL, and the lab already pins and
 * downloads that module. scripts/gen-vim25/dump.go reads those Go sources
 * (standard-library Go parser, nothing compiled) and prints the schema as
 * JSON; this script keeps what pod reaches (gen-vim25/roots.ts) and writes
 * TypeScript.
 *   ts-node scripts/gen-vim25.ts          write the generated files
 *   ts-node scripts/gen-vim25.ts --check  fail when they are stale (make lint)
 * The output is committed, so building and type-checking pod never need Go.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { faultNames, interfaces, methodMap, typeTable } from "./gen-vim25/emit";
import { HIERARCHIES, METHODS, PROPERTIES } from "./gen-vim25/roots";
import { select, type Vim25Schema } from "./gen-vim25/select";

const root = join(__dirname, "..");
const outDir = join(root, "provider/src/vsphere/soap/generated");
const check = process.argv.includes("--check");
const version = process.env.POD_GOVMOMI_VERSION ?? "0.56.0";
const wrapperModule = join(root, "lab/tools/vcsim"); // pins govmomi in its go.mod

function run(cmd: string, args: string[], cwd = root): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
}

function hasGo(): boolean {
  try {
    run("go", ["version"]);
    return true;
  } catch {
    return false;
  }
}

/** govmomi's directory in the Go module cache, downloaded through the lab's wrapper module when absent. */
function govmomiDir(): string | undefined {
  if (!hasGo()) return undefined;
  const cache = process.env.GOMODCACHE || run("go", ["env", "GOMODCACHE"]).trim();
  const dir = join(cache, "github.com", "vmware", `govmomi@v${version}`);
  if (!existsSync(dir)) {
    try {
      run("go", ["mod", "download", "github.com/vmware/govmomi"], wrapperModule);
    } catch (error) {
      process.stderr.write(`gen-vim25: go mod download failed: ${(error as Error).message}\n`);
    }
  }
  return existsSync(dir) ? dir : undefined;
}

function format(path: string, text: string): string {
  return execFileSync(join(root, "node_modules/.bin/biome"), ["format", `--stdin-file-path=${path}`], {
    cwd: root,
    input: text,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}

function main(): void {
  const dir = govmomiDir();
  if (!dir) {
    const why = `govmomi v${version} is not in the Go module cache and could not be downloaded (is Go installed?)`;
    if (check) {
      process.stdout.write(`gen-vim25 --check: SKIPPED, ${why}; run \`make lab\` or install Go to check vim25.\n`);
      return;
    }
    throw new Error(`${why}.`);
  }
  const schema = JSON.parse(run("go", ["run", join(root, "scripts/gen-vim25/dump.go"), dir])) as Vim25Schema;
  const selection = select(schema, { methods: METHODS, properties: PROPERTIES, hierarchies: HIERARCHIES });
  const source = `govmomi v${version} (vim25/types, vim25/methods, vim25/mo)`;
  const files: Record<string, string> = {
    "type-table.ts": typeTable(schema, selection, source),
    "types.ts": interfaces(schema, selection, source),
    "methods.ts": methodMap(schema, selection, source),
    "faults.ts": faultNames(schema, selection, source),
  };
  const stale: string[] = [];
  mkdirSync(outDir, { recursive: true });
  for (const [name, raw] of Object.entries(files)) {
    const path = join(outDir, name);
    const text = format(path, raw);
    const current = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    if (current === text) continue;
    if (check) stale.push(relative(root, path));
    else writeFileSync(path, text);
  }
  if (stale.length) {
    process.stderr.write(`gen-vim25: stale generated vim25 files: ${stale.join(", ")}; run \`make vim25\`.\n`);
    process.exit(1);
  }
  const summary = `${selection.types.size} types, ${selection.enums.size} enums, ${selection.methods.length} methods`;
  process.stdout.write(`gen-vim25: ${check ? "up to date" : "wrote"} (${summary}).\n`);
}

main();
