import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PodCommandInputs } from "../../provider/src/resources/pod-command/args";
import { PodCommandProvider } from "../../provider/src/resources/pod-command/provider";
import type { PodNetworkInputs, PodNetworkOutputs } from "../../provider/src/resources/pod-network/args";
import { PodNetworkProvider } from "../../provider/src/resources/pod-network/provider";
import type { PodVmInputs, PodVmOutputs } from "../../provider/src/resources/pod-vm/args";
import { PodVmProvider } from "../../provider/src/resources/pod-vm/provider";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { containerBacking, uniqueName } from "../support/vsphere";

/**
 * Issue 7: the resources' audit records. The providers Pulumi runs, driven
 * directly and configured as `pulumi up` would (stack config pod:auditLog),
 * with the URNs the SDK passes as pulumiUrn: one change record per change,
 * correlated by URN, and no password anywhere in the file.
 */
describe("lab: audit records from the Pulumi resources", function () {
  this.timeout(180_000);
  const lab = requireLab();
  const password = `pod-Audit-${process.pid}-Pw7q`;
  const urn = (type: string, name: string) => `urn:pulumi:lab::pod::pulumi-nodejs:dynamic/pod:${type}::${name}`;
  const URN_VM = urn("PodVm", "audited-vm");
  const URN_NET = urn("PodNetwork", "audited-net");
  const URN_CMD = urn("PodCommand", "audited-cmd");
  const vms = new PodVmProvider();
  const nets = new PodNetworkProvider();
  const commands = new PodCommandProvider();
  const connection = vsphereConnectionOf(lab);
  let dir: string;
  let file: string;
  let vm: { id: string; outs: PodVmOutputs } | undefined;

  const configureAll = async (values: Record<string, string>) => {
    const req = { config: { get: (key: string) => values[key] } } as never;
    // Three providers, one process-wide runtime: the same file is opened once.
    for (const provider of [vms, nets, commands]) await provider.configure(req);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "pod-resource-audit-"));
    file = join(dir, "audit.jsonl");
    await configureAll({ "pod:auditLog": file });
  });

  after(async () => {
    if (vm) await vms.delete(vm.id, vm.outs).catch(() => undefined);
    await configureAll({}); // audit off again for the tests after this one
    await nets.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("records VM, port group, NIC and guest network changes and commands, by URN, without a password", async () => {
    const vmInputs = {
      connection,
      name: uniqueName("audit"),
      template: "pod-template-debian12",
      numCpus: 1,
      memoryMb: 256,
      nics: [{ network: "VM Network" }],
      extraConfig: containerBacking(
        "pod-guest-debian:12",
        `--cap-add NET_ADMIN -e VMX_GUESTINFO_POD_PASSWORD=${password}`,
      ),
      guest: { user: "pod", password },
      waitForIpTimeoutSeconds: 60,
      shutdownTimeoutSeconds: 10,
      pulumiUrn: URN_VM,
    } as PodVmInputs;
    const created = await vms.create(vmInputs);
    vm = { id: created.id, outs: created.outs as PodVmOutputs };
    const bigger = { ...vmInputs, numCpus: 2 };
    assert.equal(
      (await vms.diff(vm.id, vm.outs, { ...vmInputs, pulumiUrn: urn("PodVm", "moved") } as PodVmInputs)).changes,
      false,
    );
    vm.outs = (await vms.update(vm.id, vm.outs, bigger)).outs as PodVmOutputs;

    const netInputs = {
      connection,
      vm: vm.id,
      portGroup: { name: uniqueName("pg-audit"), vlanId: 340 },
      nic: 0,
      target: { transport: "guestops", vmId: vm.id, user: "pod", password },
      interfaces: [{ name: "eth0", mtu: 1400 }],
      pulumiUrn: URN_NET,
    } as PodNetworkInputs;
    const net = await nets.create(netInputs);
    const netOuts = net.outs as PodNetworkOutputs;
    assert.equal(netOuts.applied[0]?.mtu, 1400);

    const cmdInputs = {
      target: { host: vm.outs.ipAddress, user: "pod", password, hostKeys: vm.outs.sshHostKeys },
      create: ["sh", "-c", `echo ${password} | wc -c`],
      pulumiUrn: URN_CMD,
    } as PodCommandInputs;
    await commands.create(cmdInputs);

    await nets.delete(net.id, netOuts);
    await vms.delete(vm.id, vm.outs);
    vm = undefined;

    const text = await readFile(file, "utf8");
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const changes = lines.filter((l) => l.kind === "change");
    assert.deepEqual(
      changes.map((c) => [c.action, c.result, c.correlationId]),
      [
        ["vm.created", "ok", URN_VM],
        ["vm.reconfigured", "ok", URN_VM],
        ["portgroup.added", "ok", URN_NET],
        ["nic.moved", "ok", URN_NET],
        ["network.applied", "ok", URN_NET],
        ["network.restored", "ok", URN_NET],
        ["nic.moved", "ok", URN_NET],
        ["portgroup.removed", "ok", URN_NET],
        ["vm.deleted", "ok", URN_VM],
      ],
    );
    for (const c of changes) {
      for (const field of ["time", "actor", "target", "action", "result", "durationMs", "correlationId"]) {
        assert.ok(field in c, `${field} in ${JSON.stringify(c)}`);
      }
    }
    const pg = netInputs.portGroup?.name;
    assert.deepEqual(
      changes.filter((c) => c.action === "nic.moved").map((c) => c.details as Record<string, unknown>),
      [
        { nic: 0, mac: netOuts.nicMac, from: "VM Network", to: pg },
        // vcsim may give a container-backed NIC a new MAC when its backing changes.
        { nic: 0, mac: (changes[6]?.details as { mac?: string } | undefined)?.mac, from: pg, to: "VM Network" },
      ],
    );
    assert.deepEqual((changes[1]?.details as { changed?: string[] } | undefined)?.changed, ["numCpus"]);
    assert.equal(changes[4]?.target, `vm:${created.id}`);

    // Commands are audited too, the PodCommand's under its URN, with the password redacted.
    const mine = lines.filter((l) => l.kind === "command" && l.correlationId === URN_CMD);
    assert.equal(mine.length, 1);
    assert.match(String(mine[0]?.action), /echo \*\*\* \| wc -c/);
    assert.ok(!text.includes(password), "the guest password is in the audit log");
    assert.ok(!text.includes(lab.vspherePassword), "the vSphere password is in the audit log");
  });
});
