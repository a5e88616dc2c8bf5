import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { PodVmInputs, PodVmOutputs } from "../../provider/src/resources/pod-vm/args";
import { PodVmProvider } from "../../provider/src/resources/pod-vm/provider";
import { KB_PER_GB } from "../../provider/src/vsphere/disks";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { createLocalDatastore, rawDisks, vmByName, vmdkIn } from "../support/vcsim-vm";
import { uniqueName } from "../support/vsphere";

/**
 * PodVm disks (issue 14) against vcsim: add, grow, remove, thin/thick,
 * datastore choice; every outcome read back from vcsim's devices and the
 * datastore's directory, never from PodVm's outputs. Refusals leave vcsim
 * as it was.
 */
describe("PodVm disks against vcsim", () => {
  const lab = requireLab();
  const provider = new PodVmProvider();
  const connection = vsphereConnectionOf(lab);
  // A powered-off VM pinned to one host: disks need no guest, and the second datastore is mounted there.
  const HOST = "DC0_C0_H0";
  const base = (name: string, extra: Partial<PodVmInputs> = {}): PodVmInputs => ({
    connection,
    name,
    template: "pod-template-debian12",
    host: HOST,
    powerState: "off",
    waitForIpTimeoutSeconds: 0,
    ...extra,
  });
  const dsName = uniqueName("pod-ds");
  let ds: Awaited<ReturnType<typeof createLocalDatastore>>;

  before(async () => {
    ds = await createLocalDatastore(HOST, dsName);
  });
  after(async () => {
    await ds?.remove().catch(() => undefined);
  });

  describe("lifecycle", () => {
    const inputs = base(uniqueName("podvm-disks"), {
      disks: [
        { sizeGb: 12 },
        { sizeGb: 1 },
        { sizeGb: 2, provisioning: "eagerZeroedThick", datastore: dsName },
        { sizeGb: 3, provisioning: "thick" },
      ],
    });
    let id = "";
    let outs: PodVmOutputs;
    after(async () => {
      if (id) await provider.delete(id, outs).catch(() => undefined);
    });

    it("creates with the template's disk grown and three more: thin, eager-zeroed thick on the second datastore, thick", async () => {
      const created = await provider.create(inputs);
      id = created.id;
      outs = created.outs as PodVmOutputs;
      const disks = await rawDisks({ type: "VirtualMachine", value: id });
      assert.deepEqual(
        disks.map((d) => [d.capacityInKB / KB_PER_GB, d.thinProvisioned, d.eagerlyScrub, d.fileName.split("]")[0]]),
        [
          [12, true, false, "[LocalDS_0"],
          [1, true, false, "[LocalDS_0"],
          [2, false, true, `[${dsName}`],
          [3, false, false, "[LocalDS_0"],
        ],
      );
      assert.ok(existsSync(vmdkIn(ds.dir, inputs.name)), "vcsim wrote the disk's file into the second datastore");
    });

    it("grows disk 0 and removes the extra disks in place, deleting the removed disk's file", async () => {
      const news = { ...inputs, disks: [{ sizeGb: 15 }, { sizeGb: 4 }] };
      const d = await provider.diff(id, outs, news);
      assert.deepEqual(d.replaces, []);
      outs = (await provider.update(id, outs, news)).outs as PodVmOutputs;
      const disks = await rawDisks({ type: "VirtualMachine", value: id });
      assert.deepEqual(
        disks.map((x) => x.capacityInKB / KB_PER_GB),
        [15, 4],
      );
      assert.equal(existsSync(vmdkIn(ds.dir, inputs.name)), false, "the removed disk's file is gone");
      assert.equal((await provider.diff(id, outs, news)).changes, false);
    });

    it("refuses to shrink with DISK_SHRINK naming the current size; vcsim's disks are unchanged", async () => {
      const before = await rawDisks({ type: "VirtualMachine", value: id });
      const news = { ...inputs, disks: [{ sizeGb: 15 }, { sizeGb: 2 }, { sizeGb: 1 }] };
      await assert.rejects(provider.update(id, outs, news), (e: Error) => {
        assert.match(
          e.message,
          /\[DISK_SHRINK\] disk 1 of .* is 4 GB; it cannot shrink to 2 GB\. Fix: Set disks\[1\]\.sizeGb to 4 or more/,
        );
        return true;
      });
      assert.deepEqual(
        await rawDisks({ type: "VirtualMachine", value: id }),
        before,
        "nothing half-applied (no disk added)",
      );
    });
  });

  describe("bad input fails before anything is cloned", () => {
    const refusedBeforeClone = async (inputs: PodVmInputs, pattern: RegExp) => {
      await assert.rejects(provider.create(inputs), (e: Error) => {
        assert.match(e.message, pattern);
        return true;
      });
      assert.equal(await vmByName(inputs.name), undefined, "vcsim has no VM of that name");
    };

    it("a disk smaller than the template's: DISK_SHRINK with the template's size", async () => {
      await refusedBeforeClone(
        base(uniqueName("podvm-shrink"), { disks: [{ sizeGb: 5 }] }),
        /\[DISK_SHRINK\] disk 0 of podvm-shrink-\S+ \(\[LocalDS_0\] pod-template-debian12\/pod-template-debian12\.vmdk\) is 10 GB/,
      );
    });

    it('an unknown disk datastore: NOT_FOUND, did you mean "LocalDS_0"', async () => {
      await refusedBeforeClone(
        base(uniqueName("podvm-ds"), { disks: [{ sizeGb: 10 }, { sizeGb: 1, datastore: "LocalDS_O" }] }),
        /\[NOT_FOUND\] No datastore called "LocalDS_O" exists\. Fix: Did you mean "LocalDS_0"\?/,
      );
    });
  });
});
