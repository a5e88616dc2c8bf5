import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { isPodError } from "../../common/errors";
import { readFirstEntry, tarSingleFile } from "./tar";

/** Rewrites a header's checksum so a crafted field is what the parser trips on, not the checksum. */
function reChecksum(header: Buffer): void {
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header.subarray(0, 512)) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
}

const once = (archive: Buffer) => Readable.from([archive]);

describe("connections/docker tar (tar-stream)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-tar-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a tar that GNU tar extracts, with the mode", async () => {
    const content = Buffer.from("hello\nwörld\n");
    writeFileSync(join(dir, "a.tar"), await tarSingleFile("file.txt", content, 0o640));
    execFileSync("tar", ["-xf", "a.tar", "--no-same-owner"], { cwd: dir });
    assert.deepEqual(readFileSync(join(dir, "file.txt")), content);
    assert.equal(statSync(join(dir, "file.txt")).mode & 0o777, 0o640);
  });

  it("reads the first entry of what GNU tar writes: long (PAX) names, symlinks", async () => {
    const long = `${"d".repeat(120)}.txt`;
    writeFileSync(join(dir, long), "long");
    execFileSync("ln", ["-s", "x", "link"], { cwd: dir });
    execFileSync("tar", ["--format=pax", "-cf", "b.tar", long], { cwd: dir });
    execFileSync("tar", ["--format=pax", "-cf", "c.tar", "link"], { cwd: dir });
    const file = await readFirstEntry(once(readFileSync(join(dir, "b.tar"))), 1024, "b.tar");
    assert.deepEqual([file.name, file.type, file.content.toString()], [long, "file", "long"]);
    const link = await readFirstEntry(once(readFileSync(join(dir, "c.tar"))), 1024, "c.tar");
    assert.deepEqual([link.name, link.type, link.linkName], ["link", "symlink", "x"]);
    const round = await readFirstEntry(once(await tarSingleFile("y", Buffer.from("yy"))), 1024, "y");
    assert.equal(round.content.toString(), "yy");
  });

  it("refuses a negative size (crafted base-256 header) with a typed error instead of looping", async () => {
    const archive = await tarSingleFile("neg", Buffer.from("abc"));
    archive.fill(0xff, 124, 136); // base-256, two's complement: negative
    archive[135] = 0x00;
    reChecksum(archive);
    await assert.rejects(readFirstEntry(once(archive), 1024, "neg.tar"), (e) => isPodError(e, "PROTOCOL_ERROR"));
  });

  it("refuses a negative size given in a PAX record", async () => {
    const record = " size=-1024\n";
    const line = `${record.length + String(record.length + 3).length}${record}`;
    const pax = Buffer.alloc(512);
    pax.write("PaxHeader/neg", 0, "utf8");
    pax.write("0000644\0", 100, "latin1");
    pax.write(`${line.length.toString(8).padStart(11, "0")}\0`, 124, "latin1");
    pax.write("x", 156, "latin1");
    pax.write("ustar\u000000", 257, "latin1");
    reChecksum(pax);
    const body = Buffer.alloc(512);
    body.write(line, 0, "utf8");
    const archive = Buffer.concat([pax, body, await tarSingleFile("neg", Buffer.from("abc"))]);
    await assert.rejects(readFirstEntry(once(archive), 1024, "pax.tar"), (e) => isPodError(e, "PROTOCOL_ERROR"));
  });

  it("refuses an entry announced bigger than the bound before reading it (TOO_LARGE)", async () => {
    const archive = await tarSingleFile("big", Buffer.alloc(4096, 0x61));
    await assert.rejects(readFirstEntry(once(archive), 1000, "big.tar"), (e) => {
      assert.ok(isPodError(e, "TOO_LARGE"));
      assert.equal(e.details.size, 4096);
      return true;
    });
  });

  it("stops reading an endless archive stream after the first entry", async () => {
    const first = (await tarSingleFile("a", Buffer.from("first"))).subarray(0, 1024); // header + one block
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(pulled === 1 ? first : Buffer.alloc(64 * 1024, 0x41));
      },
    });
    const entry = await readFirstEntry(endless, 1024, "endless");
    assert.equal(entry.content.toString(), "first");
    assert.ok(endless.destroyed, "the source is destroyed once the entry is in");
  });

  it("refuses a garbage stream larger than the bound plus header allowance", async () => {
    let sent = 0;
    const garbage = new Readable({
      read() {
        sent += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, 0)); // all-zero blocks: tar's end marker, then more
      },
    });
    const outcome = await readFirstEntry(garbage, 1024, "zeros").then(
      () => "resolved",
      (e) => (isPodError(e) ? e.code : String(e)),
    );
    assert.ok(["NOT_FOUND", "TOO_LARGE"].includes(outcome), outcome);
    assert.ok(sent < 8 * 1024 * 1024, `read ${sent} bytes`);
  });
});
