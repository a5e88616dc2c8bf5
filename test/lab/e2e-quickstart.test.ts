import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

import Docker = require("dockerode");

import { listNamed } from "../../provider/src/vsphere/finder";
import { requireLab } from "../support/lab-env";
import { labSession } from "../support/vsphere";

const repo = join(__dirname, "../..");

/** examples/run.sh as a user runs it; returns the CLI's output, failing with it on a non-zero exit. */
function example(stack: string, ...args: string[]): string {
  const r = run(stack, ...args);
  if (r.status !== 0) throw new Error(`examples/run.sh quickstart ${args.join(" ")} exited ${r.status}:\n${r.out}`);
  return r.out;
}

function run(stack: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync("bash", [join(repo, "examples/run.sh"), "quickstart", ...args], {
    encoding: "utf8",
    env: { ...process.env, POD_STACK: stack },
    timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
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
async function stackContainers(vmName: string): Promise<Docker.ContainerInfo[]> {
  return new Docker().listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });
}

/** Successful SSH logins the guest's sshd logged (its log is the container's). */
async function sshLogins(vmName: string): Promise<number> {
  const [c] = await stackContainers(vmName);
  if (!c) return 0;
  const logs = (await new Docker().getContainer(c.Id).logs({ stdout: true, stderr: true })).toString("latin1");
  return (logs.match(/Accepted (password|publickey)/g) ?? []).length;
}

/** Issue 6: what a user does with the real CLI, against the lab. */
describe("e2e: examples/quickstart with the Pulumi CLI", () => {
  const lab = requireLab();
  const stack = `e2e${process.pid}`;
  const vmName = `pod-quickstart-${stack}-web`;

  after(() => {
    run(stack, "destroy");
    run(stack, "stack", "rm", "--yes", "--force", stack);
  });

  it("previews a new stack without creating anything in vcsim or Docker", async () => {
    assert.match(example(stack, "preview"), /\+ 3 to create/);
    assert.equal((await vmNames()).includes(vmName), false);
    assert.deepEqual(await stackContainers(vmName), []);
  });

  it("fails an up with a wrong guest password, then converges once it is corrected", async () => {
    example(stack, "config", "set", "--secret", "guestPassword", "wrong-Guest-Pw-5");
    const failed = run(stack, "up");
    assert.notEqual(failed.status, 0);
    assert.match(failed.out, /PodCommand on .*: create failed: \[AUTH_FAILED\]/);
    assert.doesNotMatch(failed.out, /wrong-Guest-Pw-5/);
    example(stack, "config", "set", "--secret", "guestPassword", "pod");
    const out = example(stack, "up");
    assert.match(out, /1 created/);
    const outputs = JSON.parse(out.slice(out.lastIndexOf("\n{"))) as Record<string, unknown>;
    assert.match(String(outputs.ipAddress), /^172\./);
    assert.equal((outputs.detectedOs as { distribution: string }).distribution, "debian");
    assert.match(String(outputs.commandOutput), /^Linux /);
  });

  it("a second up reports no changes", () => {
    assert.match(example(stack, "up"), /3 unchanged/);
  });

  it("previews a change without connecting to the guest", async () => {
    const before = await sshLogins(vmName);
    example(stack, "config", "set", "unameFlags", "--", "-a");
    assert.match(example(stack, "preview"), /~ 1 to update/);
    assert.equal(await sshLogins(vmName), before, "no SSH login during preview");
    assert.match(example(stack, "up"), /1 updated/);
    assert.equal(await sshLogins(vmName), before + 1, "the up ran the command once");
  });

  it("keeps no plaintext password in the state", () => {
    const state = example(stack, "stack", "export");
    assert.ok(state.includes(vmName), "the export is the stack's state");
    assert.equal(state.includes(lab.vspherePassword), false);
    // Secret values are stored as ciphertext objects, so no password field holds a string.
    assert.doesNotMatch(state, /"password":\s*"/, "no password in plaintext");
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
    assert.match(example(stack, "refresh"), /updated/);
    const out = example(stack, "up");
    assert.match(out, /updated/);
    assert.match(out, /"ipAddress": "172\./);
  });

  it("destroys everything the stack made in vcsim and Docker", async () => {
    assert.match(example(stack, "destroy"), /3 deleted/);
    assert.equal((await vmNames()).includes(vmName), false);
    assert.deepEqual(await stackContainers(vmName), []);
  });
});
