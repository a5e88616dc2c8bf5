import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import Docker = require("dockerode");

import { listNamed } from "../../provider/src/vsphere/finder";
import { powerOff } from "../../provider/src/vsphere/vm-ops";
import { requireLab } from "../support/lab-env";
import { inventoryNames, quickstart, runQuickstart, sweepVcsim } from "../support/quickstart-stack";
import { labSession } from "../support/vsphere";

const _repo = join(__dirname, "../..");

const vmNames = () => inventoryNames("VirtualMachine");
const networkNames = () => inventoryNames("Network");

/** The containers backing this stack's VMs (vcsim names them vcsim-<vm name>-<uuid>). */
async function stackContainers(vmName: string): Promise<Docker.ContainerInfo[]> {
  return new Docker().listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });
}

/** Successful SSH logins the guest's sshd logged (its log is the container's). */
async function sshLogins(vmName: string): Promise<number> {
  const [c] = await stackContainers(vmName);
  if (!c) return 0;
  const logs = (await new Docker().getContainer(c.Id).logs({ stdout: true, stderr: true })).toString("latin1");
  return (logs.match(/Accepted (password|publickey)/g) ?? []).length;
}

/** The guest's IPv4 addresses on eth0, read with docker exec (not through pod). */
async function guestAddresses(vmName: string): Promise<string[]> {
  const [c] = await stackContainers(vmName);
  assert.ok(c, `a container backs ${vmName}`);
  const exec = await new Docker().getContainer(c.Id).exec({
    Cmd: ["ip", "-4", "-o", "addr", "show", "dev", "eth0"],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  stream.on("data", (b: Buffer) => chunks.push(b));
  await new Promise((resolve) => stream.on("end", resolve));
  return [
    ...Buffer.concat(chunks)
      .toString("latin1")
      .matchAll(/inet (\S+)/g),
  ]
    .map((m) => m[1] ?? "")
    .sort();
}

async function removeGuestAddress(vmName: string, cidr: string): Promise<void> {
  const [c] = await stackContainers(vmName);
  assert.ok(c);
  const exec = await new Docker().getContainer(c.Id).exec({ Cmd: ["ip", "addr", "del", cidr, "dev", "eth0"] });
  const stream = await exec.start({});
  stream.resume();
  await new Promise((resolve) => stream.on("end", resolve));
  // The stream can end before Docker marks the exec finished: wait for its exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    info = await exec.inspect();
  }
  assert.equal(info.ExitCode, 0, `ip addr del ${cidr}`);
}

/** Issue 6: what a user does with the real CLI, against the lab. */
describe("e2e: examples/quickstart with the Pulumi CLI", () => {
  const lab = requireLab();
  const stack = `e2e${process.pid}`;
  const vmName = `pod-quickstart-${stack}-web`;
  const portGroup = `pod-quickstart-${stack}-vlan120`;
  const vlanAddress = "10.120.0.10/24";

  after(async () => {
    runQuickstart(stack, "destroy");
    runQuickstart(stack, "stack", "rm", "--yes", "--force", stack);
    await sweepVcsim(vmName, portGroup); // when a failed test left the destroy undone
  });

  it("previews a new stack without creating anything in vcsim or Docker", async () => {
    assert.match(quickstart(stack, "preview"), /\+ 4 to create/);
    assert.equal((await vmNames()).includes(vmName), false);
    assert.equal((await networkNames()).includes(portGroup), false);
    assert.deepEqual(await stackContainers(vmName), []);
  });

  it("fails an up with a wrong guest password, then converges once it is corrected", async () => {
    quickstart(stack, "config", "set", "--secret", "guestPassword", "wrong-Guest-Pw-5");
    const failed = runQuickstart(stack, "up");
    assert.notEqual(failed.status, 0);
    // The guest half of PodNetwork is the first to log in; its port group and NIC move are undone.
    assert.match(failed.out, /PodNetwork on .*: create failed: \[AUTH_FAILED\]/);
    assert.doesNotMatch(failed.out, /wrong-Guest-Pw-5/);
    assert.equal((await networkNames()).includes(portGroup), false, "nothing half-applied in vSphere");
    quickstart(stack, "config", "set", "--secret", "guestPassword", "pod");
    const out = quickstart(stack, "up");
    assert.match(out, /2 created/);
    const outputs = JSON.parse(out.slice(out.lastIndexOf("\n{"))) as Record<string, unknown>;
    assert.match(String(outputs.ipAddress), /^172\./);
    assert.equal((outputs.detectedOs as { distribution: string }).distribution, "debian");
    assert.match(String(outputs.commandOutput), /^Linux /);
    assert.equal(outputs.portGroup, portGroup);
    assert.ok((await networkNames()).includes(portGroup), "the VLAN port group exists in vcsim");
    assert.ok((await guestAddresses(vmName)).includes(vlanAddress), "the guest has its VLAN address");
  });

  it("a second up reports no changes", () => {
    assert.match(quickstart(stack, "up"), /4 unchanged/);
  });

  it("previews a change without connecting to the guest", async () => {
    const before = await sshLogins(vmName);
    quickstart(stack, "config", "set", "unameFlags", "--", "-a");
    assert.match(quickstart(stack, "preview"), /~ 1 to update/);
    assert.equal(await sshLogins(vmName), before, "no SSH login during preview");
    assert.match(quickstart(stack, "up"), /1 updated/);
    assert.equal(await sshLogins(vmName), before + 1, "the up ran the command once");
  });

  it("keeps no plaintext password in the state", () => {
    const state = quickstart(stack, "stack", "export");
    assert.ok(state.includes(vmName), "the export is the stack's state");
    assert.equal(state.includes(lab.vspherePassword), false);
    // Secret values are stored as ciphertext objects, so no password field holds a string.
    assert.doesNotMatch(state, /"password":\s*"/, "no password in plaintext");
  });

  it("writes one audit record per change, correlated by the resource's URN, with no password", () => {
    const text = readFileSync(join(lab.state, "audit", `quickstart-${stack}.jsonl`), "utf8");
    const records = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { action?: string; result?: string; correlationId?: string });
    const urn = (type: string, name: string) =>
      `urn:pulumi:${stack}::pod-quickstart::pulumi-nodejs:dynamic/pod:${type}::${name}`;
    const changes = (action: string) => records.filter((r) => r.action === action && r.result === "ok");
    assert.deepEqual(
      changes("vm.created").map((r) => r.correlationId),
      [urn("PodVm", "web")],
    );
    for (const action of ["portgroup.added", "nic.moved", "network.applied"]) {
      assert.ok(
        changes(action).some((r) => r.correlationId === urn("PodNetwork", "web-net")),
        `${action} with PodNetwork's URN`,
      );
    }
    // The failed up's port group came back out: recorded too.
    assert.ok(records.some((r) => r.action === "portgroup.removed"));
    for (const secret of [lab.vspherePassword, "wrong-Guest-Pw-5"]) assert.equal(text.includes(secret), false);
  });

  it("shows an address removed in the guest as drift on refresh, and up puts it back", async () => {
    await removeGuestAddress(vmName, vlanAddress);
    const refreshed = quickstart(stack, "refresh", "--diff");
    assert.match(refreshed, /eth0 lacks 10\.120\.0\.10\/24/, "refresh names the drift");
    assert.match(refreshed, /1 updated/);
    assert.match(quickstart(stack, "up"), /1 updated/);
    assert.ok((await guestAddresses(vmName)).includes(vlanAddress), "up put the address back");
    assert.match(quickstart(stack, "refresh"), /4 unchanged/, "no drift after the repair");
  });

  it("shows a VM powered off outside Pulumi as drift on refresh, and up repairs it", async () => {
    const session = await labSession();
    try {
      const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === vmName);
      assert.ok(vm);
      await powerOff(session, vm.ref, 60_000);
    } finally {
      await session.close();
    }
    const refreshed = quickstart(stack, "refresh", "--diff");
    assert.match(refreshed, /observedPowerState\s*: "poweredOn" => "poweredOff"/);
    assert.match(refreshed, /guest: VM vm-\d+ is poweredOff/, "the network names why it was not read");
    const out = quickstart(stack, "up");
    // The restarted container may get another bridge address (the lab's Docker is shared): then the
    // command's target changes too (stored, not re-run).
    const moved = /~ ipAddress/.test(out);
    assert.match(
      out,
      moved ? /3 updated/ : /2 updated/,
      `the VM is powered on, then its network applied again:\n${out}`,
    );
    assert.match(out, /"ipAddress": "172\./);
    // A container's network is run-time only: the restart lost the address, the up put it back.
    assert.ok((await guestAddresses(vmName)).includes(vlanAddress));
  });

  it("destroys everything the stack made in vcsim and Docker", async () => {
    assert.match(quickstart(stack, "destroy"), /4 deleted/);
    assert.equal((await vmNames()).includes(vmName), false);
    assert.equal((await networkNames()).includes(portGroup), false);
    assert.deepEqual(await stackContainers(vmName), []);
  });
});
