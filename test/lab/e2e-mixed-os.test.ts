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

/** Issue 6: Linux, the Rocky 9 stand-in and Windows on one VLAN, each configured and answering, side by side. */
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

  it("puts three guests of three OSes on one VLAN, configures each and returns the same result shape for each", () => {
    example(stack, "up");
    const outputs = JSON.parse(example(stack, "output")) as {
      portGroup: string;
      vlanReachable: boolean;
      sideBySide: { name: string; os: string; stdout: string; exitCode: number; vlanAddress: string }[];
    };
    assert.equal(outputs.portGroup, `pod-mixed-os-${stack}-vlan120`);
    assert.deepEqual(
      outputs.sideBySide.map((r) => [r.name, r.os.split(" ")[0], r.exitCode, r.vlanAddress]),
      [
        ["debian", "linux", 0, "10.120.0.11/24"],
        ["rocky", "rocky-container", 0, "10.120.0.12/24"],
        ["windows", "windows", 0, "10.120.0.13/24"],
      ],
    );
    for (const r of outputs.sideBySide) assert.match(r.stdout, /^\S+$/, `${r.name} answered with its hostname`);
    assert.equal(outputs.vlanReachable, true, "Debian pinged Rocky on its VLAN address");
    assert.match(example(stack, "up"), /12 unchanged/);
    assert.match(example(stack, "destroy"), /12 deleted/);
  });
});
