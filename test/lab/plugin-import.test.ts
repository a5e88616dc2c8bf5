import assert from "node:assert/strict";
import { PodClient } from "../../provider/src/client/pod-client";
import { Secret } from "../../provider/src/common/secret";
import { toVmSpec } from "../../provider/src/resources/pod-vm/state";
import { VsphereInfra } from "../../provider/src/vsphere/vsphere-infra";
import { requireLab } from "../support/lab-env";
import { type PluginStack, pluginStack } from "../support/plugin-stack";
import { inventoryNames, sweepVcsim } from "../support/quickstart-stack";

const vmArgs = (name: string) => ({
  name,
  template: "pod-template-debian12",
  powerState: "off" as const,
  numCpus: 1,
  memoryMb: 256,
});

/** The moid of the resource named `name` in a stack's state. */
function moidIn(s: PluginStack, name: string): { urn: string; id: string } {
  const state = JSON.parse(s.ok("stack", "export").slice(s.ok("stack", "export").indexOf("{"))) as {
    deployment: { resources?: { urn: string; id?: string; custom?: boolean }[] };
  };
  const r = (state.deployment.resources ?? []).find((x) => x.urn.endsWith(`::${name}`) && x.id);
  assert.ok(r?.id, `${name} is in the stack's state`);
  return { urn: r.urn, id: r.id };
}

/** Issue 13: adopting VMs with `pulumi import`, PodVm.get, the migration from dynamic resources, explicit providers. */
describe("plugin: import, get, migration and explicit providers", function () {
  // Each step is a Pulumi CLI run (plugin start-up included); several per test on a busy lab.
  this.timeout(900_000);
  const lab = requireLab();
  const id = `${process.pid}`;
  const stacks: PluginStack[] = [];
  const vms: string[] = [];
  const open = (stack: string) => {
    const s = pluginStack("ts-plugin-scenarios", stack, lab);
    stacks.push(s);
    return s;
  };

  after(async () => {
    for (const s of stacks) s.remove();
    for (const vm of vms) await sweepVcsim(vm, `none-${id}`);
  });

  it("imports a VM made through PodClient; the next up changes nothing; PodVm.get reads it", async () => {
    const name = `pod-plg-imp-${id}`;
    vms.push(name);
    const client = new PodClient({
      vsphereOptions: {
        host: lab.vsphereHost,
        user: lab.vsphereUser,
        password: new Secret(lab.vspherePassword),
        trust: { ca: lab.ca },
      },
    });
    let moid: string;
    try {
      moid = (await new VsphereInfra(await client.session()).createVm(toVmSpec(vmArgs(name)))).id;
    } finally {
      await client.close();
    }
    const s = open(`imp${id}`);
    // --generate-code=false: the lab's minimal Node language host cannot generate programs.
    const imported = s.ok("import", "pod:index:PodVm", "vm", moid, "--yes", "--generate-code=false");
    assert.match(imported, /1 imported/);
    s.ok("config", "set", "scenario", "vm");
    s.ok("config", "set", "vmName", name);
    s.ok("config", "set", "getMoid", moid);
    const up = s.ok("up", "--yes", "--skip-preview", "--expect-no-changes");
    assert.doesNotMatch(up, /to update|updated|to replace|replaced/);
    const outputs = JSON.parse(s.ok("stack", "output", "--json")) as { out: { seenName: string; moid: string } };
    assert.equal(outputs.out.moid, moid);
    assert.equal(outputs.out.seenName, name, "PodVm.get read the VM by its moid");
    s.ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventoryNames("VirtualMachine")).includes(name), false, "destroy removed the adopted VM");
  });

  it("moves a VM from the dynamic resources to the plugin: state delete, import, no changes", async () => {
    const name = `pod-plg-mig-${id}`;
    vms.push(name);
    const s = open(`mig${id}`);
    s.ok("config", "set", "scenario", "dynamic-vm");
    s.ok("config", "set", "vmName", name);
    s.ok("up", "--yes", "--skip-preview");
    const dynamicVm = moidIn(s, "vm");
    assert.match(dynamicVm.urn, /pulumi-nodejs:dynamic/);
    // The documented path (docs/plugin.md): forget the dynamic resource, adopt the VM with the plugin.
    s.ok("state", "delete", dynamicVm.urn, "--yes");
    s.ok("import", "pod:index:PodVm", "vm", dynamicVm.id, "--yes", "--generate-code=false");
    s.ok("config", "set", "scenario", "vm");
    s.ok("up", "--yes", "--skip-preview", "--expect-no-changes");
    assert.equal(moidIn(s, "vm").id, dynamicVm.id, "the same VM, now under pod:index:PodVm");
    assert.ok((await inventoryNames("VirtualMachine")).includes(name));
    s.ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventoryNames("VirtualMachine")).includes(name), false);
  });

  it("two explicit providers, each with its own vSphere settings, while stack config holds a wrong password", async () => {
    const name = `pod-plg-two-${id}`;
    vms.push(`${name}-0`, `${name}-1`);
    const s = open(`two${id}`);
    s.ok("config", "set", "scenario", "two-providers");
    s.ok("config", "set", "vmName", name);
    s.ok("config", "set", "--secret", "pod:vspherePassword", "not-the-password");
    const common = { vsphereHost: lab.vsphereHost, vsphereUser: lab.vsphereUser, vspherePassword: lab.vspherePassword };
    const providers = [
      { ...common, vsphereCaFile: lab.caFile },
      { ...common, vsphereThumbprint: lab.thumbprint },
    ];
    s.ok("config", "set", "--secret", "providers", JSON.stringify(providers));
    assert.match(s.ok("up", "--yes", "--skip-preview"), /5 created/);
    const names = await inventoryNames("VirtualMachine");
    assert.ok(names.includes(`${name}-0`) && names.includes(`${name}-1`), "one VM through each provider");
    assert.doesNotMatch(s.ok("stack", "export"), new RegExp(lab.vspherePassword), "provider passwords are encrypted");
    s.ok("destroy", "--yes", "--skip-preview");
  });
});
