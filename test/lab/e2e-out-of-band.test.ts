import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import Docker = require("dockerode");

import { requireLab } from "../support/lab-env";
import { inventoryNames, quickstart, runQuickstart, sweepVcsim } from "../support/quickstart-stack";

const _repo = join(__dirname, "../..");

const docker = new Docker();
/** The container backing a VM (vcsim names it vcsim-<vm name>-<uuid>). */
const containersOf = (vmName: string) => docker.listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });

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
    quickstart(stack, "config", "set", "vlanId", String(vlanId));
    quickstart(stack, "config", "set", "strictDelete", String(strictDelete));
    assert.match(quickstart(stack, "up"), /4 created/);
    const [container] = await containersOf(vmName);
    assert.ok(container, "a container backs the VM");
    await docker.getContainer(container.Id).remove({ force: true });
    assert.deepEqual(await containersOf(vmName), [], "the guest is gone (docker says so)");
  }

  after(async () => {
    runQuickstart(stack, "config", "set", "strictDelete", "false");
    runQuickstart(stack, "destroy");
    runQuickstart(stack, "stack", "rm", "--yes", "--force", stack);
    await sweepVcsim(vmName, portGroup); // what a refused destroy left behind
  });

  it("refresh succeeds and reports the guest as drift; destroy succeeds, undoes vSphere, and says the guest was left", async () => {
    await upThenRemoveGuest(false);
    const refreshed = runQuickstart(stack, "refresh", "--diff");
    assert.equal(refreshed.status, 0, refreshed.out);
    // Whatever now answers at the address (nothing, or a machine that took it over): named, not fatal.
    assert.match(
      refreshed.out,
      /drift\s*:[\s\S]*"guest: [^"]*(UNREACHABLE|unreachable|Cannot reach|No route|host key|timed out)/i,
    );
    assert.match(refreshed.out, /1 updated/);

    const destroyed = runQuickstart(stack, "destroy");
    assert.equal(destroyed.status, 0, destroyed.out);
    assert.match(destroyed.out, /4 deleted/);
    const [vms, networks] = [await inventoryNames("VirtualMachine"), await inventoryNames("Network")];
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
    const destroyed = runQuickstart(stack, "destroy");
    assert.notEqual(destroyed.status, 0, destroyed.out);
    assert.match(destroyed.out, /PodNetwork on [\d.]+: delete failed: \[[A-Z_]+\] .+ Fix: /);
    const [vms, networks] = [await inventoryNames("VirtualMachine"), await inventoryNames("Network")];
    assert.ok(vms.includes(vmName), "nothing after the refused step was undone: the VM");
    assert.ok(networks.includes(portGroup), "and the port group");
  });
});
