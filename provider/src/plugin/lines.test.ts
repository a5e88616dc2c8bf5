import assert from "node:assert/strict";
import { LineSplitter } from "./lines";

describe("plugin/lines", () => {
  it("emits whole lines across chunk borders and the unterminated rest at the end", () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push(Buffer.from("one\ntw"));
    assert.deepEqual(lines, ["one"]);
    s.push(Buffer.from("o\r\nthr"));
    s.end();
    assert.deepEqual(lines, ["one", "two", "thr"]);
  });
});
