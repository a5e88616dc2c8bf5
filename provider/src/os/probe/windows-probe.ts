/**
 * The Windows probe: one PowerShell snippet that returns version, build,
 * edition and product name as JSON. It reads the registry only (no CIM, which
 * needs admin rights and can take seconds to be denied).
 */

import { psCommandLine } from "../shell/powershell";
import type { WindowsFacts } from "../types";

export const WINDOWS_PROBE_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$cv = Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'",
  "$v = [Environment]::OSVersion.Version",
  "[pscustomobject]@{ podProbe = 1; version = $v.ToString(); build = [int]$cv.CurrentBuild; ubr = $cv.UBR;",
  "  productName = $cv.ProductName; edition = $cv.EditionID; installationType = $cv.InstallationType;",
  "  displayVersion = $cv.DisplayVersion } | ConvertTo-Json -Compress",
].join("\n");

/** Works from cmd.exe, PowerShell and sh alike: the script travels base64-encoded. */
export function windowsProbeCommand(): string {
  return psCommandLine(WINDOWS_PROBE_SCRIPT);
}

/** The first JSON object in stdout (PowerShell may print a BOM or banners first). */
function firstJsonObject(stdout: string): unknown {
  const start = stdout.indexOf("{");
  const end = stdout.lastIndexOf("}");
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(stdout.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const int = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isInteger(n) ? n : undefined;
};

export function parseWindowsProbe(stdout: string): WindowsFacts | undefined {
  const json = firstJsonObject(stdout) as Record<string, unknown> | undefined;
  if (json?.podProbe !== 1) return undefined;
  const build = int(json.build) ?? 0;
  const ubr = int(json.ubr);
  return {
    kind: "windows",
    version: str(json.version),
    build,
    ...(ubr === undefined ? {} : { ubr }),
    productName: str(json.productName),
    edition: str(json.edition),
    installationType: str(json.installationType),
    ...(str(json.displayVersion) ? { displayVersion: str(json.displayVersion) } : {}),
  };
}

/**
 * ProductName still says "Windows 10 …" on Windows 11; the build decides:
 * a client with build >= 22000 is Windows 11.
 */
export function windowsDisplayName(facts: WindowsFacts): string {
  const isClient = !/server/i.test(facts.installationType) && !/server/i.test(facts.productName);
  if (isClient && facts.build >= 22000) return facts.productName.replace(/Windows 10/i, "Windows 11");
  return facts.productName;
}
