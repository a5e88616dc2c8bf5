/**
 * Rocky Linux 9 in a container: RHEL family, but PID 1 is not systemd, there is
 * usually no NetworkManager, and the base image lacks iproute. Commands are the
 * Linux ones; the distinct type lets network planning pick container-safe steps.
 */
import type { OsHandler } from "../types";
import { detectLinux, linuxHandler } from "./linux";

export const rockyContainerHandler: OsHandler = {
  ...linuxHandler,
  detect(facts, context) {
    const linux = detectLinux(facts, context);
    if (linux?.distribution !== "rocky" || !linux.container) return undefined;
    return linux.version.split(".")[0] === "9" ? linux : undefined;
  },
};
