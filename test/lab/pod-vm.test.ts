import assert from "node:assert/strict";
import type { PodVmInputs, PodVmOutputs } from "../../provider/src/resources/pod-vm/args";
import { PodVmProvider } from "../../provider/src/resources/pod-vm/provider";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { containerBacking, labSession, uniqueName } from "../support/vsphere";

/**
 * PodVm's CRUD against vcsim (issue 3): the provider object Pulumi runs,
 * driven directly, talking to the real simulator and Docker.
 */
describe("PodVm against vcsim", () => {
  const lab = requireLab();
  const provider = new PodVmProvider();
  const connection = vsphereConnectionOf(lab);
  const base = (name: string): PodVmInputs => ({
    connection,
    name,
    template: "pod-template-debian12",
    numCpus: 1,
    memoryMb: 256,
    nics: [{ network: "VM Network" }],
    extraConfig: containerBacking(),
    waitForIpTimeoutSeconds: 60,
    shutdownTimeoutSeconds: 10,
  });

  async function powerOffOutOfBand(moid: string): Promise<void> {
    const session = await labSession();
    try {
      const task = await session.call("PowerOffVM_Task", { _this: { type: "VirtualMachine", value: moid } });
      const { waitForTask } = await import("../../provider/src/vsphere/property");
      await waitForTask(session, task as never);
    } finally {
      await session.close();
    }
  }

  describe("full lifecycle", () => {
    const inputs: PodVmInputs = { ...base(uniqueName("podvm")), guest: { user: "pod", password: "pod" } };
    let id = "";
    let outs: PodVmOutputs;

    after(async () => {
      if (id) await provider.delete(id, outs).catch(() => undefined);
    });

    it("creates: clone, power on, IP, OS probed in the guest, SSH host keys read through VMware Tools", async () => {
      const created = await provider.create(inputs);
      id = created.id;
      outs = created.outs as PodVmOutputs;
      assert.match(id, /^vm-\d+$/);
      assert.equal(outs.observedPowerState, "poweredOn");
      assert.match(outs.ipAddress, /^172\.\d+\.\d+\.\d+$/);
      assert.equal(outs.os.type, "linux");
      assert.equal(outs.os.distribution, "debian");
      assert.equal(outs.os.version, "12");
      assert.equal(outs.sshHostKeys.length, 3);
      assert.match(outs.sshHostKeys[0] ?? "", /^SHA256:[A-Za-z0-9+/]{43}$/);
      assert.equal(outs.observedNics[0]?.network, "VM Network");
      assert.equal((outs as { connection?: { password?: string } }).connection?.password, lab.vspherePassword);
    });

    it("has no diff against the same inputs", async () => {
      const d = await provider.diff(id, outs, inputs);
      assert.equal(d.changes, false);
    });

    it("updates CPUs, memory and the NIC's port group in place", async () => {
      const news: PodVmInputs = { ...inputs, numCpus: 2, memoryMb: 512, nics: [{ network: "DC0_DVPG0" }] };
      const d = await provider.diff(id, outs, news);
      assert.equal(d.changes, true);
      assert.deepEqual(d.replaces, []);
      outs = (await provider.update(id, outs, news)).outs as PodVmOutputs;
      assert.equal(outs.observedNumCpus, 2);
      assert.equal(outs.observedMemoryMb, 512);
      assert.equal(outs.observedNics[0]?.network, "DC0_DVPG0");
      Object.assign(inputs, news);
    });

    it("powers off and on through powerState", async () => {
      outs = (await provider.update(id, outs, { ...inputs, powerState: "off" })).outs as PodVmOutputs;
      assert.equal(outs.observedPowerState, "poweredOff");
      outs = (await provider.update(id, outs, inputs)).outs as PodVmOutputs;
      assert.equal(outs.observedPowerState, "poweredOn");
    });

    it("refresh shows a power-off made outside Pulumi as drift, and update repairs it", async () => {
      await powerOffOutOfBand(id);
      const read = await provider.read(id, outs);
      const refreshed = read.props as PodVmOutputs;
      assert.equal(refreshed.observedPowerState, "poweredOff");
      const d = await provider.diff(id, refreshed, inputs);
      assert.equal(d.changes, true);
      assert.deepEqual(d.replaces, []);
      outs = (await provider.update(id, refreshed, inputs)).outs as PodVmOutputs;
      assert.equal(outs.observedPowerState, "poweredOn");
    });

    it("replaces on a new template or name, never on NIC changes", async () => {
      assert.deepEqual((await provider.diff(id, outs, { ...inputs, template: "pod-template-rocky9" })).replaces, [
        "template",
      ]);
      assert.deepEqual((await provider.diff(id, outs, { ...inputs, name: "other" })).replaces, ["name"]);
    });

    it("deletes, and a second delete of the gone VM succeeds", async () => {
      await provider.delete(id, outs);
      await provider.delete(id, outs);
      assert.deepEqual(await provider.read(id, outs), {});
      id = "";
    });
  });

  describe("bad input and failures", () => {
    // lab.env also hands the provider the lab's trust (POD_VSPHERE_CA_FILE and
    // POD_VSPHERE_THUMBPRINT); these tests choose trust themselves.
    const saved = { ca: process.env.POD_VSPHERE_CA_FILE, pin: process.env.POD_VSPHERE_THUMBPRINT };
    before(() => {
      delete process.env.POD_VSPHERE_CA_FILE;
      delete process.env.POD_VSPHERE_THUMBPRINT;
    });
    after(() => {
      process.env.POD_VSPHERE_CA_FILE = saved.ca;
      process.env.POD_VSPHERE_THUMBPRINT = saved.pin;
    });

    it("refuses a wrong vSphere password with INVALID_LOGIN and no password in the message", async () => {
      const inputs = { ...base(uniqueName("podvm")), connection: { ...connection, password: "wrong-Secret-42" } };
      await assert.rejects(provider.create(inputs), (e: Error) => {
        assert.match(e.message, /\[INVALID_LOGIN\]/);
        assert.doesNotMatch(e.message, /wrong-Secret-42/);
        return true;
      });
    });

    it("names the closest templates when the template is unknown", async () => {
      await assert.rejects(
        provider.create({ ...base(uniqueName("podvm")), template: "pod-template-debain12" }),
        (e: Error) => {
          assert.match(e.message, /\[NOT_FOUND\] No template called "pod-template-debain12"/);
          assert.match(e.message, /Did you mean "pod-template-debian12"/);
          return true;
        },
      );
    });

    it("prints the server's thumbprint when its certificate is not trusted", async () => {
      const { caFile: _ca, ...untrusted } = connection;
      await assert.rejects(provider.create({ ...base(uniqueName("podvm")), connection: untrusted }), (e: Error) => {
        assert.match(e.message, /\[TLS_UNTRUSTED\]/);
        assert.ok(e.message.includes(lab.thumbprint), "the message carries the thumbprint to pin");
        return true;
      });
    });

    it("accepts a pinned thumbprint instead of a CA", async () => {
      const { caFile: _ca, ...rest } = connection;
      const inputs = { ...base(uniqueName("podvm")), connection: { ...rest, thumbprint: lab.thumbprint } };
      const created = await provider.create({ ...inputs, powerState: "off" });
      try {
        assert.match(created.id, /^vm-\d+$/);
        assert.equal((created.outs as PodVmOutputs).observedPowerState, "poweredOff");
        // Seen from vcsim's side (the lab CA, not the pin): the VM the pinned connection made is there.
        const session = await labSession();
        try {
          const { listNamed } = await import("../../provider/src/vsphere/finder");
          const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === inputs.name);
          assert.equal(vm?.ref.value, created.id);
        } finally {
          await session.close();
        }
        // And the pin is what made it work: the same connection with a wrong pin is refused.
        const wrong = { ...inputs.connection, thumbprint: "00".repeat(32) };
        await assert.rejects(
          provider.read(created.id, { ...(created.outs as PodVmOutputs), connection: wrong }),
          (e: Error) => /\[TLS_UNTRUSTED\].*does not match the pinned one/.test(e.message),
        );
      } finally {
        await provider.delete(created.id, created.outs as PodVmOutputs);
      }
    });

    it("leaves no VM behind when create fails after the clone", async () => {
      const name = uniqueName("podvm-fail");
      // No container backing: the VM powers on but never reports an IP. The lab's templates back
      // their clones with a container, so clone vcsim's own model VM instead.
      const inputs = { ...base(name), template: "DC0_C0_RP0_VM0", extraConfig: {}, waitForIpTimeoutSeconds: 2 };
      await assert.rejects(provider.create(inputs), /\[TIMEOUT\] VM .* reported no IPv4 address/);
      const session = await labSession();
      try {
        const { listNamed } = await import("../../provider/src/vsphere/finder");
        const vms = await listNamed(session, "VirtualMachine");
        assert.equal(
          vms.some((v) => v.name === name),
          false,
          "the half-made VM was destroyed",
        );
      } finally {
        await session.close();
      }
    });

    it("reports check failures for bad input before anything runs", async () => {
      const bad = { ...base("bad name;rm -rf /"), numCpus: 0, nics: [{ vlanId: 5000 }] } as PodVmInputs;
      const { failures } = await provider.check(bad, bad);
      const props = (failures ?? []).map((f) => f.property).sort();
      assert.deepEqual(props, ["name", "nics.0.vlanId", "numCpus"]);
    });
  });
});
