import assert from "node:assert/strict";
import { isPodError } from "../common/errors";
import { diskChanges } from "./disk-changes";
import { KB_PER_GB, toDisks, toScsiControllers, type VmDisk } from "./disks";

const DS = { type: "Datastore", value: "datastore-9" };

function disk(key: number, gb: number, extra: Partial<VmDisk> = {}): VmDisk {
  const fileName = `[LocalDS_0] web/web_${key}.vmdk`;
  return {
    key,
    controllerKey: 1000,
    unitNumber: key - 2000,
    label: `Hard disk ${key}`,
    capacityKb: gb * KB_PER_GB,
    fileName,
    datastore: "LocalDS_0",
    provisioning: "thin",
    backing: { _type: "VirtualDiskFlatVer2BackingInfo", fileName, diskMode: "persistent", thinProvisioned: true },
    ...extra,
  };
}

const controllers = [{ key: 1000, usedUnits: [0, 1] }];
const refused = (code: string, pattern: RegExp) => (e: unknown) =>
  isPodError(e, code as never) && pattern.test(`${e.message} ${e.fix}`);

describe("diskChanges", () => {
  it("changes nothing when sizes match", () => {
    assert.deepEqual(diskChanges("web", [disk(2000, 10)], controllers, [{ sizeGb: 10 }]), []);
  });

  it("grows a disk in place: same key, same backing, the new capacity", () => {
    const [change] = diskChanges("web", [disk(2000, 10)], controllers, [{ sizeGb: 20 }]);
    assert.ok(change);
    assert.equal(change.operation, "edit");
    assert.equal(change.fileOperation, undefined);
    assert.equal(change.device.key, 2000);
    assert.equal((change.device as unknown as { capacityInKB: number }).capacityInKB, 20 * KB_PER_GB);
    assert.equal((change.device.backing as { fileName: string }).fileName, "[LocalDS_0] web/web_2000.vmdk");
  });

  it("refuses to shrink, naming the current size and what to set", () => {
    assert.throws(
      () => diskChanges("web", [disk(2000, 10)], controllers, [{ sizeGb: 5 }]),
      refused("DISK_SHRINK", /disk 0 of web .* is 10 GB; it cannot shrink to 5 GB.*sizeGb to 10 or more/),
    );
  });

  it("adds thin, thick and eager-zeroed disks on free SCSI units, on the datastore asked for", () => {
    const changes = diskChanges("web", [disk(2000, 10)], controllers, [
      { sizeGb: 10 },
      { sizeGb: 1 },
      { sizeGb: 2, provisioning: "thick", datastore: { name: "ds2", ref: DS } },
      { sizeGb: 3, provisioning: "eagerZeroedThick" },
    ]);
    assert.deepEqual(
      changes.map((c) => [c.operation, c.fileOperation, c.device.unitNumber]),
      [
        ["add", "create", 2],
        ["add", "create", 3],
        ["add", "create", 4],
      ],
    );
    const backings = changes.map((c) => c.device.backing as Record<string, unknown>);
    assert.deepEqual(
      backings.map((b) => [b.thinProvisioned, b.eagerlyScrub, b.fileName]),
      [
        [true, false, ""],
        [false, false, "[ds2]"],
        [false, true, ""],
      ],
    );
    assert.deepEqual(backings[1]?.datastore, DS);
  });

  it("skips unit 7 (the controller's own)", () => {
    const busy = [{ key: 1000, usedUnits: [0, 1, 2, 3, 4, 5, 6] }];
    const [change] = diskChanges("web", [disk(2000, 10)], busy, [{ sizeGb: 10 }, { sizeGb: 1 }]);
    assert.equal(change?.device.unitNumber, 8);
  });

  it("removes extra disks and deletes their files", () => {
    const changes = diskChanges("web", [disk(2000, 10), disk(2001, 1)], controllers, [{ sizeGb: 10 }]);
    assert.deepEqual(
      changes.map((c) => [c.operation, c.fileOperation, c.device.key]),
      [["remove", "destroy", 2001]],
    );
  });

  it("refuses in-place provisioning or datastore changes, and growing a linked clone's child disk", () => {
    assert.throws(
      () => diskChanges("web", [disk(2000, 10)], controllers, [{ sizeGb: 10, provisioning: "thick" }]),
      refused("INVALID_INPUT", /is thin; pod cannot make it thick/),
    );
    assert.throws(
      () => diskChanges("web", [disk(2000, 10)], controllers, [{ sizeGb: 10, datastore: { name: "ds2", ref: DS } }]),
      refused("INVALID_INPUT", /is on LocalDS_0; pod does not move disks to ds2/),
    );
    const child = disk(2000, 10, { parentFileName: "[LocalDS_0] base/base.vmdk" });
    assert.throws(
      () => diskChanges("web", [child], controllers, [{ sizeGb: 11 }]),
      refused("UNSUPPORTED", /linked clone's child disk/),
    );
  });

  it("fails before any change when no SCSI controller has room", () => {
    assert.throws(
      () => diskChanges("web", [disk(2000, 10)], [], [{ sizeGb: 10 }, { sizeGb: 1 }]),
      refused("UNSUPPORTED", /no SCSI controller/),
    );
  });

  it("reads disks in key order with provisioning, datastore and parent, and SCSI controllers with used units", () => {
    const devices = [
      { _type: "ParaVirtualSCSIController", key: 1000, busNumber: 0, sharedBus: "noSharing", scsiCtlrUnitNumber: 7 },
      {
        _type: "VirtualDisk",
        key: 2001,
        controllerKey: 1000,
        unitNumber: 1,
        capacityInKB: 2 * KB_PER_GB,
        backing: {
          _type: "VirtualDiskFlatVer2BackingInfo",
          fileName: "[ds2] web/web_1.vmdk",
          diskMode: "persistent",
          thinProvisioned: false,
          eagerlyScrub: true,
          parent: { fileName: "[ds2] base/base.vmdk", diskMode: "persistent" },
        },
      },
      { _type: "VirtualDisk", key: 2000, controllerKey: 1000, unitNumber: 0, capacityInKB: KB_PER_GB },
    ] as never[];
    const disks = toDisks(devices);
    assert.deepEqual(
      disks.map((d) => [d.key, d.datastore, d.provisioning, d.parentFileName]),
      [
        [2000, "", "thick", undefined],
        [2001, "ds2", "eagerZeroedThick", "[ds2] base/base.vmdk"],
      ],
    );
    assert.deepEqual(toScsiControllers(devices), [{ key: 1000, usedUnits: [1, 0] }]);
  });
});
