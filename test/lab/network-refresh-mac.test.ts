import assert from "node:assert/strict";
import type { PodNetworkInputs, PodNetworkOutputs } from "../../provider/src/resources/pod-network/args";
import { PodNetworkProvider } from "../../provider/src/resources/pod-network/provider";
import { retrieveProperties } from "../../provider/src/vsphere/property";
import type { MoRef, VsphereSession } from "../../provider/src/vsphere/session";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { powerOff } from "../../provider/src/vsphere/vm-ops";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { inventoryNames } from "../support/quickstart-stack";
import { labSession, uniqueName } from "../support/vsphere";

/**
 * Refresh right after create reported "NIC <mac> is gone" now and then. Cause,
 * seen in vcsim's inventory: moving a NIC edited it without its MAC, vcsim
 * gave the edited NIC a newly generated one (pod recorded that), and vcsim's
 * container sync (every 10 s) set the first NIC back to the container's MAC:
 * a refresh after that tick no longer found the recorded MAC.
 */
describe("lab: PodNetwork refresh after vcsim's container sync (the NIC keeps its MAC)", function () {
  this.timeout(180_000);
  const lab = requireLab();
  const provider = new PodNetworkProvider();
  let session: VsphereSession;
  let vm: LabVm;

  before(async () => {
    vm = await createLabVm({ prefix: "pod-macsync", waitFor: "ip" });
    session = await labSession();
  });
  after(async () => {
    await vm?.remove();
    await session?.close();
    await provider.close();
  });

  const annotation = async (ref: MoRef) =>
    (await retrieveProperties<{ "config.annotation"?: string }>(session, [ref], ["config.annotation"]))[0]?.props[
      "config.annotation"
    ];

  /** vcsim writes annotation "inspect" each time it syncs a container VM: mark it, wait until it is overwritten. */
  async function nextContainerSync(ref: MoRef) {
    const info = await readVm(session, ref);
    assert.ok(info);
    await session.call("ReconfigVM_Task", { _this: ref, spec: { annotation: "pod-test: waiting for vcsim's sync" } });
    const deadline = Date.now() + 60_000;
    while ((await annotation(ref)) !== "inspect") {
      assert.ok(Date.now() < deadline, "vcsim synced the container VM within 60 s");
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it("records the MAC the NIC keeps, so refresh after vcsim's sync finds no drift, three times over", async () => {
    const before = (await readVm(session, vm.ref))?.nics[0]?.mac;
    assert.ok(before, "the VM has a NIC with a MAC");
    for (let round = 0; round < 3; round++) {
      const inputs: PodNetworkInputs = {
        connection: vsphereConnectionOf(lab),
        vm: vm.ref.value,
        nic: 0,
        portGroup: { name: uniqueName(`pod-macsync-${round}`), vlanId: 3900 + round },
      };
      const { id, outs } = await provider.create(inputs);
      const created = outs as PodNetworkOutputs;
      try {
        assert.equal(created.nicMac, before, "moving the NIC kept its MAC");
        await nextContainerSync(vm.ref);
        assert.equal((await readVm(session, vm.ref))?.nics[0]?.mac, before, "vcsim's sync left the MAC as it was");
        const read = await provider.read(id, created);
        assert.deepEqual(read.props?.drift, [], `round ${round}: no drift after vcsim's sync`);
      } finally {
        await provider.delete(id, created);
      }
    }
  });

  // Runs last: it leaves the VM powered off. The e2e quickstarts power a VM off out of band, refresh and
  // destroy; now and then destroy failed with IN_USE: vcsim shows a stopped container's NIC with no MAC,
  // refresh recorded that "", and delete, having no MAC, left the NIC on pod's port group.
  it("a VM powered off out of band: refresh keeps the NIC's MAC, and delete still moves the NIC back", async () => {
    const inputs: PodNetworkInputs = {
      connection: vsphereConnectionOf(lab),
      vm: vm.ref.value,
      nic: 0,
      portGroup: { name: uniqueName("pod-macoff"), vlanId: 3910 },
    };
    const { id, outs } = await provider.create(inputs);
    const created = outs as PodNetworkOutputs;
    let current = created;
    try {
      await powerOff(session, vm.ref, 60_000);
      const deadline = Date.now() + 60_000;
      while ((await readVm(session, vm.ref))?.nics[0]?.mac !== "") {
        assert.ok(Date.now() < deadline, "vcsim shows the stopped container's NIC without a MAC within 60 s");
        await new Promise((r) => setTimeout(r, 250));
      }
      const read = await provider.read(id, created);
      current = read.props as PodNetworkOutputs;
      assert.equal(current.nicMac, created.nicMac, "refresh kept the MAC it had recorded");
      assert.deepEqual(current.drift, [], "the NIC is still on pod's port group: no drift");
    } finally {
      await provider.delete(id, current);
    }
    assert.equal((await inventoryNames("Network")).includes(inputs.portGroup?.name ?? ""), false, "port group removed");
    assert.notEqual((await readVm(session, vm.ref))?.nics[0]?.network, inputs.portGroup?.name, "the NIC moved back");
  });
});
