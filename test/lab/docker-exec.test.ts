import assert from "node:assert/strict";
import { isPodError } from "../../provider/src/common/errors";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { docker, type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

describe("lab: Docker exec connections (dockerode)", function () {
  this.timeout(90_000);
  requireLab();
  let guest: GuestContainer;
  let rocky: GuestContainer;
  let ct: DockerExecConnection;

  before(async () => {
    [guest, rocky] = await Promise.all([startGuest(), startGuest({ image: "pod-guest-rocky:9" })]);
    ct = new DockerExecConnection({ container: guest.name });
  });
  after(async () => {
    await ct?.close();
    await Promise.all([guest?.remove(), rocky?.remove()]);
  });

  it("demultiplexes stdout and stderr and reads the exit code", async () => {
    const result = await ct.exec("echo out; echo err >&2; echo more; exit 42");
    assert.deepEqual(
      [result.stdout, result.stderr, result.exitCode, result.timedOut],
      ["out\nmore\n", "err\n", 42, false],
    );
    assert.equal((await ct.exec("true")).exitCode, 0);
    assert.equal((await ct.exec("kill -TERM $$")).exitCode, 143, "killed by a signal: 128 + 15");
    const big = await ct.exec("head -c 300000 /dev/zero | tr '\\0' x; echo; seq 1 5000 >&2");
    assert.equal(big.stdout.length, 300_001);
    assert.equal(big.stderr.split("\n").length, 5001);
  });

  it("passes stdin and ends it, so readers finish", async () => {
    assert.equal((await ct.exec("wc -l", { stdin: "a\nb\nc\n" })).stdout.trim(), "3");
    const noInput = await ct.exec("cat", { timeoutMs: 10_000 });
    assert.equal(noInput.timedOut, false, "cat sees EOF at once");
  });

  it("sets env and the working directory", async () => {
    const result = await ct.exec('printf "%s|%s" "$POD_X" "$PWD"', { env: { POD_X: "a b'c" }, cwd: "/etc" });
    assert.equal(result.stdout, "a b'c|/etc");
  });

  it("ends a timed-out command and its children inside the container", async () => {
    const result = await ct.exec("sleep 4171 & sleep 4172; echo never", { timeoutMs: 1500 });
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, null);
    const { stdout } = await guest.run(["ps", "-eo", "args"]);
    assert.ok(!stdout.includes("sleep 417"), stdout);
  });

  it("puts and gets files through the archive API, following symlinks", async () => {
    const content = Buffer.from("line one\nline two ✓\n");
    await ct.putFile("/tmp/pod-archive.txt", content, { mode: 0o640 });
    assert.deepEqual(await ct.getFile("/tmp/pod-archive.txt"), content);
    assert.equal((await ct.exec("stat -c %a /tmp/pod-archive.txt")).stdout, "640\n");
    const rockyCt = new DockerExecConnection({ container: rocky.name });
    assert.match(
      (await rockyCt.getFile("/etc/os-release")).toString(),
      /ID="rocky"/,
      "/etc/os-release is a symlink there",
    );
    await assert.rejects(ct.getFile("/nope/x"), (e) => isPodError(e, "NOT_FOUND"));
    await assert.rejects(ct.getFile("/etc"), (e) => isPodError(e, "INVALID_INPUT"));
  });

  it("maps a missing or stopped container to NOT_FOUND / INVALID_STATE", async () => {
    await assert.rejects(new DockerExecConnection({ container: "pod-no-such-container" }).exec("true"), (e) =>
      isPodError(e, "NOT_FOUND"),
    );
    const stopped = await docker.createContainer({ Image: "pod-guest-debian:12", Labels: { "pod.lab": "1" } });
    try {
      const conn = new DockerExecConnection({ container: stopped.id });
      await assert.rejects(conn.exec("true"), (e) => isPodError(e, "INVALID_STATE"));
      const health = await conn.health();
      assert.equal(health.reachable, false);
    } finally {
      await stopped.remove({ force: true });
    }
    assert.equal((await ct.health()).reachable, true);
  });
});
