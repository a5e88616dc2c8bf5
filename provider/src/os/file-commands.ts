/**
 * Pure builders for the file work around a copy: make folders, set mode and
 * owner, remove what was copied. POSIX sh for Linux guests (every transport
 * runs sh there), PowerShell for Windows. Paths are quoted word by word;
 * long lists are split into several scripts so none outgrows a command line.
 */

import { posixQuote } from "./shell/posix";
import { psQuote } from "./shell/powershell";

export type FileDialect = "posix" | "powershell";

/** Characters of script per batch: PowerShell travels encoded (~2.7×) under cmd.exe's 8191. */
const BATCH_CHARS: Record<FileDialect, number> = { posix: 64 * 1024, powershell: 2400 };

/** Splits statements into scripts no longer than the dialect's batch. */
function batches(dialect: FileDialect, statements: string[], join: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const s of statements) {
    if (current.length && length + s.length + join.length > BATCH_CHARS[dialect]) {
      out.push(current.join(join));
      current = [];
      length = 0;
    }
    current.push(s);
    length += s.length + join.length;
  }
  if (current.length) out.push(current.join(join));
  return out;
}

/** Creates folders and their parents; existing ones are fine. */
export function makeDirsScripts(dialect: FileDialect, dirs: readonly string[]): string[] {
  if (!dirs.length) return [];
  if (dialect === "posix") return batches("posix", dirs.map(posixQuote), " ").map((q) => `mkdir -p -- ${q}`);
  return batches(
    dialect,
    dirs.map((d) => `New-Item -ItemType Directory -Force -Path ${psQuote(d)} | Out-Null`),
    "; ",
  );
}

/** chmod and chown of the given paths (Linux only: Windows has ACLs, not modes). */
export function modeOwnerScripts(paths: readonly string[], mode?: number, owner?: string): string[] {
  if (!paths.length || (mode === undefined && owner === undefined)) return [];
  const words = batches("posix", paths.map(posixQuote), " ");
  return words.map((q) =>
    [
      ...(mode !== undefined ? [`chmod ${mode.toString(8).padStart(4, "0")} -- ${q}`] : []),
      ...(owner !== undefined ? [`chown ${posixQuote(owner)} -- ${q}`] : []),
    ].join(" && "),
  );
}

/**
 * Removes files, then folders deepest first, and only folders left empty:
 * what someone else put beside the copy stays. A file already gone is fine.
 */
export function removeScripts(dialect: FileDialect, files: readonly string[], dirs: readonly string[]): string[] {
  const deepestFirst = [...dirs].sort((a, b) => b.length - a.length);
  if (dialect === "posix") {
    return [
      ...batches("posix", files.map(posixQuote), " ").map((q) => `rm -f -- ${q}`),
      ...batches("posix", deepestFirst.map(posixQuote), " ").map((q) => `rmdir -- ${q} 2>/dev/null; exit 0`),
    ];
  }
  return batches(
    dialect,
    [
      ...files.map((f) => `Remove-Item -LiteralPath ${psQuote(f)} -Force -ErrorAction SilentlyContinue`),
      // Delete(path) refuses a folder that still holds anything, which is what we want.
      ...deepestFirst.map((d) => `try { [IO.Directory]::Delete(${psQuote(d)}) } catch { }`),
    ],
    "; ",
  );
}
