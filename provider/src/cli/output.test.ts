import assert from "node:assert/strict";
import { sanitize, table } from "./output";

describe("cli/output", () => {
  const hostile =
    "ok\tcol\nred:\u001b[31mX\u001b[0m title:\u001b]0;pwned\u0007 bell:\u0007 cr:a\rb nul:\u0000 del:\u007f";

  it("shows control and escape characters visibly, keeping \\n and \\t", () => {
    assert.equal(
      sanitize(hostile),
      "ok\tcol\nred:\\x1b[31mX\\x1b[0m title:\\x1b]0;pwned\\x07 bell:\\x07 cr:a\\x0db nul:\\x00 del:\\x7f",
    );
  });

  it("turns CRLF into LF and escapes C1 controls and bidirectional overrides", () => {
    assert.equal(sanitize("a\r\nb\r\n"), "a\nb\n");
    assert.equal(
      sanitize("csi:\u009b31m rlo:\u202eabc\u202c iso:\u2066x\u2069"),
      "csi:\\x9b31m rlo:\\u202eabc\\u202c iso:\\u2066x\\u2069",
    );
    assert.equal(sanitize("plain ünïcode ✓ 日本"), "plain ünïcode ✓ 日本");
  });

  it("sanitizes every table cell", () => {
    const text = table(["NAME"], [["vm\u001b[2J"]]);
    assert.ok(!text.includes("\u001b"), text);
    assert.ok(text.includes("vm\\x1b[2J"));
  });

  it("leaves JSON output exact: escapes round-trip through JSON.parse", () => {
    const json = JSON.stringify({ stdout: hostile });
    assert.ok(!json.includes("\u001b") && !json.includes("\u0007"), "JSON escapes C0 controls itself");
    assert.equal(JSON.parse(json).stdout, hostile);
  });
});
