import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildManifest, checkSource } from "./source";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("execution/copy: the source's manifest", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-copy-src-"));
    mkdirSync(join(dir, "tree/sub/deeper"), { recursive: true });
    writeFileSync(join(dir, "tree/a.txt"), "alpha");
    writeFileSync(join(dir, "tree/sub/b.sh"), "#!/bin/sh\n");
    chmodSync(join(dir, "tree/sub/b.sh"), 0o755);
    writeFileSync(join(dir, "one.txt"), "one");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("is one file at remotePath itself for a file, with its hash and mode", async () => {
    const m = await buildManifest({ kind: "path", path: join(dir, "one.txt") });
    assert.equal(m.tree, false);
    assert.equal(m.files[0]?.path, "");
    assert.equal(m.files[0]?.sha256, sha("one"));
    assert.equal(m.bytes, 3);
  });

  it("walks a folder: files with relative paths and modes, folders (empty ones too)", async () => {
    const m = await buildManifest({ kind: "path", path: join(dir, "tree") });
    assert.equal(m.tree, true);
    assert.deepEqual(
      m.files.map((f) => [f.path, f.mode.toString(8)]),
      [
        ["a.txt", "644"],
        ["sub/b.sh", "755"],
      ],
    );
    assert.deepEqual(m.dirs, ["sub", "sub/deeper"]);
  });

  it("changes its digest when a file's content or mode changes, not otherwise", async () => {
    const before = await buildManifest({ kind: "path", path: join(dir, "tree") });
    assert.equal((await buildManifest({ kind: "path", path: join(dir, "tree") })).sha256, before.sha256);
    assert.notEqual((await buildManifest({ kind: "path", path: join(dir, "tree") }, 0o600)).sha256, before.sha256);
    writeFileSync(join(dir, "tree/a.txt"), "alpha2");
    assert.notEqual((await buildManifest({ kind: "path", path: join(dir, "tree") })).sha256, before.sha256);
  });

  it("takes texts and named entries (an AssetArchive) and refuses entry names that climb out", async () => {
    const m = await buildManifest({
      kind: "entries",
      entries: { "conf/app.yml": { kind: "text", text: "x: 1\n" }, bin: { kind: "path", path: join(dir, "tree/sub") } },
    });
    assert.deepEqual(
      m.files.map((f) => f.path),
      ["bin/b.sh", "conf/app.yml"],
    );
    await assert.rejects(
      buildManifest({ kind: "entries", entries: { "../x": { kind: "text", text: "" } } }),
      (e: Error & { code?: string }) => e.code === "INVALID_INPUT",
    );
  });

  it("reports a missing source as INVALID_INPUT with a fix, reading nothing", async () => {
    await assert.rejects(
      checkSource({ kind: "path", path: join(dir, "nope") }),
      (e: Error & { code?: string; fix?: string }) => {
        assert.equal(e.code, "INVALID_INPUT");
        assert.match(e.fix ?? "", /Check the path/);
        return true;
      },
    );
  });
});
