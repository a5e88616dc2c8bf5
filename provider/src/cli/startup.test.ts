import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const MAIN = join(__dirname, "main.ts");

/** Runs `pod --help` from the sources and returns the modules it loaded (listed by the child at exit). */
function modulesLoadedByHelp(): string[] {
  const script = [
    "process.on('exit', () => process.stderr.write(Object.keys(require.cache).join('\\n')));",
    `process.argv = [process.argv[0], ${JSON.stringify(MAIN)}, "--help"];`,
    `require(${JSON.stringify(MAIN)});`,
  ].join("\n");
  const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, "../../tsconfig.json") },
  });
  assert.equal(child.status, 0, child.stderr);
  assert.match(child.stdout, /pod: vSphere test-lab engine/);
  return child.stderr.split("\n");
}

/**
 * `pod` starts in about a quarter of a second because the Automation API (TypeScript and npm's arborist behind
 * it, about half a second of loading) is loaded only when a `pod env` command runs.
 */
describe("cli startup", () => {
  it("registers `pod env` without loading Pulumi's Automation API", function () {
    this.timeout(60_000);
    const loaded = modulesLoadedByHelp();
    assert.ok(
      loaded.some((m) => m.endsWith(join("cli", "env", "commands.ts"))),
      "the env commands are registered",
    );
    assert.deepEqual(
      loaded.filter((m) => /@pulumi[/\\]pulumi|environments[/\\](environments|workspace)\./.test(m)),
      [],
    );
  });
});
