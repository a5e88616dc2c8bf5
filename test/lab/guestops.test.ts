import assert from "node:assert/strict";
import Docker from "dockerode";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { GuestOpsConnection } from "../../provider/src/connections/guestops/guestops-connection";
import { GuestOperations } from "../../provider/src/vsphere/guest-ops";
import type { MoRef, VsphereSession } from "../../provider/src/vsphere/session";
import { assertBoundedRss, runFlood } from "../support/flood";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { labSession } from "../support/vsphere";

/** The container vcsim runs for a VM (it names it vcsim-<vm name>-<id>), straight through the Docker API. */
async function vmContainer(vmName: string): Promise<Docker.Container> {
  const docker = new Docker();
  const [found] = await docker.listContainers({ filters: { label: ["pod.lab=1"], name: [`vcsim-${vmName}-`] } });
  assert.ok(found, `no container for ${vmName}`);
  return docker.getContainer(found.Id);
}

/** Runs argv in the container as root (not through pod), returning stdout. */
async function inContainer(container: Docker.Container, argv: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  // Multiplexed frames: drop each 8-byte header.
  const all = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= all.length; at += 8 + all.readUInt32BE(at + 4)) {
    out.push(all.subarray(at + 8, at + 8 + all.readUInt32BE(at + 4)));
  }
  return Buffer.concat(out).toString("utf8");
}

/** Commands with no network path to the guest: VMware Tools guest operations in vcsim. */
describe("guest operations transport", () => {
  let session: VsphereSession;
  let vm: MoRef;
  let conn: GuestOpsConnection;
  let lab: LabVm | undefined;

  before(async () => {
    lab = await createLabVm({ prefix: "gops", waitFor: "ip" });
    vm = lab.ref;
    session = await labSession();
    const ops = await GuestOperations.open(session, vm, { username: "pod", password: new Secret("pod") });
    conn = new GuestOpsConnection(ops, vm.value);
  });
  after(async () => {
    await lab?.remove();
    await session?.close();
  });

  it("returns stdout, stderr and the exit code, shell metacharacters intact", async () => {
    const r = await conn.exec(`echo 'a;b|c' "$HOME"; echo oops >&2; exit 4`);
    assert.equal(r.stdout, "a;b|c /root\n");
    assert.equal(r.stderr, "oops\n");
    assert.equal(r.exitCode, 4);
  });

  it("passes stdin, environment and working directory", async () => {
    const r = await conn.exec('cat; printf " %s %s" "$POD_X" "$(pwd)"', {
      stdin: "in-put",
      env: { POD_X: "x1" },
      cwd: "/tmp",
    });
    assert.equal(r.stdout, "in-put x1 /tmp");
    assert.equal(r.exitCode, 0);
  });

  it("moves files both ways", async () => {
    await conn.putFile("/tmp/pod-guestops.txt", "hello\n", { mode: 0o600 });
    assert.equal((await conn.getFile("/tmp/pod-guestops.txt")).toString(), "hello\n");
    assert.equal((await conn.exec("stat -c %a /tmp/pod-guestops.txt")).stdout.trim(), "600");
  });

  it("ends a command past its timeout", async () => {
    const r = await conn.exec("sleep 30", { timeoutMs: 1_000 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
  });

  it("at a timeout ends the command's children too (even setsid ones), and leaves no temp file", async () => {
    const container = await vmContainer(lab?.name ?? "");
    const r = await conn.exec("sleep 3001 & setsid sleep 3002 & sleep 3003; echo never", { timeoutMs: 1_500 });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.doesNotMatch(r.stdout, /never/);
    const ps = await inContainer(container, ["ps", "-eo", "args"]);
    assert.doesNotMatch(ps, /sleep 300[123]/, `processes left in the guest:\n${ps}`);
    const left = await inContainer(container, ["sh", "-c", "ls -a /tmp"]);
    assert.doesNotMatch(left, /pod-vcsim-/, `temp files or directories left in the guest:\n${left}`);
  });

  it("when its signal fires, ends the running command's tree in the guest and fails with CANCELLED (issue 13)", async () => {
    const container = await vmContainer(lab?.name ?? "");
    const sleeps = async () => (await inContainer(container, ["ps", "-eo", "args="])).match(/^sleep 301[12]$/gm) ?? [];
    const controller = new AbortController();
    const run = conn.exec("sleep 3011 & sleep 3012; echo never", { timeoutMs: 120_000, signal: controller.signal });
    // Guest operations stream nothing while the command runs: the guest's ps says when it does.
    for (const deadline = Date.now() + 60_000; (await sleeps()).length < 2; ) {
      assert.ok(Date.now() < deadline, "the guest never ran the sleeps");
    }
    controller.abort();
    await assert.rejects(run, (e) => isPodError(e, "CANCELLED"));
    assert.deepEqual(await sleeps(), [], "nothing of the command is left in the guest");
    assert.equal((await conn.exec("echo still here")).stdout, "still here\n");
  });

  it("keeps 1 MiB of a 24 MiB output, says how much it dropped, and streams all of it", async () => {
    const streamed = { stdout: 0 };
    const r = await conn.exec("head -c 25165824 /dev/zero | tr '\\0' y; echo done >&2", {
      maxOutputBytes: 1024 * 1024,
      onStdout: (c) => {
        streamed.stdout += c.length;
      },
    });
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout.length, 1024 * 1024);
    assert.deepEqual(r.truncated, { stdout: 24 * 1024 * 1024 - 1024 * 1024, stderr: 0 });
    assert.equal(r.stderr, "done\n");
    assert.equal(streamed.stdout, 24 * 1024 * 1024);
  });

  it("refuses to download a file bigger than getFile's maxBytes (TOO_LARGE)", async () => {
    await conn.exec("head -c 3000000 /dev/zero > /tmp/pod-big.bin");
    await assert.rejects(conn.getFile("/tmp/pod-big.bin", { maxBytes: 1_000_000 }), (e) => isPodError(e, "TOO_LARGE"));
    assert.equal((await conn.getFile("/tmp/pod-big.bin", { maxBytes: 3_000_000 })).length, 3_000_000);
  });

  it("holds the provider's memory bounded while the guest floods (separate process, peak RSS)", async () => {
    const total = 96 * 1024 * 1024;
    const report = await runFlood({
      transport: "guestops",
      target: vm.value,
      user: "pod",
      password: "pod",
      os: "linux",
      command: { script: `head -c ${total} /dev/zero | tr '\\0' y`, shell: "sh" },
      timeoutMs: 120_000,
      maxOutputBytes: 4 * 1024 * 1024,
      listen: true,
    });
    assert.deepEqual(report.result.truncated, { stdout: total - 4 * 1024 * 1024, stderr: 0 });
    assert.equal(report.streamed.stdout, total);
    assertBoundedRss("guestops", report, total, 160 * 1024 * 1024);
  });
});
