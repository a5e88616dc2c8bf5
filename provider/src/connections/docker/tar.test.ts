import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerDemuxer } from "./demux";
import { readTar, tarSingleFile } from "./tar";

describe("connections/docker tar and demux", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-tar-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a tar that GNU tar extracts, with the mode", () => {
    const content = Buffer.from("hello\nwörld\n");
    writeFileSync(join(dir, "a.tar"), tarSingleFile("file.txt", content, 0o640));
    execFileSync("tar", ["-xf", "a.tar", "--no-same-owner"], { cwd: dir });
    assert.deepEqual(readFileSync(join(dir, "file.txt")), content);
    assert.equal(statSync(join(dir, "file.txt")).mode & 0o777, 0o640);
  });

  it("reads what GNU tar writes: files, symlinks, long (PAX) names", () => {
    const long = `${"d".repeat(120)}.txt`;
    writeFileSync(join(dir, long), "long");
    writeFileSync(join(dir, "x"), "x-content");
    execFileSync("ln", ["-s", "x", "link"], { cwd: dir });
    execFileSync("tar", ["--format=pax", "-cf", "b.tar", long, "x", "link"], { cwd: dir });
    const entries = readTar(readFileSync(join(dir, "b.tar")));
    assert.deepEqual(
      entries.map((e) => [e.name, e.type, e.type === "symlink" ? e.linkName : e.content.toString()]),
      [
        [long, "file", "long"],
        ["x", "file", "x-content"],
        ["link", "symlink", "x"],
      ],
    );
    assert.deepEqual(
      readTar(tarSingleFile("y", Buffer.from("yy"))).map((e) => e.content.toString()),
      ["yy"],
    );
  });

  it("demultiplexes frames split across chunks", () => {
    const frame = (type: number, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = type;
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const all = Buffer.concat([frame(1, "out1 "), frame(2, "err"), frame(1, "out2")]);
    const demux = new DockerDemuxer();
    for (let i = 0; i < all.length; i += 3) demux.push(all.subarray(i, i + 3));
    assert.equal(demux.text("stdout"), "out1 out2");
    assert.equal(demux.text("stderr"), "err");
  });
});
