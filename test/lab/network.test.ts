import assert from "node:assert/strict";
import { Secret } from "../../provider/src/common/secret";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { SshConnection } from "../../provider/src/connections/ssh";
import type { GuestConnection } from "../../provider/src/connections/types";
import { applyNetwork, restoreNetwork } from "../../provider/src/execution/network/apply";
import { isNetworkConfigError } from "../../provider/src/network/errors";
import type { PodNetworkInputs, PodNetworkOutputs } from "../../provider/src/resources/pod-network/args";
import { PodNetworkProvider } from "../../provider/src/resources/pod-network/provider";
import { listPortGroups, pickPortGroup } from "../../provider/src/vsphere/networks";
import { resolveDatacenter } from "../../provider/src/vsphere/placement";
import type { MoRef, VsphereSession } from "../../provider/src/vsphere/session";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { powerOff } from "../../provider/src/vsphere/vm-ops";
import { createLabNetwork, type GuestContainer, type LabNetwork, startGuest } from "../support/guest-container";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { RecordingConnection } from "../support/recording-connection";
import { labSession, uniqueName } from "../support/vsphere";

/**
 * Issue 5, guest side: the network engine and the PodNetwork provider (driven
 * directly, as Pulumi would) against real guests — two Debian containers and
 * the Rocky 9 stand-in on one Docker network this test creates, each with
 * CAP_NET_ADMIN. The extra subnet 192.168.77.0/24 exists only because pod
 * configures it: the containers share the bridge, so they reach each other on it.
 */
