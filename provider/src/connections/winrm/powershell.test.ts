import assert from "node:assert/strict";
import { encodePowerShell, LONG_SCRIPT_LIMIT, POWERSHELL, powerShellInvocation, psQuote } from "./powershell";

const decodeCommand = (line: string): string =>
  Buffer.from(line.split("-EncodedCommand ")[1] ?? "", "base64").toString("utf16le");

describe("winrm PowerShell command lines", () => {
  it("encodes UTF-16LE base64 like pywinrm run_ps", () => {
    assert.equal(encodePowerShell("hostname"), "aABvAHMAdABuAGEAbQBlAA==");
  });

  it("runs short scripts inline, progress silenced", () => {
    const inv = powerShellInvocation("Get-NetAdapter | ConvertTo-Json");
    assert.ok(inv.commandLine.startsWith(`${POWERSHELL} -EncodedCommand `));
    assert.equal(inv.stdin, undefined);
    assert.equal(
      decodeCommand(inv.commandLine),
      "$ProgressPreference = 'SilentlyContinue'\nGet-NetAdapter | ConvertTo-Json",
    );
  });

  it("sends long scripts through stdin as base64 UTF-8, under cmd.exe's line limit", () => {
    const script = `Write-Output 'é'\n${"# filler\n".repeat(2000)}exit 3`;
    const inv = powerShellInvocation(script);
    assert.ok(inv.commandLine.length < LONG_SCRIPT_LIMIT);
    assert.match(decodeCommand(inv.commandLine), /\[Console\]::In\.ReadToEnd\(\)/);
    assert.ok(inv.stdin && /^[A-Za-z0-9+/=]+$/.test(inv.stdin.toString("latin1")), "stdin is pure ASCII");
    assert.equal(
      Buffer.from(inv.stdin.toString("latin1"), "base64").toString("utf8"),
      `$ProgressPreference = 'SilentlyContinue'\n${script}`,
    );
  });

  it("quotes single-quoted literals, typographic quotes included", () => {
    assert.equal(psQuote("C:\\it's"), "'C:\\it''s'");
    assert.equal(psQuote("a’b"), "'a’’b'");
  });
});
