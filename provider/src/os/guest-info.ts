/**
 * The one reading of vSphere's guest info (guest.guestFamily, the guest id
 * VMware Tools or the VM's configured type names, the full name): the first
 * link of OS detection, and the whole of it for a VM pod cannot look into.
 * It speaks the probes' vocabulary (family "debian", "redhat", "windows"),
 * so a VM classified from guest info and one probed inside say the same.
 */
import { linuxFamily } from "./handlers/linux";
import type { GuestInfoHint, OsInfo } from "./types";

/** guestInfo plus the product name VMware Tools reports (guest.guestFullName). */
export interface GuestInfoFacts extends GuestInfoHint {
  fullName?: string;
}

const POSIX_GUEST =
  /linux|debian|ubuntu|rhel|centos|rocky|alma|fedora|suse|sles|oracle|photon|amazon|freebsd|solaris|darwin|coreos|asianux|mandr/i;

/** Distribution ids os-release would use, by the guest id's wording. */
const DISTRIBUTIONS: [RegExp, string][] = [
  [/rocky/i, "rocky"],
  [/alma/i, "almalinux"],
  [/rhel|centos/i, "rhel"],
  [/debian/i, "debian"],
  [/ubuntu/i, "ubuntu"],
  [/sles|suse/i, "suse"],
];

/** Which probe family guest info points at, or undefined when it names none. */
export function hintFromGuestInfo(info: GuestInfoHint | undefined): "windows" | "posix" | undefined {
  if (!info) return undefined;
  if (info.guestFamily === "windowsGuest" || /^win/i.test(info.guestId ?? "")) return "windows";
  if (info.guestFamily === "linuxGuest" || POSIX_GUEST.test(info.guestId ?? "")) return "posix";
  return undefined;
}

/** The OS as vSphere reports it; type "unknown" when guest info names no family. */
export function osFromGuestInfo(info: GuestInfoFacts): OsInfo {
  const base = { container: false, tools: [], version: "" };
  const hint = hintFromGuestInfo(info);
  if (hint === "windows") {
    return { ...base, type: "windows", family: "windows", distribution: info.fullName || "Windows" };
  }
  const id = info.guestId ?? "";
  if (hint === "posix" && /linux|debian|ubuntu|rhel|centos|rocky|alma|sles|suse|fedora|oracle|photon/i.test(id)) {
    const distribution = DISTRIBUTIONS.find(([pattern]) => pattern.test(id))?.[1] ?? "";
    return {
      ...base,
      type: "linux",
      family: distribution ? linuxFamily(distribution, "") : "linux",
      distribution,
      version: /(\d+)(?:_64)?Guest$/.exec(id)?.[1] ?? "",
    };
  }
  if (info.guestFamily === "linuxGuest") return { ...base, type: "linux", family: "linux", distribution: "" };
  return { ...base, type: "unknown", family: "unknown", distribution: info.fullName ?? "" };
}
