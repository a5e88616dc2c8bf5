import assert from "node:assert/strict";
import { MarkerScanner } from "./marker-scanner";

const MARKER = "__pod_end_abc123";

function scan(chunks: string[]): { data: string; done: boolean; trailer: string } {
  let data = "";
  const scanner = new MarkerScanner(MARKER, (c) => {
    data += c.toString("latin1");
  });
  let done = false;
  for (const chunk of chunks) done = scanner.push(Buffer.from(chunk, "latin1"));
  if (!done) scanner.flush();
  return { data, done, trailer: scanner.trailer };
}

describe("MarkerScanner", () => {
  it("splits output from the marker and its trailer in one chunk", () => {
    assert.deepEqual(scan([`hello\n${MARKER} 3\n`]), { data: "hello\n", done: true, trailer: "3" });
  });

  it("finds a marker split across chunks at every position", () => {
    const whole = `out without newline${MARKER} 42\n`;
    for (let cut = 1; cut < whole.length; cut++) {
      const r = scan([whole.slice(0, cut), whole.slice(cut)]);
      assert.deepEqual(r, { data: "out without newline", done: true, trailer: "42" }, `cut at ${cut}`);
    }
  });

  it("passes on text that only looks like the marker, and holds back only a possible start", () => {
    const seen: string[] = [];
    const scanner = new MarkerScanner(MARKER, (c) => seen.push(c.toString()));
    assert.equal(scanner.push(Buffer.from("__pod_end_abc12X and __pod_end_")), false);
    assert.equal(seen.join(""), "__pod_end_abc12X and ", "the tail that may grow into the marker waits");
    assert.equal(scanner.push(Buffer.from("zz\n")), false);
    assert.equal(seen.join(""), "__pod_end_abc12X and __pod_end_zz\n");
  });

  it("waits for the end of the marker's line, and ignores what comes after", () => {
    const seen: string[] = [];
    const scanner = new MarkerScanner(MARKER, (c) => seen.push(c.toString()));
    assert.equal(scanner.push(Buffer.from(`x${MARKER} 1`)), false);
    assert.equal(scanner.push(Buffer.from("27\nlate")), true);
    assert.equal(scanner.trailer, "127");
    assert.equal(scanner.push(Buffer.from("later")), true);
    assert.equal(seen.join(""), "x");
  });

  it("flush gives back what was held when the stream ends without a marker", () => {
    assert.deepEqual(scan(["abc__pod_"]), { data: "abc__pod_", done: false, trailer: "" });
  });
});
