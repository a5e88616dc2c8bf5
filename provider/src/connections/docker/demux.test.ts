import assert from "node:assert/strict";
import { DockerDemuxer } from "./demux";

const frame = (type: number, payload: Buffer | string) => {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(bytes.length, 4);
  return Buffer.concat([header, bytes]);
};

describe("connections/docker demux", () => {
  it("demultiplexes frames split across chunks", () => {
    const all = Buffer.concat([frame(1, "out1 "), frame(2, "err"), frame(1, "out2")]);
    const demux = new DockerDemuxer();
    for (let i = 0; i < all.length; i += 3) demux.push(all.subarray(i, i + 3));
    assert.equal(demux.text("stdout"), "out1 out2");
    assert.equal(demux.text("stderr"), "err");
    assert.deepEqual(demux.truncation(), {});
  });

  it("keeps the first maxOutputBytes per stream, counts the rest, and streams every byte", () => {
    const seen: number[] = [0, 0];
    const demux = new DockerDemuxer({
      maxOutputBytes: 10,
      onStdout: (c) => {
        seen[0] = (seen[0] ?? 0) + c.length;
      },
      onStderr: (c) => {
        seen[1] = (seen[1] ?? 0) + c.length;
      },
    });
    demux.push(frame(1, "0123456789abcdef"));
    demux.push(frame(2, "short"));
    demux.push(frame(1, "more"));
    assert.equal(demux.text("stdout"), "0123456789");
    assert.equal(demux.text("stderr"), "short");
    assert.deepEqual(demux.truncation(), { truncated: { stdout: 10, stderr: 0 } });
    assert.deepEqual(seen, [20, 5]);
  });

  it("passes a frame's payload on as it arrives, without waiting for a 4 GiB frame to complete", () => {
    const demux = new DockerDemuxer({ maxOutputBytes: 8 });
    const header = Buffer.alloc(8);
    header[0] = 1;
    header.writeUInt32BE(0xffffffff, 4);
    demux.push(header);
    for (let i = 0; i < 100; i++) demux.push(Buffer.alloc(1024 * 1024, 0x79));
    assert.equal(demux.text("stdout"), "yyyyyyyy");
    assert.deepEqual(demux.truncation(), { truncated: { stdout: 100 * 1024 * 1024 - 8, stderr: 0 } });
  });
});
