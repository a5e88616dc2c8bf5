import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

interface Hunk {
  before: string[];
  after: string[];
}
const { parsePatch, applyHunks, PATCH } = require("../../../scripts/apply-ssh2-patch.js") as {
  parsePatch(text: string): { file: string; hunks: Hunk[] }[];
  applyHunks(text: string, hunks: Hunk[], reverse: boolean): string | undefined;
  PATCH: string;
};

/** The applier behind the provider's postinstall, against the installed (already patched) ssh2 1.17.0. */
describe("connections/ssh the ssh2 host-certificate patch", () => {
  const root = dirname(require.resolve("ssh2/package.json"));
  const files = parsePatch(readFileSync(PATCH, "utf8"));

  it("touches constants.js and kex.js, and the installed ssh2 carries it", () => {
    assert.deepEqual(
      files.map((f) => f.file),
      ["lib/protocol/constants.js", "lib/protocol/kex.js"],
    );
    for (const { file, hunks } of files) {
      const text = readFileSync(join(root, file), "utf8");
      assert.ok(applyHunks(text, hunks, true) !== undefined, `${file} is patched`);
    }
  });

  it("round-trips: unpatched → patched gives the installed file; an edited context line is refused, not guessed", () => {
    for (const { file, hunks } of files) {
      const patched = readFileSync(join(root, file), "utf8");
      const original = applyHunks(patched, hunks, true);
      assert.ok(original !== undefined && original !== patched);
      assert.equal(applyHunks(original, hunks, false), patched);
      // An upstream edit inside a hunk's context: the applier must fail, not patch elsewhere.
      const context = hunks[0]?.before.find((l) => l.trim().length > 8) ?? "";
      assert.equal(applyHunks(original.replace(context, `${context} // changed`), hunks, false), undefined, file);
    }
  });
});
