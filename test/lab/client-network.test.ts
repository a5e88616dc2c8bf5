import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PodClient } from "../../provider/src/client";
import type { ChangeRecord } from "../../provider/src/observability/audit-log";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { labSession, uniqueName } from "../support/vsphere";

const MAIN = join(__dirname, "../../provider/src/cli/main.ts");
const TS_NODE = join(__dirname, "../../node_modules/.bin/ts-node");

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TS_NODE, ["--transpile-only", MAIN, ...args], { env: process.env, timeout: 60_000 }, (e, o, s) =>
      resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, stdout: o, stderr: s }),
    );
  });
}

/** The guest's MTU on eth0, read straight through Docker (not pod's code). */
const mtuOf = async (g: GuestContainer) => Number((await g.run(["cat", "/sys/class/net/eth0/mtu"])).stdout.trim());

/**
 * Issue 11: what PodNetwork does, PodClient and the CLI do too, through the
 * same engine: a read-only diff, an apply of a whole declaration (port group,
 * NIC, guest interfaces) with its change records, and removal of exactly that.
 */
describe("lab: network declarations through PodClient and `pod net`", function () {
  this.timeout(180_000);
  const lab = requireLab();
  let guest: GuestContainer;
  let vm: LabVm;
  let dir: string;
  let client: PodClient;

  before(async () => {
    [guest, vm] = await Promise.all([
      startGuest({ capAdd: ["NET_ADMIN"] }),
      createLabVm({ prefix: "client-net", container: false }),
    ]);
    dir = await mkdtemp(join(tmpdir(), "pod-client-net-"));
    client = new PodClient({
      vsphere: { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile },
    });
  });
  after(async () => {
    await client?.close();
    await Promise.all([guest?.remove(), vm?.remove()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("diffNetwork is read-only; applyNetwork converges; removeNetwork restores", async () => {
    const target = `docker:${guest.name}`;
    const interfaces = [{ name: "eth0", mtu: 1400 }];
    const before = await mtuOf(guest);
    assert.notEqual(before, 1400);
    const diff = await client.diffNetwork(target, interfaces);
    assert.equal(diff.os.type, "linux");
    assert.ok(
      diff.drift.some((d) => /mtu/i.test(d)),
      diff.drift.join("; "),
    );
    assert.ok(diff.changes.length > 0);
    assert.equal(await mtuOf(guest), before, "a diff changes nothing");

    const record = await client.applyNetwork({ target, interfaces });
    assert.equal(await mtuOf(guest), 1400);
    assert.deepEqual(
      record.applied.map((a) => [a.name, a.mtu]),
      [["eth0", 1400]],
    );
    assert.deepEqual((await client.diffNetwork(target, interfaces)).drift, [], "converged");

    await client.removeNetwork({ target, interfaces }, record);
    assert.equal(await mtuOf(guest), before, "put back as pod found it");
  });

  it("a port group with its VLAN and a VM's NIC (VM by name), then undone; one correlation id", async () => {
    const pgName = uniqueName("client-pg");
    const records: ChangeRecord[] = [];
    const sink = { record() {}, change: (c: ChangeRecord) => records.push(c) };
    const recording = new PodClient({
      vsphere: { host: lab.vsphereHost, user: lab.vsphereUser, password: lab.vspherePassword, caFile: lab.caFile },
      audit: sink,
    });
    try {
      const declaration = { vm: vm.name, nic: 0, portGroup: { name: pgName, vlanId: 340 } };
      const record = await recording.applyNetwork(declaration, { correlationId: "client-net-1" });
      assert.equal(record.portGroupCreated, true);
      assert.equal(record.nicPreviousNetwork, "VM Network");
      const session = await labSession();
      try {
        assert.equal((await readVm(session, vm.ref))?.nics[0]?.network, pgName, "vSphere shows the NIC moved");
        await recording.removeNetwork(declaration, record, { correlationId: "client-net-1" });
        assert.equal((await readVm(session, vm.ref))?.nics[0]?.network, "VM Network");
      } finally {
        await session.close();
      }
      assert.deepEqual(
        records.map((r) => [r.action, r.result, r.correlationId]),
        [
          ["portgroup.added", "ok", "client-net-1"],
          ["nic.moved", "ok", "client-net-1"],
          ["nic.moved", "ok", "client-net-1"],
          ["portgroup.removed", "ok", "client-net-1"],
        ],
      );
    } finally {
      await recording.close();
    }
  });

  it("`pod net diff` exits 1 on drift and 0 once `pod net apply` converged the guest", async () => {
    const file = join(dir, "net.json");
    await writeFile(file, JSON.stringify([{ name: "eth0", mtu: 1300 }]));
    const target = `docker:${guest.name}`;
    const drift = await cli(["net", "diff", target, "-f", file]);
    assert.equal(drift.code, 1, drift.stderr);
    assert.match(drift.stdout, /^~ .*mtu/im);
    const applied = await cli(["--json", "net", "apply", target, "-f", file]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal((JSON.parse(applied.stdout) as { applied: { mtu: number }[] }).applied[0]?.mtu, 1300);
    assert.equal(await mtuOf(guest), 1300, "the guest itself shows it");
    const clean = await cli(["net", "diff", target, "-f", file]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /converged/);
  });
});
