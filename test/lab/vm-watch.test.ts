import assert from "node:assert/strict";
import Docker from "dockerode";
import type { MoRef, VsphereSession } from "../../provider/src/vsphere/session";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { powerOn, stopVm, waitForIp } from "../../provider/src/vsphere/vm-ops";
import { VmWatch } from "../../provider/src/vsphere/vm-watch";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { labSession } from "../support/vsphere";

/** The guest container vcsim runs for a VM (vcsim names it vcsim-<vm name>-<uuid>). */
async function guestContainer(vmName: string) {
  const [found] = await new Docker().listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });
  return found;
}

/**
 * The event-driven waits (vsphere/vm-watch.ts): a wait wakes on vSphere's
 * WaitForUpdatesEx rather than a fixed sleep. Checked by outcome: the watch
 * reports the change that happened (and none when nothing did), and the IP and
 * power-off waits built on it end as Docker sees the guest container.
 */
describe("lab: waits that wake on vSphere property updates", () => {
  let session: VsphereSession;
  let vm: LabVm | undefined;
  let ref: MoRef;

  before(async () => {
    session = await labSession();
    // Container-backed but left off: powering it on is the change under test.
    vm = await createLabVm({ prefix: "watch", powerOn: false });
    ref = vm.ref;
  });

  after(async () => {
    await vm?.remove();
    await session?.close();
  });

  it("reports no change when the watched property stays as it is", async () => {
    const watch = await VmWatch.open(session, ref, ["runtime.powerState"]);
    try {
      assert.equal(await watch.changed(1_000), false);
      assert.equal((await readVm(session, ref))?.powerState, "poweredOff");
    } finally {
      await watch.close();
    }
  });

  it("waitForIp, started while the VM is off, returns the address Docker gives the guest once it is on", async () => {
    const waiting = waitForIp(session, ref, 60_000);
    await powerOn(session, ref, 60_000);
    const info = await waiting;
    const container = await guestContainer(vm?.name ?? "");
    assert.ok(container, "vcsim started the guest container");
    const networks = Object.values((await new Docker().getContainer(container.Id).inspect()).NetworkSettings.Networks);
    assert.ok(
      networks.some((n) => n.IPAddress === info.guest.ipAddress),
      `${info.guest.ipAddress} is one of the container's addresses`,
    );
  });

  it("wakes when the power state changes; stopVm ends with the VM off and its container stopped", async () => {
    const running = await readVm(session, ref);
    assert.equal(running?.powerState, "poweredOn");
    const watch = await VmWatch.open(session, ref, ["runtime.powerState"]);
    try {
      const woke = watch.changed(60_000);
      await stopVm(session, running as NonNullable<typeof running>, 30_000);
      assert.equal(await woke, true);
    } finally {
      await watch.close();
    }
    assert.equal((await readVm(session, ref))?.powerState, "poweredOff");
    const container = await guestContainer(vm?.name ?? "");
    assert.notEqual(container?.State, "running", "Docker no longer runs the guest container");
  });
});
