import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { KB_PER_GB } from "../../provider/src/vsphere/disks";
import { requireLab } from "../support/lab-env";
import { installPodInto, onStack, PulumiCli } from "../support/pulumi-cli";
import { rawDisks, vmByName } from "../support/vcsim-vm";

const repo = join(__dirname, "../..");

/**
 * Issue 14: PodVm disks through the real Pulumi CLI. Each `pulumi up`
 * changes the disk list in stack config; vcsim's own device list is the
 * judge. A shrink fails the update with DISK_SHRINK and leaves vcsim as it was.
 */
describe("lab: PodVm disks through `pulumi up`", function () {
  this.timeout(600_000);
  const lab = requireLab();
  const id = randomBytes(4).toString("hex");
  const stack = `vmdisks${id}`;
  const name = `pod-disks-${id}`;
  const fixture = join(repo, "test/fixtures/vm-disks");
  const cli = new PulumiCli(fixture, { PULUMI_STACK: "" });
  const { pulumi, ok } = onStack(cli, stack);
  const sizes = async () => {
    const vm = await vmByName(name);
    assert.ok(vm, `vcsim has the VM ${name}`);
    return (await rawDisks(vm)).map((d) => [d.capacityInKB / KB_PER_GB, d.thinProvisioned]);
  };
  const setDisks = (disks: unknown) => ok("config", "set", "disks", JSON.stringify(disks));

  before(() => {
    installPodInto(repo, fixture);
    cli.ok("stack", "init", stack);
    ok("config", "set", "name", name);
    ok("config", "set", "pod:vsphereHost", lab.vsphereHost);
    ok("config", "set", "pod:vsphereUser", lab.vsphereUser);
    ok("config", "set", "--secret", "pod:vspherePassword", lab.vspherePassword);
    ok("config", "set", "pod:vsphereCaFile", lab.caFile);
  });

  after(() => {
    pulumi("destroy", "--yes", "--skip-preview");
    cli.run("stack", "rm", "--yes", "--force", stack);
    rmSync(cli.backend, { recursive: true, force: true });
  });

  it("up: the template's disk grown to 12 GB and a thick 1 GB disk added", async () => {
    setDisks([{ sizeGb: 12 }, { sizeGb: 1, provisioning: "thick" }]);
    ok("up", "--yes", "--skip-preview");
    assert.deepEqual(await sizes(), [
      [12, true],
      [1, false],
    ]);
  });

  it("up again: grown to 14 GB and the second disk removed, in place (same VM)", async () => {
    const before = await vmByName(name);
    setDisks([{ sizeGb: 14 }]);
    const out = ok("up", "--yes", "--skip-preview");
    assert.doesNotMatch(out, /replaced/);
    assert.deepEqual(await vmByName(name), before, "the same VM, not a replacement");
    assert.deepEqual(await sizes(), [[14, true]]);
  });

  it("a shrink fails the update with DISK_SHRINK naming 14 GB; vcsim keeps the disk as it was", async () => {
    setDisks([{ sizeGb: 13 }, { sizeGb: 1 }]);
    const r = pulumi("up", "--yes", "--skip-preview");
    assert.notEqual(r.status, 0);
    assert.match(r.out, /\[DISK_SHRINK\] disk 0 of pod-disks-\w+ .* is 14 GB; it cannot shrink to 13 GB/);
    assert.deepEqual(await sizes(), [[14, true]], "nothing half-applied: no disk added, none shrunk");
  });

  it("destroy removes the VM from vcsim", async () => {
    ok("destroy", "--yes", "--skip-preview");
    assert.equal(await vmByName(name), undefined);
  });
});