describe("lab: guest network configuration (PodNetwork)", function () {
  this.timeout(180_000);
  requireLab();
  const EXTRA = "192.168.77";
  const provider = new PodNetworkProvider();
  const connections: GuestConnection[] = [];
  let net: LabNetwork;
  let debianA: GuestContainer;
  let debianB: GuestContainer;
  let rocky: GuestContainer;
  const created: { id: string; outs: PodNetworkOutputs }[] = [];

  const docker = (g: GuestContainer) => {
    const c = new DockerExecConnection({ container: g.name });
    connections.push(c);
    return c;
  };
  const ssh = (g: GuestContainer, host = g.ip, port = 22) => {
    const c = new SshConnection({
      host,
      port,
      username: g.user,
      password: new Secret(g.password),
      hostKey: { fingerprints: g.fingerprints },
      dialErrorLimit: 1,
      perDialTimeoutMs: 5000,
    });
    connections.push(c);
    return c;
  };
  const sshTarget = (g: GuestContainer, host = g.ip) => ({
    transport: "ssh" as const,
    host,
    user: g.user,
    password: g.password,
    hostKeys: g.fingerprints,
  });
  const dockerTarget = (g: GuestContainer) => ({ transport: "docker" as const, container: g.name });
  const addresses = async (g: GuestContainer, dev = "eth0") => {
    const out = await g.run(["ip", "-j", "-4", "addr", "show", "dev", dev]);
    const [link] = JSON.parse(out.stdout) as { mtu: number; addr_info: { local: string; prefixlen: number }[] }[];
    return { mtu: link?.mtu, addresses: (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort() };
  };
  const ping = async (from: GuestContainer, to: string) =>
    (await from.run(["ping", "-c", "1", "-W", "3", to])).exitCode;
  async function create(inputs: PodNetworkInputs) {
    const failures = (await provider.check({} as PodNetworkInputs, inputs)).failures ?? [];
    assert.deepEqual(failures, []);
    const r = await provider.create(inputs);
    const entry = { id: r.id, outs: r.outs as PodNetworkOutputs };
    created.push(entry);
    return entry;
  }

  before(async () => {
    net = await createLabNetwork();
    const on = { network: net.name, capAdd: ["NET_ADMIN"] };
    [debianA, debianB, rocky] = await Promise.all([
      startGuest(on),
      startGuest(on),
      startGuest({ ...on, image: "pod-guest-rocky:9" }),
    ]);
  });
  after(async () => {
    for (const c of created.reverse()) await provider.delete(c.id, c.outs).catch(() => undefined);
    await provider.close();
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    await Promise.all([debianA, debianB, rocky].map((g) => g?.remove()));
    await net?.remove();
  });

  let netA: { id: string; outs: PodNetworkOutputs };
  let netB: { id: string; outs: PodNetworkOutputs };
  let netRocky: { id: string; outs: PodNetworkOutputs };
  let inputsB: PodNetworkInputs;

  it("gives two Debian guests and the Rocky stand-in addresses; they ping each other on them; the read-back matches", async () => {
    // A over SSH: its management address stays, so no opt-in is needed.
    netA = await create({
      target: sshTarget(debianA),
      interfaces: [
        { name: "eth0", addresses: [{ address: `${debianA.ip}/24` }, { address: `${EXTRA}.11`, prefix: 24 }] },
      ],
    });
    inputsB = {
      target: dockerTarget(debianB),
      interfaces: [
        {
          mac: await addressesMac(debianB), // chosen by MAC this time
          addresses: [{ address: `${debianB.ip}/24` }, { address: `${EXTRA}.12`, netmask: "255.255.255.0" }],
          mtu: 1400,
          dns: ["192.0.2.53"],
        },
      ],
    };
    netB = await create(inputsB);
    // Rocky over Docker exec: its Docker address goes, two new ones come, with gateway and DNS.
    netRocky = await create({
      target: dockerTarget(rocky),
      interfaces: [
        {
          name: "eth0",
          addresses: [{ address: `${EXTRA}.13/24` }, { address: `${net.prefix}.213/24` }],
          gateway: net.gateway,
          dns: [net.gateway],
        },
      ],
    });

    assert.deepEqual(await addresses(debianA), { mtu: 1500, addresses: [`${EXTRA}.11/24`, `${debianA.ip}/24`].sort() });
    assert.deepEqual(await addresses(debianB), { mtu: 1400, addresses: [`${EXTRA}.12/24`, `${debianB.ip}/24`].sort() });
    assert.deepEqual(await addresses(rocky), {
      mtu: 1500,
      addresses: [`${EXTRA}.13/24`, `${net.prefix}.213/24`].sort(),
    });
    for (const [from, to] of [
      [debianA, `${EXTRA}.12`],
      [debianA, `${EXTRA}.13`],
      [debianB, `${EXTRA}.11`],
      [debianB, `${EXTRA}.13`],
      [rocky, `${EXTRA}.11`],
      [rocky, `${EXTRA}.12`],
      [debianA, `${net.prefix}.213`],
    ] as const) {
      assert.equal(await ping(from, to), 0, `${from.name} → ${to}`);
    }
    // The outputs are what the guest reports, matching the declaration.
    assert.deepEqual(netRocky.outs.applied, [
      {
        name: "eth0",
        mac: netRocky.outs.applied[0]?.mac,
        vlanId: 0,
        addresses: [`${EXTRA}.13/24`, `${net.prefix}.213/24`],
        gateway: net.gateway,
        dns: [net.gateway],
        mtu: 1500,
      },
    ]);
    assert.deepEqual(
      [...(netB.outs.applied[0]?.addresses ?? [])].sort(),
      [`${EXTRA}.12/24`, `${debianB.ip}/24`].sort(),
    );
    assert.equal(netB.outs.applied[0]?.mtu, 1400);
    assert.deepEqual(netB.outs.applied[0]?.dns, ["192.0.2.53"]);
    assert.match((await debianB.run(["cat", "/etc/resolv.conf"])).stdout, /^nameserver 192\.0\.2\.53$/m);
    assert.equal(netRocky.outs.os, "rocky-container");
    assert.equal(netA.outs.os, "linux");
    for (const n of [netA, netB, netRocky]) {
      assert.equal(n.outs.runtimeOnly, true);
      assert.equal(n.outs.persistence, "none");
      assert.match(n.outs.note, /container: run-time configuration only/);
    }
  });

  it("a second apply is a no-op: an empty plan, and no change command runs", async () => {
    const spy = new RecordingConnection(docker(debianB));
    const again = await applyNetwork({ connection: spy, interfaces: inputsB.interfaces, recorded: netB.outs.recorded });
    assert.deepEqual(again.plan, []);
    assert.deepEqual(again.commands, []);
    assert.equal(again.changed, false);
    assert.deepEqual(spy.changeCommands(), []);
    assert.equal(spy.commands.filter((c) => c.includes("@@LINKS")).length, 1, "one read");
    assert.deepEqual(again.applied, netB.outs.applied);
    assert.equal((await provider.diff(netB.id, netB.outs, inputsB)).changes, false);
  });

  it("refuses a bad gateway, a bad VLAN and a metacharacter interface name before anything runs", async () => {
    const spy = new RecordingConnection(docker(debianB));
    const cases: [unknown, string, RegExp][] = [
      [
        [{ name: "eth0", addresses: [{ address: `${EXTRA}.12/24` }], gateway: "10.99.99.1" }],
        "GATEWAY_OUTSIDE_SUBNET",
        /outside the interface's subnets/,
      ],
      [[{ name: "eth0", vlanId: 5000 }], "INVALID_VLAN", /VLAN id 5000 is outside 1–4094/],
      [[{ name: "eth0; touch /tmp/pwned", mtu: 1400 }], "INVALID_INPUT", /is not an interface name/],
    ];
    for (const [interfaces, wanted, message] of cases) {
      await assert.rejects(applyNetwork({ connection: spy, interfaces }), (e: unknown) => {
        assert.ok(isNetworkConfigError(e), String(e));
        assert.equal(e.code, wanted);
        assert.match(e.message, message);
        return true;
      });
      // Pulumi's check (preview) names the property too.
      const failures = (
        await provider.check({} as PodNetworkInputs, { target: dockerTarget(debianB), interfaces } as PodNetworkInputs)
      ).failures;
      assert.ok(
        failures?.some((f) => f.property.startsWith("interfaces.0")),
        JSON.stringify(failures),
      );
    }
    assert.deepEqual(spy.commands, [], "nothing ran on the guest");
    assert.equal((await debianB.run(["test", "-e", "/tmp/pwned"])).exitCode, 1);
  });

  it("an in-guest VLAN on this kernel gives VLAN_UNSUPPORTED with the guest's message; the interface is unchanged", async () => {
    const before = await addresses(debianB);
    const linkBefore = (await debianB.run(["ip", "-j", "link", "show"])).stdout;
    const error = await applyNetwork({
      connection: docker(debianB),
      interfaces: [{ name: "eth0", vlanId: 100, addresses: [{ address: "172.16.100.12/24" }], mtu: 1300 }],
    }).catch((e: unknown) => e);
    assert.ok(isNetworkConfigError(error, "VLAN_UNSUPPORTED"), String(error));
    assert.match(error.message, /eth0\.100: create VLAN 100 on eth0 failed: Error: Unknown device type\./);
    assert.equal(error.details.output, "Error: Unknown device type.");
    assert.equal(error.details.completedSteps, 0);
    assert.deepEqual(await addresses(debianB), before);
    assert.equal((await debianB.run(["ip", "-j", "link", "show"])).stdout, linkBefore);
    // Through the resource: the same code, in Pulumi's one-line form.
    await assert.rejects(
      provider.create({
        target: sshTarget(debianA),
        interfaces: [{ name: "eth0", vlanId: 100, addresses: [{ address: "172.16.100.11/24" }] }],
      }),
      /PodNetwork on \S+: create failed: \[VLAN_UNSUPPORTED\] eth0\.100: create VLAN 100 on eth0 failed: Error: Unknown device type\. Fix: The guest cannot tag VLANs/,
    );
  });

  it("refuses to change the management address over SSH without opt-in; with opt-in through Docker exec it works", async () => {
    const wanted = [{ name: "eth0", addresses: [{ address: `${EXTRA}.11/24` }, { address: `${net.prefix}.211/24` }] }];
    const refused = await applyNetwork({ connection: ssh(debianA), interfaces: wanted }).catch((e: unknown) => e);
    assert.ok(isNetworkConfigError(refused, "MANAGEMENT_INTERFACE"), String(refused));
    assert.match(
      refused.message,
      new RegExp(
        `eth0 carries it \\(guest ${debianA.ip.replaceAll(".", "\\.")}, controller ${net.gateway.replaceAll(".", "\\.")}\\): eth0: remove ${debianA.ip.replaceAll(".", "\\.")}/24`,
      ),
    );
    assert.match(refused.fix ?? "", /allowManagementChange/);
    assert.ok((await addresses(debianA)).addresses.includes(`${debianA.ip}/24`), "nothing changed");

    const viaDocker = await applyNetwork({
      connection: docker(debianA),
      interfaces: wanted,
      allowManagementChange: true,
    });
    assert.deepEqual(
      [...(viaDocker.applied[0]?.addresses ?? [])].sort(),
      [`${EXTRA}.11/24`, `${net.prefix}.211/24`].sort(),
    );
    assert.equal(await ping(debianB, `${net.prefix}.211`), 0);
    // Put A back (its PodNetwork reaches it over SSH on the old address).
    await restoreNetwork({ connection: docker(debianA), recorded: viaDocker.recorded, allowManagementChange: true });
    assert.ok((await addresses(debianA)).addresses.includes(`${debianA.ip}/24`));
  });

  it("with opt-in over SSH: applied detached, reconfirmed on the new address; without a reconnect the guest reverts", async () => {
    const moved = await applyNetwork({
      connection: ssh(debianA),
      interfaces: [
        {
          name: "eth0",
          addresses: [{ address: `${net.prefix}.221/24` }, { address: `${EXTRA}.11/24` }],
          gateway: net.gateway,
        },
      ],
      allowManagementChange: true,
      reconnect: async (address) => ssh(debianA, address),
      confirmTimeoutSeconds: 20,
    });
    assert.equal(moved.reachedAt, `${net.prefix}.221`);
    assert.equal(moved.connection.target, `${net.prefix}.221:22`);
    assert.deepEqual(
      [...(moved.applied[0]?.addresses ?? [])].sort(),
      [`${net.prefix}.221/24`, `${EXTRA}.11/24`].sort(),
    );
    // Confirmed: the guest's revert job ended and pod cleaned up its files.
    assert.equal((await debianA.run(["sh", "-c", "ls /tmp/pod-net-* 2>/dev/null | wc -l"])).stdout.trim(), "0");

    const reverted = await applyNetwork({
      connection: moved.connection,
      interfaces: [{ name: "eth0", addresses: [{ address: `${net.prefix}.222/24` }, { address: `${EXTRA}.11/24` }] }],
      allowManagementChange: true,
      reconnect: async (address) => ssh(debianA, address, 2222), // nothing listens there: pod cannot confirm
      confirmTimeoutSeconds: 10,
    }).catch((e: unknown) => e);
    assert.ok(isNetworkConfigError(reverted, "APPLY_FAILED"), String(reverted));
    assert.match(reverted.message, /within 10 s; the guest reverted to its previous configuration/);
    assert.equal(reverted.details.guestState, "reverted");
    assert.deepEqual((await addresses(debianA)).addresses, [`${net.prefix}.221/24`, `${EXTRA}.11/24`].sort());

    // Back to the original address the same way, so A's PodNetwork finds it again.
    await restoreNetwork({
      connection: moved.connection,
      recorded: moved.recorded,
      allowManagementChange: true,
      reconnect: async (address) => ssh(debianA, address),
      confirmTimeoutSeconds: 20,
    });
    assert.ok((await addresses(debianA)).addresses.includes(`${debianA.ip}/24`));
  });

  it("update changes only what changed; refresh reports drift in the guest and the next update repairs it", async () => {
    const spy = new RecordingConnection(docker(debianB));
    const mtuOnly = await applyNetwork({
      connection: spy,
      interfaces: [{ ...inputsB.interfaces?.[0], mtu: 1450 }],
      recorded: netB.outs.recorded,
    });
    assert.deepEqual(mtuOnly.commands, ["ip link set dev eth0 mtu 1450"]);

    await debianB.run(["ip", "addr", "add", `${EXTRA}.99/24`, "dev", "eth0"]); // out of band
    const read = await provider.read(netB.id, netB.outs);
    const refreshed = read.props as PodNetworkOutputs;
    assert.deepEqual(refreshed.drift, [`eth0 still has ${EXTRA}.99/24`, "eth0's MTU is 1450, not 1400"]);
    const d = await provider.diff(netB.id, refreshed, inputsB);
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, []);
    netB.outs = (await provider.update(netB.id, refreshed, inputsB)).outs as PodNetworkOutputs;
    assert.deepEqual(netB.outs.drift, []);
    assert.deepEqual(await addresses(debianB), { mtu: 1400, addresses: [`${EXTRA}.12/24`, `${debianB.ip}/24`].sort() });
    assert.equal(netB.outs.recorded[0]?.mtu, 1500, "the record keeps the original");
  });

  it("delete removes what it added and restores what it recorded: addresses, gateway, MTU, DNS", async () => {
    const resolvBefore = "nameserver 127.0.0.11";
    for (const n of [netB, netRocky, netA]) await provider.delete(n.id, n.outs);
    created.length = 0;
    assert.deepEqual(await addresses(debianB), { mtu: 1500, addresses: [`${debianB.ip}/24`] });
    assert.deepEqual(await addresses(rocky), { mtu: 1500, addresses: [`${rocky.ip}/24`] });
    assert.deepEqual(await addresses(debianA), { mtu: 1500, addresses: [`${debianA.ip}/24`] });
    for (const g of [debianB, rocky]) {
      assert.match((await g.run(["cat", "/etc/resolv.conf"])).stdout, new RegExp(`^${resolvBefore}$`, "m"));
      assert.match(
        (await g.run(["ip", "route", "show", "default"])).stdout,
        new RegExp(`default via ${net.gateway.replaceAll(".", "\\.")} dev eth0`),
      );
    }
    assert.equal(await ping(debianA, rocky.ip), 0);
  });

  it("deleting a PodNetwork whose container is gone succeeds: nothing is left to restore", async () => {
    const gone = await startGuest({ network: net.name, capAdd: ["NET_ADMIN"] });
    const { id, outs } = await provider.create({
      target: dockerTarget(gone),
      interfaces: [{ name: "eth0", addresses: [{ address: `${gone.ip}/24` }, { address: `${EXTRA}.50/24` }] }],
    });
    await gone.remove();
    await provider.delete(id, outs as PodNetworkOutputs);
  });

  /** eth0's MAC, to select an interface by MAC. */
  async function addressesMac(g: GuestContainer): Promise<string> {
    return (await g.run(["cat", "/sys/class/net/eth0/address"])).stdout.trim();
  }
});

