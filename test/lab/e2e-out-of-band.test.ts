import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import Docker = require("dockerode");

import { listNamed } from "../../provider/src/vsphere/finder";
import { resolveDatacenter } from "../../provider/src/vsphere/placement";
import { removeStandardPortGroup } from "../../provider/src/vsphere/portgroups";
import { destroyVm } from "../../provider/src/vsphere/vm-ops";
import { requireLab } from "../support/lab-env";
import { labSession } from "../support/vsphere";

const repo = join(__dirname, "../..");

function run(stack: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync("bash", [join(repo, "examples/run.sh"), "quickstart", ...args], {
    encoding: "utf8",
    env: { ...process.env, POD_STACK: stack },
    timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function example(stack: string, ...args: string[]): string {
  const r = run(stack, ...args);
  if (r.status !== 0) throw new Error(`examples/run.sh quickstart ${args.join(" ")} exited ${r.status}:\n${r.out}`);
  return r.out;
}

const docker = new Docker();
/** The container backing a VM (vcsim names it vcsim-<vm name>-<uuid>). */
const containersOf = (vmName: string) => docker.listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });

async function inventory(): Promise<{ vms: string[]; networks: string[] }> {
  const session = await labSession();
  try {
    const names = async (type: string) => (await listNamed(session, type)).map((o) => o.name);
    return { vms: await names("VirtualMachine"), networks: await names("Network") };
  } finally {
    await session.close();
  }
}

/** Removes what a stack left in the shared vcsim (the VM, then its port group), best effort. */
async function sweepVcsim(vmName: string, portGroup: string): Promise<void> {
  const session = await labSession();
  try {
    const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === vmName);
    if (vm) await destroyVm(session, vm.ref, 5_000).catch(() => undefined);
    const dc = await resolveDatacenter(session);
    await removeStandardPortGroup(session, dc, portGroup, ["DC0_C0_H0", "DC0_C0_H1"]).catch(() => undefined);
  } finally {
    await session.close();
  }
}

/**
 * Issue 12: a guest removed out of band (its container removed with docker,
 * as if the VM's disk or OS died) — `pulumi refresh` and `pulumi destroy`
 * through the real CLI both succeed and report it; with PodNetwork's
 * strictDelete, destroy fails clearly and leaves the rest in place.
 */
describe("e2e: a guest removed out of band, then refresh and destroy with the Pulumi CLI", function () {
  this.timeout(900_000);
  const lab = requireLab();
  const stack = `oob${process.pid}${randomBytes(2).toString("hex")}`;
  const vmName = `pod-quickstart-${stack}-web`;
  // A VLAN of its own, so the stack's port group and guest address meet no other test's.
  const vlanId = 3000 + (randomBytes(2).readUInt16BE(0) % 900);
  const portGroup = `pod-quickstart-${stack}-vlan${vlanId}`;
  const audit = () =>
    readFileSync(join(lab.state, "audit", `quickstart-${stack}.jsonl`), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { action?: string; result?: string; details?: { message?: string } });

  async function upThenRemoveGuest(strictDelete: boolean): Promise<void> {
    example(stack, "config", "set", "vlanId", String(vlanId));
    example(stack, "config", "set", "strictDelete", String(strictDelete));
    assert.match(example(stack, "up"), /4 created/);
    const [container] = await containersOf(vmName);
    assert.ok(container, "a container backs the VM");
    await docker.getContainer(container.Id).remove({ force: true });
    assert.deepEqual(await containersOf(vmName), [], "the guest is gone (docker says so)");
  }

  after(async () => {
    run(stack, "config", "set", "strictDelete", "false");
    run(stack, "destroy");
    run(stack, "stack", "rm", "--yes", "--force", stack);
    await sweepVcsim(vmName, portGroup); // what a refused destroy left behind
  });

  it("refresh succeeds and reports the guest as drift; destroy succeeds, undoes vSphere, and says the guest was left", async () => {
    await upThenRemoveGuest(false);
    const refreshed = run(stack, "refresh", "--diff");
    assert.equal(refreshed.status, 0, refreshed.out);
    // Whatever now answers at the address (nothing, or a machine that took it over): named, not fatal.
    assert.match(
      refreshed.out,
      /drift\s*:[\s\S]*"guest: [^"]*(UNREACHABLE|unreachable|Cannot reach|No route|host key|timed out)/i,
    );
    assert.match(refreshed.out, /1 updated/);

    const destroyed = run(stack, "destroy");
    assert.equal(destroyed.status, 0, destroyed.out);
    assert.match(destroyed.out, /4 deleted/);
    const { vms, networks } = await inventory();
    assert.equal(vms.includes(vmName), false, "the VM is gone from vcsim");
    assert.equal(networks.includes(portGroup), false, "and its port group");
    const restored = audit().filter((r) => r.action === "network.restored");
    assert.ok(
      restored.some((r) => r.result !== "ok" && r.details?.message),
      `the audit log reports the guest restore that could not be done: ${JSON.stringify(restored)}`,
    );
  });

  it("strictDelete: destroy fails clearly, naming the guest, and leaves the VM and port group in place", async () => {
    await upThenRemoveGuest(true);
    const destroyed = run(stack, "destroy");
    assert.notEqual(destroyed.status, 0, destroyed.out);
    assert.match(destroyed.out, /PodNetwork on [\d.]+: delete failed: \[[A-Z_]+\] .+ Fix: /);
    const { vms, networks } = await inventory();
    assert.ok(vms.includes(vmName), "nothing after the refused step was undone: the VM");
    assert.ok(networks.includes(portGroup), "and the port group");
  });
});
