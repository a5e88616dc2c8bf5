import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Machine } from "../../lab/windows-guest/src/machine";
import { createListener } from "../../lab/windows-guest/src/server";
import { ShellTable } from "../../lab/windows-guest/src/shells";
import { WinrmConnection } from "../../provider/src/connections/winrm/connection";
import { UPLOAD_CHUNK } from "../../provider/src/connections/winrm/file-upload";
import type { PodCopyInputs, PodCopyOutputs } from "../../provider/src/resources/pod-copy/args";
import { PodCopyProvider } from "../../provider/src/resources/pod-copy/provider";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/**
 * PodCopy to a Windows guest over WinRM (NTLM, sealed HTTP): the lab's Windows
 * guest code, started by this test on loopback so its in-memory disk can be
 * read from the guest's side too.
 */
describe("PodCopy to a Windows guest over WinRM", function () {
  this.timeout(120_000);
  const password = `Pod-${randomBytes(6).toString("hex")}`;
  const machine = Machine.synthetic("WIN-PODCOPY");
  const shells = new ShellTable(30);
  const provider = new PodCopyProvider();
  let server: Server;
  let port: number;
  let dir: string;
  const big = randomBytes(UPLOAD_CHUNK * 2 + 12_345); // three chunks

  before(async () => {
    server = createListener({ machine, shells, password: () => password, tls: false, log: () => undefined });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), "pod-copy-win-"));
    mkdirSync(join(dir, "tree/sub"), { recursive: true });
    writeFileSync(join(dir, "tree/a.txt"), "alpha\r\n");
    writeFileSync(join(dir, "tree/sub/big.bin"), big);
  });
  after(() => {
    shells.closeAll();
    server?.close();
    server?.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  });

  const target = () => ({
    transport: "winrm" as const,
    host: "127.0.0.1",
    port,
    https: false,
    user: "Administrator",
    password,
  });
  /** The guest's own SHA-256 of a file (Get-FileHash), over a connection of the test's own. */
  const guestHash = async (path: string) => {
    const c = new WinrmConnection({ host: "127.0.0.1", port, https: false, username: "Administrator", password });
    try {
      const r = await c.execPowerShell(`(Get-FileHash -LiteralPath '${path}' -Algorithm SHA256).Hash`);
      return r.stdout.trim().toLowerCase();
    } finally {
      await c.close();
    }
  };
  const file = (path: string) => machine.files.get(machine.fileKey(path))?.data;

  it("copies a tree (one file in several chunks), re-copies a change, removes what it copied", async () => {
    const inputs: PodCopyInputs = { target: target(), localPath: join(dir, "tree"), remotePath: "C:\\pod\\app" };
    const created = (await provider.create(inputs)).outs as PodCopyOutputs;
    assert.equal(created.os.type, "windows");
    assert.deepEqual(
      created.files.map((f) => f.path),
      ["C:\\pod\\app\\a.txt", "C:\\pod\\app\\sub\\big.bin"],
    );
    assert.equal(await guestHash("C:\\pod\\app\\sub\\big.bin"), sha256(big));
    assert.equal(await guestHash("C:\\pod\\app\\a.txt"), sha256("alpha\r\n"));

    writeFileSync(join(dir, "tree/a.txt"), "beta\r\n");
    assert.equal((await provider.diff("id", created, inputs)).changes, true);
    const updated = (await provider.update("id", created, inputs)).outs as PodCopyOutputs;
    assert.equal(file("C:\\pod\\app\\a.txt")?.toString(), "beta\r\n");

    machine.files.set(machine.fileKey("C:\\pod\\app\\theirs.txt"), {
      path: "C:\\pod\\app\\theirs.txt",
      data: Buffer.from("x"),
    });
    await provider.delete("id", updated);
    assert.equal(file("C:\\pod\\app\\a.txt"), undefined);
    assert.equal(file("C:\\pod\\app\\sub\\big.bin"), undefined);
    assert.equal(machine.dirs.has(machine.fileKey("C:\\pod\\app\\sub")), false, "the emptied folder is removed");
    assert.equal(file("C:\\pod\\app\\theirs.txt")?.toString(), "x", "someone else's file stays, and its folder");
    assert.equal(machine.dirs.has(machine.fileKey("C:\\pod\\app")), true);
  });

  it("writes a StringAsset at a file path", async () => {
    const inputs = {
      target: target(),
      source: new pulumi.asset.StringAsset("key=value\r\n"),
      remotePath: "C:\\pod\\one\\settings.ini",
    } as unknown as PodCopyInputs;
    const outs = (await provider.create(inputs)).outs as PodCopyOutputs;
    assert.equal(await guestHash("C:\\pod\\one\\settings.ini"), sha256("key=value\r\n"));
    await provider.delete("id", outs);
    assert.equal(file("C:\\pod\\one\\settings.ini"), undefined);
  });

  it("refuses mode/owner and a POSIX path for Windows, writing nothing", async () => {
    const before = machine.files.size;
    await assert.rejects(
      provider.create({ target: target(), localPath: join(dir, "tree"), remotePath: "C:\\pod\\m", mode: "0644" }),
      (e: Error & { code?: string }) => e.code === "INVALID_INPUT" && /Linux guests/.test(e.message),
    );
    await assert.rejects(
      provider.create({ target: target(), localPath: join(dir, "tree"), remotePath: "/opt/app" }),
      (e: Error & { code?: string }) =>
        e.code === "INVALID_INPUT" && /posix path, but the guest runs Windows/.test(e.message),
    );
    assert.equal(machine.files.size, before);
  });
});
