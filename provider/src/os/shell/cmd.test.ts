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
      '@"C:\\Program Files\\tool.exe" ^"a b^" x^&y ^%TEMP^% ^"q\\^"uote^"',
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

  it("never starts a line with a quote, so cmd /c's quote stripping cannot cut the last argument", () => {
    assert.equal(cmdArgv(["C:\\My Tools\\x.exe", "last arg"]), '@"C:\\My Tools\\x.exe" ^"last arg^"');
    assert.equal(cmdArgv(["ipconfig", "/all"]), "ipconfig /all", "an unquoted program needs nothing");
  });

  it("refuses what no escaping makes safe: ! (delayed expansion), %VAR% in program names, best-fit quotes", () => {
    const refused: [string[], RegExp][] = [
      [["echo", "hi!"], /delayed expansion/],
      [["echo", "!PATH!"], /delayed expansion/],
      [["C:\\%TEMP%\\evil.exe"], /"%"/],
      [["%COMSPEC%", "/c", "x"], /"%"/],
      [["run!.exe"], /delayed expansion/],
      [["echo", "a\uff02 & calc"], /U\+FF02/],
      [["echo", "\u201cquoted\u201d"], /U\+201C/],
      [["echo", "C:\uff3cdir"], /U\+FF3C/],
      [["echo", "a\u3000b"], /U\+3000/],
    ];
    for (const [argv, message] of refused) {
      assert.throws(
        () => cmdArgv(argv),
        (e) => isPodError(e, "INVALID_INPUT") && message.test(e.message),
        JSON.stringify(argv),
      );
    }
    assert.throws(
      () => cmdEnvPrefix({ A: "x!y" }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    // %VAR% in an argument is still escaped (a caret inside the name makes it undefined), not refused.
    assert.equal(cmdArgv(["echo", "%PATH%", "ü-ok"]), "echo ^%PATH^% ü-ok");
  });
});
