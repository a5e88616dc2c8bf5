import assert from "node:assert/strict";
import { isPodError } from "../../common/errors";
import { cmdArgv, cmdCwdPrefix, cmdEnvPrefix, cmdEscape, cmdProgram, msvcQuote } from "./cmd";

describe("os/shell/cmd", () => {
  it("quotes for CommandLineToArgvW (backslashes double only before quotes)", () => {
    const cases: [string, string][] = [
      ["plain", "plain"],
      ["", '""'],
      ["a b", '"a b"'],
      ['say "hi"', '"say \\"hi\\""'],
      ["C:\\dir\\", "C:\\dir\\"],
      ["C:\\my dir\\", '"C:\\my dir\\\\"'],
      ['a\\"b', '"a\\\\\\"b"'],
      ["a\\\\b c", '"a\\\\b c"'],
    ];
    for (const [input, expected] of cases) assert.equal(msvcQuote(input), expected, input);
  });

  it("escapes every cmd.exe metacharacter with a caret, quotes included", () => {
    assert.equal(cmdEscape('a&b|c<d>e^f"g(h)i%PATH%!x!'), 'a^&b^|c^<d^>e^^f^"g^(h^)i^%PATH^%^!x^!');
  });

  it("builds an argv line: plain-quoted program, caret-escaped arguments", () => {
    assert.equal(
      cmdArgv(["C:\\Program Files\\tool.exe", "a b", "x&y", "%TEMP%", 'q"uote']),
      '"C:\\Program Files\\tool.exe" ^"a b^" x^&y ^%TEMP^% ^"q\\^"uote^"',
    );
    assert.equal(cmdProgram("ipconfig"), "ipconfig");
    assert.throws(
      () => cmdProgram('bad"name'),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.throws(
      () => cmdArgv(["echo", "two\nlines"]),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.throws(
      () => cmdArgv([]),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("builds env and cwd prefixes without trailing spaces in values", () => {
    assert.equal(cmdEnvPrefix({ A: "x&y", B: "1" }), "set A=x^&y&& set B=1&& ");
    assert.equal(cmdCwdPrefix("C:\\Program Files"), 'cd /d ^"C:\\Program Files^"&& ');
    assert.throws(
      () => cmdEnvPrefix({ "A=B": "x" }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });
});
