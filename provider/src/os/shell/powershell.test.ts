import assert from "node:assert/strict";
import { isPodError } from "../../common/errors";
import { psArgv, psCommandLine, psCwdPrefix, psEncode, psEnvPrefix, psQuote } from "./powershell";

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
});
