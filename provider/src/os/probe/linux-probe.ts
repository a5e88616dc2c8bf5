/**
 * The POSIX probe: one round trip that tells a Linux (or other Unix) guest's
 * distribution, container markers, PID 1 and network tools. It reads files
 * only; it contains no single quote, so it survives being wrapped in one, and
 * it is sent as `sh -c '…'`, a single line that cmd.exe or PowerShell reject
 * harmlessly (no redirection outside the quotes) if the guest is not POSIX.
 */

import { posixQuote } from "../shell/posix";
import type { PosixFacts } from "../types";
import { unquoteOsReleaseValue } from "./os-release";

export const PROBE_MARKER = "POD_PROBE=1";
export const RELEASE_FILES = [
  "/etc/redhat-release",
  "/etc/debian_version",
  "/etc/alpine-release",
  "/etc/system-release",
];
export const NETWORK_TOOLS = ["ip", "nmcli", "netplan", "networkctl", "ifup"];

export const LINUX_PROBE_SCRIPT = [
  `echo ${PROBE_MARKER}`,
  "f=/etc/os-release; [ -r $f ] || f=/usr/lib/os-release",
  '[ -r $f ] && sed -n "s/^\\([A-Za-z_][A-Za-z0-9_]*\\)=/OSR_\\1=/p" $f',
  `for x in ${RELEASE_FILES.join(" ")}; do [ -r $x ] && echo "FILE $x=$(head -c 200 $x | tr "\\n" " ")"; done`,
  'echo "UNAME=$(uname -srm 2>/dev/null)"',
  'echo "PID1=$(cat /proc/1/comm 2>/dev/null)"',
  "[ -e /.dockerenv ] && echo CT=docker",
  "[ -e /run/.containerenv ] && echo CT=podman",
  '[ -r /run/systemd/container ] && echo "CT=$(cat /run/systemd/container)"',
  '[ -r /proc/1/cgroup ] && grep -E "docker|kubepods|lxc|containerd|libpod" /proc/1/cgroup | head -n 1 | sed "s/^/CGROUP=/"',
  `for t in ${NETWORK_TOOLS.join(" ")}; do command -v $t >/dev/null 2>&1 && echo "TOOL=$t"; done`,
  "exit 0",
].join("\n");

/** The probe as one command line for a POSIX default shell. */
export function linuxProbeCommand(): string {
  return `sh -c ${posixQuote(LINUX_PROBE_SCRIPT)}`;
}

/** Parses the probe's stdout; undefined when it is not the probe's output (not a POSIX guest). */
export function parseLinuxProbe(stdout: string): PosixFacts | undefined {
  const lines = stdout.split(/\r?\n/);
  if (!lines.some((l) => l.trim() === PROBE_MARKER)) return undefined;
  const facts: PosixFacts = {
    kind: "posix",
    uname: "",
    osRelease: {},
    releaseFiles: {},
    pid1: "",
    containerMarkers: [],
    tools: [],
  };
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key.startsWith("OSR_")) facts.osRelease[key.slice(4)] = unquoteOsReleaseValue(value);
    else if (key.startsWith("FILE ")) facts.releaseFiles[key.slice(5)] = value;
    else if (key === "UNAME") facts.uname = value;
    else if (key === "PID1") facts.pid1 = value;
    else if (key === "CT" && value && value !== "none") facts.containerMarkers.push(value);
    else if (key === "CGROUP") facts.cgroup = value;
    else if (key === "TOOL") facts.tools.push(value);
  }
  return facts;
}
