import assert from "node:assert/strict";

import Docker = require("dockerode");

import { listNamed } from "../../provider/src/vsphere/finder";
import { powerOff } from "../../provider/src/vsphere/vm-ops";
import { requireLab } from "../support/lab-env";
import { type PluginStack, pluginStack, rawState } from "../support/plugin-stack";
import { inventoryNames, sweepVcsim } from "../support/quickstart-stack";
import { labSession } from "../support/vsphere";

const containersOf = (vmName: string) =>
  new Docker().listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });

/** Issue 13: the quickstart (VM, network, command) through pulumi-resource-pod and its generated SDK. */
describe("plugin: examples/ts-plugin-quickstart through the provider plugin", function () {
  // Each step is a Pulumi CLI run (plugin start-up included); several per test on a busy lab.
  this.timeout(900_000);
  const lab = requireLab();
  const stack = `plg${process.pid}`;
  const vmName = `pod-plugin-quickstart-${stack}-web`;
  const portGroup = `pod-plugin-quickstart-${stack}-vlan121`;
  let s: PluginStack;

  before(() => {
    s = pluginStack("ts-plugin-quickstart", stack, lab);
  });

  after(async () => {
    s?.remove();
    await sweepVcsim(vmName, portGroup);
  });

  it("previews without creating anything in vcsim or Docker", async () => {
    assert.match(s.ok("preview"), /\+ 4 to create/);
    assert.equal((await inventoryNames("VirtualMachine")).includes(vmName), false);
    assert.equal((await inventoryNames("Network")).includes(portGroup), false);
    assert.deepEqual(await containersOf(vmName), []);
  });

  it("ups, with the command's output line in the engine log and secrets encrypted in state", async () => {
    const out = s.ok("up", "--yes", "--skip-preview");
    assert.match(out, /4 created/);
    assert.match(out, /pod:index:PodCommand \(uname\):\s+Linux /, "the command's line reached the engine log");
    const outputs = JSON.parse(s.ok("stack", "output", "--json")) as Record<string, unknown>;
    assert.match(String(outputs.commandOutput), /^Linux /);
    assert.equal((outputs.detectedOs as { distribution: string }).distribution, "debian");
    assert.ok((await inventoryNames("Network")).includes(portGroup));
    assert.equal((await containersOf(vmName)).length, 1);
    const state = rawState(s);
    assert.match(state, /"secure"|ciphertext/, "secrets are stored encrypted");
    assert.doesNotMatch(state, new RegExp(lab.vspherePassword), "the vSphere password is not in state");
    assert.doesNotMatch(state, /"password":\s*"pod"/, "the guest password is not in plaintext state");
  });

  it("a second up changes nothing", () => {
    assert.match(s.ok("up", "--yes", "--skip-preview"), /4 unchanged/);
  });

  it("refresh shows a VM powered off out of band, and the next preview plans to power it on", async () => {
    const session = await labSession();
    try {
      const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === vmName);
      assert.ok(vm, "the VM exists in vcsim");
      await powerOff(session, vm.ref, 30_000);
    } finally {
      await session.close();
    }
    const refreshed = s.ok("refresh", "--yes", "--skip-preview", "--diff");
    assert.match(refreshed, /~ pod:index:PodVm: \(update\)\s+\[id=vm-/);
    const preview = s.ok("preview", "--diff");
    // The VM is powered on again: an in-place update (the network and command follow its new address).
    assert.match(preview, /~ pod:index:PodVm: \(update\)\s+\[id=vm-/);
    assert.doesNotMatch(preview, /\+-pod:index:PodVm/, "the VM is not replaced");
  });

  it("destroy leaves nothing in vcsim or Docker", async () => {
    s.ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventoryNames("VirtualMachine")).includes(vmName), false);
    assert.equal((await inventoryNames("Network")).includes(portGroup), false);
    assert.deepEqual(await containersOf(vmName), []);
  });
});
