import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { isPodError, PodError } from "./errors";
import { readBounded } from "./limits";

describe("common/limits: readBounded", () => {
  const refuse = () => new PodError("TOO_LARGE", "too big");

  it("reads a body up to the bound whole", async () => {
    const body = new PassThrough();
    const read = readBounded(body, 6, refuse);
    body.end(Buffer.from("abcdef"));
    assert.equal((await read).toString(), "abcdef");
  });

  it("refuses one byte past the bound and stops reading", async () => {
    const body = new PassThrough();
    const read = readBounded(body, 6, refuse);
    body.write(Buffer.from("abcd"));
    body.write(Buffer.from("efg"));
    await assert.rejects(read, (e) => isPodError(e, "TOO_LARGE"));
    assert.equal(body.destroyed, true);
  });
});
