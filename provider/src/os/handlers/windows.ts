/**
 * Windows guests. Over WinRM and Windows OpenSSH the default shell is cmd.exe,
 * so command lines are cmd.exe lines; PowerShell scripts travel encoded.
 */
import { PodError } from "../../common/errors";
import { windowsDisplayName } from "../probe/windows-probe";
import { cmdArgv } from "../shell/cmd";
import { psCommandLine, psQuote } from "../shell/powershell";
import type { DetectedOs, OsHandler, ProbeFacts, ShellName } from "../types";

export function detectWindows(facts: ProbeFacts): DetectedOs | undefined {
  if (facts.kind !== "windows") return undefined;
  const details: Record<string, string> = {
    productName: facts.productName,
    edition: facts.edition,
    installationType: facts.installationType,
  };
  if (facts.displayVersion) details.displayVersion = facts.displayVersion;
  return {
    family: "windows",
    distribution: windowsDisplayName(facts),
    version: facts.version.split(".").slice(0, 3).join("."),
    build: facts.ubr === undefined ? String(facts.build) : `${facts.build}.${facts.ubr}`,
    container: false,
    tools: ["powershell"],
    details,
  };
}

/**
 * A multi-line cmd script cannot be one cmd.exe command line: PowerShell writes
 * it to a temporary .cmd file, runs it, removes it and passes on the exit code.
 */
function cmdScriptViaFile(script: string): string {
  const body = `@echo off\r\n${script.replace(/\r?\n/g, "\r\n")}\r\n`;
  return psCommandLine(
    [
      "$f = Join-Path ([IO.Path]::GetTempPath()) ('pod-' + [guid]::NewGuid().ToString('N') + '.cmd')",
      `[IO.File]::WriteAllText($f, ${psQuote(body)}, [Text.Encoding]::Default)`,
      "try { & cmd.exe /d /c $f; $code = $LASTEXITCODE } finally { Remove-Item -LiteralPath $f -Force -ErrorAction SilentlyContinue }",
      "exit $code",
    ].join("\n"),
  );
}

export function windowsScript(script: string, shell: ShellName): string {
  switch (shell) {
    case "powershell":
      return psCommandLine(script);
    case "cmd":
      // One line is already a cmd.exe command line: the default shell runs it as is.
      return /[\r\n]/.test(script.trim()) ? cmdScriptViaFile(script) : script.trim();
    case "sh":
    case "bash":
      throw new PodError("UNSUPPORTED", `${shell} scripts cannot run on a Windows guest.`, {
        fix: "Use shell 'powershell' or 'cmd'.",
      });
  }
}

export const windowsHandler: OsHandler = {
  dialect: "cmd",
  detect: (facts) => detectWindows(facts),
  commandLine: cmdArgv,
  script: windowsScript,
};
