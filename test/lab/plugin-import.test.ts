import assert from "node:assert/strict";
import { PodClient } from "../../provider/src/client/pod-client";
import { Secret } from "../../provider/src/common/secret";
import { toVmSpec } from "../../provider/src/resources/pod-vm/state";
import { resolveDatacenter } from "../../provider/src/vsphere/placement";
import { removePortGroup } from "../../provider/src/vsphere/portgroup-ensure";
import { ensureDistributedPortGroup, ensureStandardPortGroup } from "../../provider/src/vsphere/portgroups";
import { VsphereInfra } from "../../provider/src/vsphere/vsphere-infra";
import { requireLab } from "../support/lab-env";
import { type PluginStack, pluginStack } from "../support/plugin-stack";
import { inventoryNames, sweepVcsim } from "../support/quickstart-stack";
import { labSession } from "../support/vsphere";

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

/** Issue 13: adopting VMs and port groups with `pulumi import`, PodVm.get and PodNetwork.get, the migration from dynamic resources, explicit providers. */
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

  const pgs: string[] = [];
  const dvpgs: string[] = [];

  after(async () => {
    for (const s of stacks) s.remove();
    for (const vm of vms) await sweepVcsim(vm, `none-${id}`);
    for (const pg of pgs) await sweepVcsim(`none-${id}`, pg);
    const session = await labSession();
    try {
      const dc = await resolveDatacenter(session);
      for (const pg of dvpgs) await removePortGroup(session, dc, { name: pg, kind: "distributed" }, []);
    } finally {
      await session.close();
    }
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

  it("moves a VM and a port group from the dynamic resources to the plugin with aliases: no replace, no change", async () => {
    const name = `pod-plg-ali-${id}`;
    const pg = `pod-plg-alipg-${id}`;
    vms.push(name);
    pgs.push(pg);
    const s = open(`ali${id}`);
    s.ok("config", "set", "scenario", "dynamic-vm");
    s.ok("config", "set", "vmName", name);
    s.ok("config", "set", "pgName", pg);
    s.ok("config", "set", "pgVlan", `${3100 + ((process.pid + 1) % 800)}`);
    s.ok("up", "--yes", "--skip-preview");
    const before = { vm: moidIn(s, "vm"), net: moidIn(s, "net") };
    assert.match(before.vm.urn, /pulumi-nodejs:dynamic\/pod:PodVm::vm$/);
    assert.match(before.net.urn, /pulumi-nodejs:dynamic\/pod:PodNetwork::net$/);
    // The program now declares both through the plugin, each with an alias to its dynamic type (docs/plugin.md).
    s.ok("config", "set", "scenario", "alias-vm");
    const moved = s.ok("up", "--yes", "--skip-preview", "--expect-no-changes");
    assert.doesNotMatch(moved, /replace|created|deleted|updated/);
    const after = { vm: moidIn(s, "vm"), net: moidIn(s, "net") };
    assert.match(after.vm.urn, /::pod:index:PodVm::vm$/);
    assert.match(after.net.urn, /::pod:index:PodNetwork::net$/);
    assert.equal(after.vm.id, before.vm.id, "the same VM, now under the plugin");
    // The plugin refreshes state the dynamic provider wrote, and the next up still changes nothing.
    s.ok("refresh", "--yes", "--skip-preview");
    s.ok("up", "--yes", "--skip-preview", "--expect-no-changes");
    s.ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventoryNames("VirtualMachine")).includes(name), false, "the plugin destroyed the moved VM");
    assert.equal((await inventoryNames("Network")).includes(pg), false, "and the moved port group");
  });

  it("imports a standard port group made outside Pulumi by name; the next up changes nothing; destroy removes it", async () => {
    const pg = `pod-plg-pg-${id}`;
    const vlan = 3100 + (process.pid % 800);
    const session = await labSession();
    try {
      await ensureStandardPortGroup(session, await resolveDatacenter(session), { name: pg, vlanId: vlan });
    } finally {
      await session.close();
    }
    pgs.push(pg);
    const s = open(`pg${id}`);
    assert.match(s.ok("import", "pod:index:PodNetwork", "net", pg, "--yes", "--generate-code=false"), /1 imported/);
    s.ok("config", "set", "scenario", "network");
    s.ok("config", "set", "pgName", pg);
    s.ok("config", "set", "pgVlan", `${vlan}`);
    s.ok("config", "set", "getNetwork", pg);
    const up = s.ok("up", "--yes", "--skip-preview", "--expect-no-changes");
    assert.doesNotMatch(up, /to update|updated|to replace|replaced/);
    const outputs = JSON.parse(s.ok("stack", "output", "--json")) as {
      out: { portGroupName: string; seenVlan: number };
    };
    assert.equal(outputs.out.portGroupName, pg);
    assert.equal(outputs.out.seenVlan, vlan, "PodNetwork.get read the port group's VLAN");
    s.ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventoryNames("Network")).includes(pg), false, "destroy removed the adopted port group");
  });

  it("imports a distributed port group by its moid (dvportgroup-NN); the next up changes nothing; destroy removes it", async () => {
    const pg = `pod-plg-dvpg-${id}`;
    const vlan = 3100 + (process.pid % 800);
    const session = await labSession();
    let moid: string;
    try {
      const dc = await resolveDatacenter(session);
      moid = (await ensureDistributedPortGroup(session, dc, { name: pg, vlan: { vlanId: vlan } })).ref.value;
    } finally {
      await session.close();
    }
    dvpgs.push(pg);
    assert.match(moid, /^dvportgroup-\d+$/);
    const s = open(`dvpg${id}`);
    assert.match(s.ok("import", "pod:index:PodNetwork", "net", moid, "--yes", "--generate-code=false"), /1 imported/);
    s.ok("config", "set", "scenario", "network");
    s.ok("config", "set", "pgName", pg);
    s.ok("config", "set", "pgVlan", `${vlan}`);
    s.ok("config", "set", "pgKind", "distributed");
    s.ok("up", "--yes", "--skip-preview", "--expect-no-changes");
    s.ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventoryNames("Network")).includes(pg), false, "destroy removed the adopted port group");
  });

  it("says why a PodCommand cannot be imported, and a port group that does not exist by its close names", () => {
    const s = open(`nimp${id}`);
    const command = s.pulumi("import", "pod:index:PodCommand", "cmd", "some-id", "--yes", "--generate-code=false");
    assert.notEqual(command.status, 0);
    assert.match(command.out, /A PodCommand cannot be imported: it is a run, not an object to adopt/);
    const missing = s.pulumi("import", "pod:index:PodNetwork", "net", "VM Netwrk", "--yes", "--generate-code=false");
    assert.notEqual(missing.status, 0);
    assert.match(missing.out, /No port group "VM Netwrk" in DC0.*Did you mean "VM Network"/s);
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