/** Issue 5, vSphere side through PodNetwork: the port group with its VLAN, a NIC moved onto it, both undone on delete. */
describe("lab: PodNetwork port group and NIC in vcsim", function () {
  this.timeout(180_000);
  const lab = requireLab();
  const provider = new PodNetworkProvider();
  const connection = vsphereConnectionOf(lab);
  let session: VsphereSession;
  let vm: MoRef | undefined;
  let labVm: LabVm | undefined;

  before(async () => {
    session = await labSession();
    labVm = await createLabVm({ prefix: "net-vm", container: false });
    vm = labVm.ref;
  });
  after(async () => {
    await labVm?.remove();
    await provider.close();
    await session.close();
  });

  for (const kind of ["standard", "distributed"] as const) {
    it(`creates a ${kind} port group with its VLAN, moves NIC 0 onto it; delete puts both back`, async () => {
      const name = uniqueName(`pn-${kind}`);
      const inputs: PodNetworkInputs = {
        connection,
        vm: vm?.value ?? "",
        portGroup: { name, vlanId: kind === "standard" ? 310 : 320, kind },
        nic: 0,
      };
      assert.deepEqual((await provider.check({} as PodNetworkInputs, inputs)).failures, []);
      const { id, outs } = await provider.create(inputs);
      const o = outs as PodNetworkOutputs;
      assert.equal(o.portGroupCreated, true);
      assert.equal(o.nicPreviousNetwork, "VM Network");
      const info = await readVm(session, vm as MoRef);
      assert.equal(info?.nics[0]?.network, name);
      assert.equal(o.nicMac, info?.nics[0]?.mac);
      const dc = await resolveDatacenter(session);
      assert.equal(
        pickPortGroup(await listPortGroups(session, dc.networkFolder), { network: name }).vlanId,
        inputs.portGroup?.vlanId,
      );
      const read = (await provider.read(id, o)).props as PodNetworkOutputs;
      assert.deepEqual(read.drift, []);
      assert.equal((await provider.diff(id, read, inputs)).changes, false);

      await provider.delete(id, o);
      assert.equal((await readVm(session, vm as MoRef))?.nics[0]?.network, "VM Network");
      assert.ok(!(await listPortGroups(session, dc.networkFolder)).some((p) => p.name === name), "port group removed");
    });
  }

  it("one declaration for a powered-on VM: port group + NIC, and the guest's address through VMware Tools guest operations", async () => {
    const dc = await resolveDatacenter(session);
    const runningVm = await createLabVm({
      prefix: "net-gops",
      container: { extra: "--cap-add NET_ADMIN" },
      waitFor: "ip",
    });
    const running = runningVm.ref;
    try {
      const name = uniqueName("pn-gops");
      const inputs: PodNetworkInputs = {
        connection,
        vm: running.value,
        portGroup: { name, vlanId: 330 },
        nic: 0,
        target: { transport: "guestops", vmId: running.value, user: "pod", password: "pod" },
        interfaces: [{ name: "eth0", addresses: [], mtu: 1400 }],
      };
      // Read the guest's current addresses first (guest operations, no network path needed).
      const probe = await provider.create({
        ...inputs,
        portGroup: undefined,
        nic: undefined,
        interfaces: [{ name: "eth0", mtu: 1500 }],
      });
      const current = (probe.outs as PodNetworkOutputs).applied[0]?.addresses ?? [];
      await provider.delete(probe.id, probe.outs as PodNetworkOutputs);
      inputs.interfaces = [
        {
          name: "eth0",
          addresses: [...current.map((a) => ({ address: a })), { address: "192.168.88.5/24" }],
          mtu: 1400,
        },
      ];

      const { id, outs } = await provider.create(inputs);
      const o = outs as PodNetworkOutputs;
      assert.equal((await readVm(session, running))?.nics[0]?.network, name);
      assert.deepEqual(o.applied[0]?.addresses, [...current, "192.168.88.5/24"]);
      assert.equal(o.applied[0]?.mtu, 1400);
      assert.equal(o.os, "linux");
      await provider.delete(id, o);
      assert.equal((await readVm(session, running))?.nics[0]?.network, "VM Network");
      const after = await provider.create({
        ...inputs,
        portGroup: undefined,
        nic: undefined,
        interfaces: [{ name: "eth0", mtu: 1500 }],
      });
      assert.deepEqual(
        (after.outs as PodNetworkOutputs).applied[0]?.addresses,
        current,
        "delete took the address back",
      );
      await provider.delete(after.id, after.outs as PodNetworkOutputs);

      // Powered off outside pod: refresh says so (vSphere, no dial); delete undoes the vSphere half
      // and leaves the guest alone, unless strictDelete, which refuses with nothing undone.
      const again = await provider.create({ ...inputs, interfaces: [{ name: "eth0", mtu: 1400 }] });
      const off = again.outs as PodNetworkOutputs;
      await powerOff(session, running, 60_000);
      const refreshed = await provider.read(again.id, off);
      assert.ok(refreshed.props?.drift.includes(`guest: VM ${running.value} is poweredOff`));
      await assert.rejects(provider.delete(again.id, { ...off, strictDelete: true }), /\[INVALID_STATE\].*poweredOff/);
      assert.equal((await readVm(session, running))?.nics[0]?.network, name, "a refused delete undid nothing");
      await provider.delete(again.id, off);
      assert.equal((await readVm(session, running))?.nics[0]?.network, "VM Network");
      assert.equal(
        (await listPortGroups(session, dc.networkFolder)).some((p) => p.name === name),
        false,
      );
    } finally {
      await runningVm.remove();
    }
  });

  it("refuses port group specs that make no sense before touching vSphere", async () => {
    const failures = (
      await provider.check(
        {} as PodNetworkInputs,
        {
          portGroup: { name: "x", kind: "distributed", vlanId: 4095 },
          nic: 0,
        } as PodNetworkInputs,
      )
    ).failures;
    assert.deepEqual(
      failures?.map((f) => `${f.property}: ${f.reason}`),
      [
        "portGroup.vlanId: a distributed port group trunks with trunk ranges, not 4095",
        "nic: a NIC is put on a port group: give vm and portGroup too",
      ],
    );
  });
});
