import assert from "node:assert/strict";
import { isPodError } from "../../common/errors";
import {
  CMD_LINE_LIMIT,
  psArgv,
  psCommandLine,
  psCwdPrefix,
  psEncode,
  psEnvPrefix,
  psInvocation,
  psQuote,
  psReadFileBase64,
  psWriteFileFromStdin,
} from "./powershell";

const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf16le");

describe("os/shell/powershell", () => {
  it("single-quotes verbatim, doubling every kind of single quote", () => {
    assert.equal(psQuote("plain"), "'plain'");
    assert.equal(psQuote("it's"), "'it''s'");
    assert.equal(psQuote('$env:PATH `n $(Get-Date) "x"'), "'$env:PATH `n $(Get-Date) \"x\"'");
    assert.equal(psQuote("typographic \u2019 quote"), "'typographic \u2019\u2019 quote'");
    assert.equal(psQuote(""), "''");
  });

  it("invokes argv with the call operator", () => {
    assert.equal(psArgv(["C:\\Program Files\\x.exe", "a b", "c;d"]), "& 'C:\\Program Files\\x.exe' 'a b' 'c;d'");
    assert.throws(
      () => psArgv([]),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("builds env and cwd prefixes", () => {
    assert.equal(psEnvPrefix({ A: "x'y" }), "$env:A = 'x''y'; ");
    assert.equal(psCwdPrefix("C:\\Temp"), "Set-Location -LiteralPath 'C:\\Temp'; ");
    assert.throws(
      () => psEnvPrefix({ "A B": "x" }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("encodes scripts as UTF-16LE base64 with the progress prelude", () => {
    const script = "Write-Output 'ünï' | Out-String\nexit 3";
    assert.equal(decode(psEncode(script)), `$ProgressPreference = 'SilentlyContinue'\n${script}`);
    const line = psCommandLine(script);
    assert.match(
      line,
      /^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/,
    );
  });

  it("refuses a script too long for cmd.exe's 8191-character line", () => {
    assert.throws(
      () => psCommandLine("x".repeat(4000)),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.doesNotThrow(() => psCommandLine("x".repeat(4000), "pwsh", 131_072));
  });

  it("runs short scripts inline (stdin invocation), progress silenced", () => {
    const inv = psInvocation("Get-NetAdapter | ConvertTo-Json");
    assert.equal(inv.stdin, undefined);
    assert.equal(inv.commandLine, psCommandLine("Get-NetAdapter | ConvertTo-Json"));
  });

  it("sends long scripts through stdin as base64 UTF-8, under cmd.exe's line limit", () => {
    const script = `Write-Output 'é'\n${"# filler\n".repeat(2000)}exit 3`;
    const inv = psInvocation(script);
    assert.ok(inv.commandLine.length <= CMD_LINE_LIMIT);
    assert.match(decode(inv.commandLine.split("-EncodedCommand ")[1] ?? ""), /\[Console\]::In\.ReadToEnd\(\)/);
    assert.ok(inv.stdin && /^[A-Za-z0-9+/=]+$/.test(inv.stdin.toString("latin1")), "stdin is pure ASCII");
    assert.equal(
      Buffer.from(inv.stdin.toString("latin1"), "base64").toString("utf8"),
      `$ProgressPreference = 'SilentlyContinue'\n${script}`,
    );
  });

  it("switches to stdin exactly where the command line would pass the limit", () => {
    const fits = "x".repeat(2900);
    assert.equal(psInvocation(fits).stdin, undefined);
    assert.ok(psCommandLine(fits).length <= CMD_LINE_LIMIT);
    assert.ok(psInvocation("x".repeat(3100)).stdin, "3100 characters encode past 8191");
  });

  it("quotes paths in the file transfer scripts", () => {
    assert.equal(
      psWriteFileFromStdin("C:\\it's.bin"),
      "[IO.File]::WriteAllBytes('C:\\it''s.bin', [Convert]::FromBase64String([Console]::In.ReadToEnd()))",
    );
    assert.equal(psReadFileBase64("C:\\a.txt"), "[Convert]::ToBase64String([IO.File]::ReadAllBytes('C:\\a.txt'))");
  });
});
