import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

import Docker = require("dockerode");

import { listNamed } from "../../provider/src/vsphere/finder";
import { requireLab } from "../support/lab-env";
import { labSession } from "../support/vsphere";

const repo = join(__dirname, "../..");

/** Runs examples/run.sh like a user would; returns the CLI's output, failing with it on a non-zero exit. */
function example(stack: string, ...args: string[]): string {
  const r = spawnSync("bash", [join(repo, "examples/run.sh"), "quickstart", ...args], {
    encoding: "utf8",
    env: { ...process.env, POD_STACK: stack },
    timeout: 600_000,
  });
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`examples/run.sh quickstart ${args.join(" ")} exited ${r.status}:\n${out}`);
  return out;
}

async function vmNames(): Promise<string[]> {
  const session = await labSession();
  try {
    return (await listNamed(session, "VirtualMachine")).map((v) => v.name).sort();
  } finally {
    await session.close();
  }
}

/** The containers backing this stack's VMs (vcsim names them vcsim-<vm name>-<uuid>). */
async function stackContainers(vmName: string): Promise<string[]> {
  const all = await new Docker().listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });
  return all.map((c) => c.Names[0] ?? c.Id).sort();
}

/** Issue 6: what a user does with the real CLI, against the lab. */
describe("e2e: examples/quickstart with the Pulumi CLI", () => {
  const lab = requireLab();
  const stack = `e2e${process.pid}`;
  const vmName = `pod-quickstart-${stack}-web`;

  after(() => {
    spawnSync("bash", [join(repo, "examples/run.sh"), "quickstart", "destroy"], {
      env: { ...process.env, POD_STACK: stack },
    });
    spawnSync("bash", [join(repo, "examples/run.sh"), "quickstart", "stack", "rm", "--yes", "--force", stack], {
      env: { ...process.env, POD_STACK: stack },
    });
  });

  it("previews without creating anything in vcsim or Docker", async () => {
    const out = example(stack, "preview");
    assert.match(out, /\+ 2 to create/);
    assert.equal((await vmNames()).includes(vmName), false);
    assert.deepEqual(await stackContainers(vmName), []);
  });

  it("creates everything, then a second up reports no changes", async () => {
    const out = example(stack, "up");
    assert.match(out, /2 created/);
    const outputs = JSON.parse(out.slice(out.lastIndexOf("\n{"))) as {
      ipAddress: string;
      detectedOs: { type: string };
    };
    assert.match(outputs.ipAddress, /^172\./);
    assert.equal(outputs.detectedOs.type, "linux");
    assert.ok((await vmNames()).includes(vmName));
    assert.match(example(stack, "up"), /2 unchanged/);
  });

  it("keeps no plaintext password in the state", () => {
    const state = example(stack, "stack", "export");
    assert.ok(state.includes(vmName), "the export is the stack's state");
    assert.equal(state.includes(lab.vspherePassword), false);
  });

  it("shows a VM powered off outside Pulumi as drift on refresh, and up repairs it", async () => {
    const session = await labSession();
    try {
      const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === vmName);
      assert.ok(vm);
      const { powerOff } = await import("../../provider/src/vsphere/vm-ops");
      await powerOff(session, vm.ref, 60_000);
    } finally {
      await session.close();
    }
    assert.match(example(stack, "refresh"), /1 updated|~ 1 updated|updated/);
    const out = example(stack, "up");
    assert.match(out, /1 updated/);
    assert.match(out, /"ipAddress": "172\./);
  });

  it("destroys everything the stack made in vcsim and Docker", async () => {
    assert.match(example(stack, "destroy"), /2 deleted/);
    assert.equal((await vmNames()).includes(vmName), false);
    assert.deepEqual(await stackContainers(vmName), []);
  });
});
