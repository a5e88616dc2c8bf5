import type { VmState } from "../../infra/types";
import type { DetectedOs } from "./args";

/**
 * The OS as vSphere sees it (guestFamily / guestId from VMware Tools or the
 * VM's configured guest type): the first link of the detection chain, used
 * when no guest credentials are given.
 */
export function osFromGuestInfo(state: VmState): DetectedOs {
  const id = (state.guestInfo.guestId ?? "").toLowerCase();
  const family = state.guestInfo.family ?? "";
  const unknown: DetectedOs = { type: "unknown", family: "", distribution: "", version: "", build: "" };
  if (family === "windowsGuest" || id.startsWith("windows")) {
    return { ...unknown, type: "windows", family: "Windows", distribution: state.guestInfo.fullName ?? "Windows" };
  }
  if (family === "linuxGuest" || /debian|ubuntu|rhel|centos|rocky|alma|sles|other.*linux/.test(id)) {
    const distribution = /rocky/.test(id)
      ? "rocky"
      : /rhel|centos|alma/.test(id)
        ? "rhel"
        : /debian/.test(id)
          ? "debian"
          : /ubuntu/.test(id)
            ? "ubuntu"
            : "";
    const redHat = ["rocky", "rhel"].includes(distribution);
    return {
      ...unknown,
      type: "linux",
      family: redHat ? "RedHat" : distribution ? "Debian" : "Linux",
      distribution,
      version: /(\d+)_64Guest$/.exec(id)?.[1] ?? "",
    };
  }
  return unknown;
}
