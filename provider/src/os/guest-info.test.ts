import assert from "node:assert/strict";
import { osFromGuestInfo } from "./guest-info";
import { linuxFamily } from "./handlers/linux";

describe("os/guest-info: the one reading of vSphere's guest info", () => {
  it("speaks the probes' vocabulary, so guest info and a probe agree on a VM", () => {
    const debian = osFromGuestInfo({ guestFamily: "linuxGuest", guestId: "debian12_64Guest" });
    assert.deepEqual(
      [debian.type, debian.family, debian.distribution, debian.version],
      ["linux", "debian", "debian", "12"],
    );
    assert.equal(debian.family, linuxFamily("debian", ""), "the Linux probe's family for the same distribution");
    const rocky = osFromGuestInfo({ guestId: "rockylinux_64Guest" });
    assert.deepEqual([rocky.type, rocky.family, rocky.distribution], ["linux", "redhat", "rocky"]);
    const rhel = osFromGuestInfo({ guestId: "rhel9_64Guest" });
    assert.deepEqual([rhel.family, rhel.version], ["redhat", "9"]);
  });

  it("Windows by family or id, with VMware Tools' product name", () => {
    const w = osFromGuestInfo({ guestFamily: "windowsGuest", fullName: "Microsoft Windows Server 2022 (64-bit)" });
    assert.deepEqual(
      [w.type, w.family, w.distribution],
      ["windows", "windows", "Microsoft Windows Server 2022 (64-bit)"],
    );
    assert.equal(osFromGuestInfo({ guestId: "windows2019srv_64Guest" }).type, "windows");
  });

  it("a Linux family without a distribution stays linux; nothing named is unknown", () => {
    const other = osFromGuestInfo({ guestFamily: "linuxGuest", guestId: "otherGuest64" });
    assert.deepEqual([other.type, other.family], ["linux", "linux"]);
    assert.equal(osFromGuestInfo({ guestFamily: "otherGuest", guestId: "otherGuest64" }).type, "unknown");
    assert.equal(osFromGuestInfo({}).type, "unknown");
  });
});
