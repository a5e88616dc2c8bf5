import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { requireLab } from "../support/lab-env";

const repo = join(__dirname, "../..");

/** Runs examples/run.sh; returns stdout (stderr may carry warnings), failing with both on a non-zero exit. */
function example(stack: string, ...args: string[]): string {
  const r = spawnSync("bash", [join(repo, "examples/run.sh"), "mixed-os", ...args], {
    encoding: "utf8",
    env: { ...process.env, POD_STACK: stack },
    timeout: 600_000,
  });
  if (r.status !== 0) {
    throw new Error(`examples/run.sh mixed-os ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

/** Issue 6: Linux, the Rocky 9 stand-in and the Windows guest answer one question, normalized side by side. */
describe("e2e: examples/mixed-os", () => {
  requireLab();
  const stack = `mixed${process.pid}`;
  after(() => {
    spawnSync("bash", [join(repo, "examples/run.sh"), "mixed-os", "destroy"], {
      env: { ...process.env, POD_STACK: stack },
    });
    spawnSync("bash", [join(repo, "examples/run.sh"), "mixed-os", "stack", "rm", "--yes", "--force", stack], {
      env: { ...process.env, POD_STACK: stack },
    });
  });

  it("creates three guests of three OSes and returns the same result shape for each", () => {
    example(stack, "up");
    const { sideBySide } = JSON.parse(example(stack, "output")) as {
      sideBySide: { name: string; os: string; stdout: string; exitCode: number }[];
    };
    assert.deepEqual(
      sideBySide.map((r) => [r.name, r.os.split(" ")[0], r.exitCode]),
      [
        ["debian", "linux", 0],
        ["rocky", "rocky-container", 0],
        ["windows", "windows", 0],
      ],
    );
    for (const r of sideBySide) assert.match(r.stdout, /^\S+$/, `${r.name} answered with its hostname`);
    assert.match(example(stack, "destroy"), /7 deleted/);
  });
});
