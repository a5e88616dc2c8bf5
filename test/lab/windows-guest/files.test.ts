import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Machine } from "../../../lab/windows-guest/src/machine";
import { decodeClixml } from "../../../provider/src/connections/winrm/clixml";
import { psWriteChunkFromStdin } from "../../../provider/src/os/shell/powershell";
import { cmd, encode, ps } from "./harness";

/** The guest's file streams, Get-FileHash and folder deletion, as PodCopy over WinRM uses them (no lab needed). */
describe("windows guest: FileStream, Get-FileHash, [IO.Directory]::Delete", () => {
  const stdinPs = (script: string, machine: Machine, stdin: string) =>
    cmd(`powershell.exe -NoProfile -NonInteractive -EncodedCommand ${encode(script)}`, machine, stdin);

  it("creates, then appends, through [IO.File]::Open and Write, as pod's chunked upload does", async () => {
    const m = Machine.synthetic("WIN-FILES");
    const one = await stdinPs(
      psWriteChunkFromStdin("C:\\Windows\\Temp\\f.bin", false),
      m,
      Buffer.from("abc").toString("base64"),
    );
    assert.equal(one.exitCode, 0, decodeClixml(one.stderr));
    await stdinPs(psWriteChunkFromStdin("C:\\Windows\\Temp\\f.bin", true), m, Buffer.from("def").toString("base64"));
    assert.equal(m.files.get("c:\\windows\\temp\\f.bin")?.data.toString(), "abcdef");
    await stdinPs(psWriteChunkFromStdin("C:\\Windows\\Temp\\f.bin", false), m, Buffer.from("x").toString("base64"));
    assert.equal(m.files.get("c:\\windows\\temp\\f.bin")?.data.toString(), "x", "Create truncates");
    const r = await stdinPs(psWriteChunkFromStdin("C:\\nowhere\\f.bin", false), m, "");
    assert.notEqual(r.exitCode, 0);
    assert.match(decodeClixml(r.stderr), /Could not find a part of the path/);
  });

  it("hashes a file with Get-FileHash (upper-case SHA256 hex)", async () => {
    const m = Machine.synthetic("WIN-FILES");
    m.files.set("c:\\windows\\temp\\h.txt", { path: "C:\\Windows\\Temp\\h.txt", data: Buffer.from("hello") });
    const r = await ps("(Get-FileHash -LiteralPath 'C:\\Windows\\Temp\\h.txt' -Algorithm SHA256).Hash", m);
    assert.equal(r.stdout.trim(), createHash("sha256").update("hello").digest("hex").toUpperCase());
  });

  it("deletes an empty folder and refuses one that holds anything", async () => {
    const m = Machine.synthetic("WIN-FILES");
    await ps("New-Item -ItemType Directory -Force -Path 'C:\\t\\sub' | Out-Null", m);
    m.files.set("c:\\t\\sub\\x", { path: "C:\\t\\sub\\x", data: Buffer.from("") });
    const r = await ps(
      "try { [IO.Directory]::Delete('C:\\t') } catch { 'refused' }; [IO.Directory]::Exists('C:\\t')",
      m,
    );
    assert.equal(r.stdout, "refused\r\nTrue\r\n");
    m.files.delete("c:\\t\\sub\\x");
    await ps("[IO.Directory]::Delete('C:\\t\\sub'); [IO.Directory]::Delete('C:\\t')", m);
    assert.equal(m.dirs.has("c:\\t"), false);
  });
});
