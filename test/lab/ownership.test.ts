import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { findOne, listNamed } from "../../provider/src/vsphere/finder";
import { OWNER_KEY, portGroupOwner } from "../../provider/src/vsphere/ownership";
import { resolveDatacenter } from "../../provider/src/vsphere/placement";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { requireLab } from "../support/lab-env";
import { installPodInto, onStack, PulumiCli } from "../support/pulumi-cli";
import { sweepVcsim } from "../support/quickstart-stack";
import { labSession } from "../support/vsphere";

const repo = join(__dirname, "../..");

/** What vcsim holds for a VM and a port group: the VM's owner and NIC network, the port group's owner. */
async function inventory(vmName: string, portGroup: string) {
  const session = await labSession();
  try {
    const dc = await resolveDatacenter(session);
    const vmRef = (await listNamed(session, "VirtualMachine")).find((v) => v.name === vmName)?.ref;
    const vm = vmRef && (await readVm(session, vmRef));
    const network = await findOne(session, "Network", portGroup, { container: dc.networkFolder }).catch(
      () => undefined,
    );
    return {
      vmOwner: vm?.extraConfig[OWNER_KEY],
      vmNetworks: vm?.nics.map((n) => n.network) ?? [],
      portGroupOwner: network && (await portGroupOwner(session, network)),
      portGroupExists: network !== undefined,
    };
  } finally {
    await session.close();
  }
}

/**
 * Issue 16: objects know their owner. Two real stacks ask for the same
 * port-group name (and one for the same VM name): the second is refused with
 * OWNED_BY_OTHER naming the first, which stays untouched; destroying the
 * second leaves the first's objects.
 */
describe("lab: vSphere objects owned across stacks", function () {
  this.timeout(900_000);
  requireLab();
  const fixture = join(repo, "test/fixtures/owned-portgroup");
  const cli = new PulumiCli(fixture, { PULUMI_STACK: "" });
  const tag = `${process.pid.toString(36)}${randomBytes(2).toString("hex")}`;
  const portGroup = `pod-own-${tag}-pg`;
  const [a, b, c] = ["a", "b", "c"].map((s) => ({ stack: `own${tag}${s}`, vm: `pod-own-${tag}-${s}` }));
  const stacks = [a, b, c].filter((s) => s !== undefined);

  before(() => {
    installPodInto(repo, fixture);
    for (const s of stacks) {
      const { ok } = onStack(cli, s.stack);
      cli.ok("stack", "init", s.stack);
      ok("config", "set", "pod:vsphereHost", process.env.POD_VSPHERE_HOST ?? "");
      ok("config", "set", "pod:vsphereUser", process.env.POD_VSPHERE_USER ?? "");
      ok("config", "set", "pod:vsphereCaFile", process.env.POD_VSPHERE_CA_FILE ?? "");
      ok("config", "set", "--secret", "pod:vspherePassword", process.env.POD_VCSIM_PASSWORD ?? "");
      ok("config", "set", "portGroup", portGroup);
      ok("config", "set", "vlanId", "131");
      ok("config", "set", "vmName", s === c ? (a?.vm ?? "") : s.vm);
    }
  });

  after(async () => {
    for (const s of stacks) {
      onStack(cli, s.stack).pulumi("destroy", "--yes", "--skip-preview");
      cli.run("stack", "rm", "--yes", "--force", s.stack);
    }
    for (const s of stacks) await sweepVcsim(s.vm, portGroup);
  });

  it("records the first stack as owner of its VM and port group", async () => {
    assert.ok(a && b && c);
    onStack(cli, a.stack).ok("up", "--yes", "--skip-preview");
    const seen = await inventory(a.vm, portGroup);
    assert.match(seen.vmOwner ?? "", new RegExp(`^urn:pulumi:${a.stack}::pod-owned-portgroup::.*PodVm::vm$`));
    assert.match(
      seen.portGroupOwner ?? "",
      new RegExp(`^urn:pulumi:${a.stack}::pod-owned-portgroup::.*PodNetwork::net$`),
    );
    assert.deepEqual(seen.vmNetworks, [portGroup]);
  });

  it("refuses the same port-group name to a second stack, naming the owner; the first is untouched", async () => {
    assert.ok(a && b);
    const before = await inventory(a.vm, portGroup);
    const r = onStack(cli, b.stack).pulumi("up", "--yes", "--skip-preview");
    assert.notEqual(r.status, 0);
    assert.match(r.out, new RegExp(`OWNED_BY_OTHER\\].*Port group ${portGroup} belongs to stack ${a.stack}`));
    const after = await inventory(a.vm, portGroup);
    assert.deepEqual(after, before, "the first stack's VM and port group as they were");
    const bVm = await inventory(b.vm, portGroup);
    assert.equal(bVm.vmNetworks.includes(portGroup), false, "the second stack's VM was not put on it");
  });

  it("refuses the same VM name to a third stack, naming the owner", () => {
    assert.ok(a && c);
    const r = onStack(cli, c.stack).pulumi("up", "--yes", "--skip-preview");
    assert.notEqual(r.status, 0);
    assert.match(r.out, new RegExp(`OWNED_BY_OTHER\\].*VM ${a.vm} belongs to stack ${a.stack}`));
  });

  it("destroying the second stack leaves the first stack's objects", async () => {
    assert.ok(a && b);
    onStack(cli, b.stack).ok("destroy", "--yes", "--skip-preview");
    const seen = await inventory(a.vm, portGroup);
    assert.ok(seen.portGroupExists, "the port group stays");
    assert.deepEqual(seen.vmNetworks, [portGroup]);
    assert.equal((await inventory(b.vm, portGroup)).vmNetworks.length, 0, "the second stack's VM is gone");
    onStack(cli, a.stack).ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventory(a.vm, portGroup)).portGroupExists, false, "the owner's destroy removes it");
  });
});
