export * from "./detect";
export { type GuestInfoFacts, osFromGuestInfo } from "./guest-info";
export { detectLinux, linuxFamily, linuxHandler } from "./handlers/linux";
export { rockyContainerHandler } from "./handlers/rocky-container";
export { detectWindows, windowsHandler } from "./handlers/windows";
export { LINUX_PROBE_SCRIPT, linuxProbeCommand, parseLinuxProbe } from "./probe/linux-probe";
export { parseOsRelease } from "./probe/os-release";
export {
  parseWindowsProbe,
  WINDOWS_PROBE_SCRIPT,
  windowsDisplayName,
  windowsProbeCommand,
} from "./probe/windows-probe";
export { defaultOsRegistry, getOsHandler, OsRegistry, registerOsHandler } from "./registry";
export * from "./shell/cmd";
export * from "./shell/posix";
export * from "./shell/powershell";
export type * from "./types";
