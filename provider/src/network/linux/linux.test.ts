import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPodError } from "../../common/errors";
import { isNetworkConfigError } from "../errors";
import { asRoot, linuxCommand, linuxStepsScript, resolvConfCommand } from "./commands";
import { confirmDetachedScript, detachedScript, parseDetachedDir, startDetachedScript } from "./detached";
import { choosePersistence, persistCommands, unpersistCommands } from "./persist";
import { LINUX_READ_SCRIPT, parseLinuxState, parseResolvConf } from "./read";

const fixture = readFileSync(join(__dirname, "..", "fixtures", "linux-read.txt"), "utf8");
const sh = (script: string) => execFileSync("/bin/sh", ["-n", "-c", script]); // syntax check only

describe("network/linux", () => {
  it("parses ip -j addr/route, resolv.conf and the SSH management interface", () => {
    const s = parseLinuxState(fixture);
    assert.deepEqual(
      s.interfaces.map((i) => [i.name, i.mac, i.mtu, i.up, i.kind ?? "", JSON.stringify(i.vlan ?? null)]),
      [
        ["eth0", "02:42:0a:e7:00:02", 1500, true, "veth", "null"],
        ["eth1", "52:54:00:aa:bb:01", 9000, false, "", "null"],
        ["eth1.100", "52:54:00:aa:bb:01", 9000, true, "vlan", '{"id":100,"parent":"eth1"}'],
      ],
    );
    assert.deepEqual(s.interfaces[0]?.addresses, [
      { address: "10.231.0.2", prefix: 24 },
      { address: "10.231.0.50", prefix: 24 },
    ]);
    assert.equal(s.interfaces[0]?.gateway, "10.231.0.1");
    assert.equal(s.interfaces[1]?.gateway, "192.168.5.1");
    assert.deepEqual(s.interfaces[1]?.dynamic, ["192.168.5.10"]);
    assert.deepEqual(s.dns, ["127.0.0.11", "10.0.0.53"]);
    assert.deepEqual(s.management, {
      controllerAddress: "10.231.0.1",
      guestAddress: "10.231.0.2",
      interface: "eth0",
    });
    assert.equal(parseLinuxState(fixture.replace(/@@SSH[\s\S]*@@END/, "@@SSH\n\n@@END")).management, undefined);
    assert.deepEqual(parseResolvConf("search x\nnameserver 1.1.1.1\n#nameserver 2.2.2.2\n"), ["1.1.1.1"]);
  });

  it("fails with the output when iproute2 has no JSON", () => {
    assert.throws(
      () => parseLinuxState('@@LINKS\nOption "-j" is unknown\n@@ROUTES\n[]\n@@END\n'),
      /not JSON: Option "-j"/,
    );
    assert.throws(() => parseLinuxState("@@LINKS\n[]\n"), /ended early/);
  });

  it("builds iproute2 commands with every word quoted", () => {
    const on = { interface: "eth0" };
    assert.equal(
      linuxCommand({ op: "create-vlan", interface: "eth0.100", parent: "eth0", vlanId: 100 }),
      "ip link add link eth0 name eth0.100 type vlan id 100",
    );
    assert.equal(
      linuxCommand({ op: "add-address", ...on, address: { address: "10.0.0.5", prefix: 24 } }),
      "ip addr replace 10.0.0.5/24 dev eth0",
    );
    assert.equal(
      linuxCommand({ op: "remove-address", ...on, address: { address: "10.0.0.6", prefix: 24 } }),
      "ip addr del 10.0.0.6/24 dev eth0",
    );
    assert.equal(
      linuxCommand({ op: "set-gateway", ...on, gateway: "10.0.0.1" }),
      "ip route replace default via 10.0.0.1 dev eth0",
    );
    assert.equal(
      linuxCommand({ op: "remove-gateway", ...on, gateway: "10.0.0.1" }),
      "ip route del default via 10.0.0.1 dev eth0",
    );
    assert.equal(linuxCommand({ op: "set-mtu", ...on, mtu: 1400, from: 1500 }), "ip link set dev eth0 mtu 1400");
    assert.equal(linuxCommand({ op: "link-up", interface: "x y" }), "ip link set dev 'x y' up");
    assert.equal(linuxCommand({ op: "delete-vlan", interface: "eth0.100" }), "ip link del dev eth0.100");
    assert.equal(linuxCommand({ op: "link-up", interface: "a'b" }), "ip link set dev 'a'\\''b' up");
  });

  it("writes resolv.conf in place, keeping search and options lines", () => {
    const dir = execFileSync("mktemp", ["-d"], { encoding: "utf8" }).trim();
    const file = join(dir, "resolv.conf");
    execFileSync("/bin/sh", ["-c", `printf 'search lab\\nnameserver 1.1.1.1\\noptions ndots:0\\n' > ${file}`]);
    execFileSync("/bin/sh", ["-c", resolvConfCommand(["10.0.0.53", "10.0.0.54"]).replaceAll("/etc/resolv.conf", file)]);
    assert.equal(
      readFileSync(file, "utf8"),
      "search lab\noptions ndots:0\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n",
    );
    execFileSync("rm", ["-rf", dir]);
  });

  it("marks steps and stops at the first failure (or carries on for reverts)", () => {
    const run = (script: string) => {
      try {
        return execFileSync("/bin/sh", ["-c", script], { encoding: "utf8" });
      } catch (e) {
        return `${(e as { stdout: string }).stdout}exit ${(e as { status: number }).status}`;
      }
    };
    assert.equal(
      run(linuxStepsScript(["echo a", "echo oops >&2; false", "echo c"])),
      "@@STEP 0\na\n@@STEP 1\noops\n@@FAIL 1 1\nexit 10",
    );
    assert.equal(
      run(linuxStepsScript(["false", "echo c"], { continueOnError: true })),
      "@@STEP 0\n@@FAIL 0 1\n@@STEP 1\nc\n@@DONE\n",
    );
    assert.match(asRoot("id -u"), /^if \[ "\$\(id -u\)" = 0 \]; then exec sh -c 'id -u'; fi\nif command -v sudo/);
    sh(LINUX_READ_SCRIPT);
    sh(asRoot(linuxStepsScript(["echo 'x'"])));
  });

  it("builds a detached apply in a private mktemp directory that reverts unless confirmed", () => {
    const o = {
      apply: ["ip addr replace 10.0.0.9/24 dev eth0"],
      revert: ["ip addr del 10.0.0.9/24 dev eth0"],
      confirmSeconds: 30,
    };
    const script = detachedScript(o);
    sh(script);
    sh(startDetachedScript(o));
    const dir = "/tmp/pod-net.AbCdEf1234";
    sh(confirmDetachedScript(dir));
    assert.match(script, /umask 022\nsleep 1\necho applying > "\$pod_dir\/state"/);
    assert.match(script, /stat -c '%u %a' "\$pod_dir"\)" != "\$pod_uid 700"/);
    assert.ok(script.indexOf("ip addr replace 10.0.0.9/24") < script.indexOf("@@REVERT"));
    assert.ok(script.indexOf("@@REVERT") < script.indexOf("ip addr del 10.0.0.9/24"));
    const start = startDetachedScript(o);
    assert.match(start, /pod_dir=\$\(mktemp -d \/tmp\/pod-net\.XXXXXXXXXX\)/);
    assert.match(start, /nohup sh "\$pod_dir\/apply\.sh" "\$pod_dir" "\$pod_uid" > "\$pod_dir\/log"/);
    assert.ok(!/\/tmp\/pod-net-/.test(start + script), "no fixed /tmp names");
    assert.equal(parseDetachedDir(`x\n@@DIR ${dir}\n@@STARTED`), dir);
    for (const bad of ["/tmp/pod-net.AbCdEf1234/../../etc", "/tmp/x", "", "/tmp/pod-net.AbC'; rm -rf /"]) {
      assert.throws(
        () => parseDetachedDir(`@@DIR ${bad}`),
        (e) => isPodError(e, "INTERNAL"),
      );
    }
  });

  describe("the root-run script, run for real with harmless steps", () => {
    const run = (dir: string, uid: number) =>
      spawnSync(
        "/bin/sh",
        [
          "-c",
          detachedScript({ apply: ["true"], revert: ["true"], confirmSeconds: 1, delaySeconds: 0 }),
          "apply.sh",
          dir,
          String(uid),
        ],
        {
          encoding: "utf8",
        },
      );
    const uid = process.getuid?.() ?? 0;
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), "pod-net-test-"));
      chmodSync(dir, 0o700);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("confirms on the login user's own confirmation file", () => {
      writeFileSync(join(dir, "ok"), "");
      assert.equal(run(dir, uid).status, 0);
      assert.equal(readFileSync(join(dir, "state"), "utf8").trim(), "confirmed");
    });

    it("refuses a directory others can enter, and acts on nothing", () => {
      chmodSync(dir, 0o755);
      const r = run(dir, uid);
      assert.equal(r.status, 1);
      assert.match(r.stdout, /@@UNSAFE/);
      assert.equal(existsSync(join(dir, "state")), false);
      assert.equal(run(dir, uid + 1).status, 1, "another uid's directory");
    });

    it("does not count a confirmation file another user made", function () {
      if (uid !== 0) this.skip(); // chown needs root
      writeFileSync(join(dir, "ok"), "");
      chownSync(join(dir, "ok"), 65534, 65534);
      run(dir, uid);
      assert.equal(readFileSync(join(dir, "state"), "utf8").trim(), "reverted");
    });
  });

  it("picks persistence from the probe's tools; containers get none", () => {
    assert.equal(choosePersistence({ container: true, tools: ["ip", "nmcli"] }), "none");
    assert.equal(choosePersistence({ container: false, tools: ["ip", "nmcli", "netplan"] }), "nmcli");
    assert.equal(choosePersistence({ container: false, tools: ["ip", "netplan", "networkctl"] }), "netplan");
    assert.equal(choosePersistence({ container: false, tools: ["ip", "networkctl"] }), "networkd");
    assert.equal(choosePersistence({ container: false, tools: ["ip", "ifup"] }), "ifupdown");
    assert.equal(choosePersistence({ container: false, tools: ["ip"] }), "none");
  });

  it("refuses guest-reported names and values that would escape a persistent file, before building anything", () => {
    const item = { name: "eth0", addresses: ["192.0.2.10/24"], dns: [] as string[] };
    const hostile = [
      { ...item, name: "eth0; touch /tmp/pwned" },
      { ...item, name: "eth0\n    up touch /tmp/pwned" },
      { ...item, name: "-eth0" },
      { ...item, name: "a-name-of-16-chr" },
      { ...item, addresses: ["192.0.2.10/24 dev lo; reboot"] },
      { ...item, vlan: { id: 100, parent: "eth0 $(id)" } },
      { ...item, gateway: "192.0.2.1\nup reboot" },
    ];
    for (const backend of ["nmcli", "netplan", "networkd", "ifupdown"] as const) {
      for (const bad of hostile) {
        assert.throws(
          () => persistCommands(backend, [item, bad]),
          (e) => isNetworkConfigError(e, "INVALID_INPUT") && /will not write/.test(e.message),
          `${backend}: ${JSON.stringify(bad)}`,
        );
      }
      assert.throws(
        () => unpersistCommands(backend, ["eth0", "x;y"]),
        (e) => isNetworkConfigError(e, "INVALID_INPUT"),
      );
      assert.equal(persistCommands(backend, [item, { ...item, name: "ens192.100_x" }]).length, 2);
    }
    assert.deepEqual(
      persistCommands("none", [{ ...item, name: "weird name" }]),
      [],
      "nothing written, nothing refused",
    );
  });

  it("writes pod's own nmcli profile, netplan, networkd and ifupdown files", () => {
    const item = {
      name: "eth0.100",
      vlan: { id: 100, parent: "eth0" },
      addresses: ["192.0.2.10/24"],
      gateway: "192.0.2.1",
      dns: ["192.0.2.53"],
      mtu: 1400,
    };
    const [nm] = persistCommands("nmcli", [item]);
    assert.equal(
      nm,
      "nmcli connection delete pod-eth0.100 >/dev/null 2>&1 || true\n" +
        "nmcli connection add type vlan ifname eth0.100 dev eth0 id 100 con-name pod-eth0.100 connection.autoconnect yes connection.autoconnect-priority 100 ipv4.method manual ipv4.addresses 192.0.2.10/24 ipv4.gateway 192.0.2.1 ipv4.dns 192.0.2.53 vlan.mtu 1400",
    );
    const [netplan] = persistCommands("netplan", [{ ...item, name: "ens192", vlan: undefined } as never]);
    assert.equal(
      netplan,
      "printf '%s\\n' network: '  version: 2' '  ethernets:' '    \"ens192\":' '      addresses: [\"192.0.2.10/24\"]' '      routes:' '        - to: default' '          via: \"192.0.2.1\"' '      nameservers:' '        addresses: [\"192.0.2.53\"]' '      mtu: 1400' > /etc/netplan/90-pod-ens192.yaml && chmod 0600 /etc/netplan/90-pod-ens192.yaml && netplan generate",
    );
    const [networkd] = persistCommands("networkd", [item]);
    assert.equal(
      networkd,
      "printf '%s\\n' '[NetDev]' 'Name=eth0.100' 'Kind=vlan' '[VLAN]' 'Id=100' > /etc/systemd/network/10-pod-eth0.100.netdev && chmod 0644 /etc/systemd/network/10-pod-eth0.100.netdev && " +
        "printf '%s\\n' '[Match]' 'Name=eth0.100' '[Link]' 'MTUBytes=1400' '[Network]' 'Address=192.0.2.10/24' 'Gateway=192.0.2.1' 'DNS=192.0.2.53' > /etc/systemd/network/10-pod-eth0.100.network && chmod 0644 /etc/systemd/network/10-pod-eth0.100.network && networkctl reload",
    );
    const [ifupdown] = persistCommands("ifupdown", [{ ...item, addresses: ["192.0.2.10/24", "192.0.2.11/24"] }]);
    assert.equal(
      ifupdown,
      "printf '%s\\n' 'auto eth0.100' 'iface eth0.100 inet static' '    address 192.0.2.10/24' '    up ip addr replace 192.0.2.11/24 dev eth0.100' '    gateway 192.0.2.1' '    dns-nameservers 192.0.2.53' '    mtu 1400' '    vlan-raw-device eth0' > /etc/network/interfaces.d/pod-eth0.100 && chmod 0644 /etc/network/interfaces.d/pod-eth0.100",
    );
    assert.deepEqual(unpersistCommands("nmcli", ["eth0"]), [
      "nmcli connection delete pod-eth0 >/dev/null 2>&1 || true",
    ]);
    assert.deepEqual(unpersistCommands("netplan", ["eth0"]), [
      "rm -f /etc/netplan/90-pod-eth0.yaml && netplan generate",
    ]);
    assert.deepEqual(unpersistCommands("none", ["eth0"]), []);
    for (const c of [nm, netplan, networkd, ifupdown]) sh(c ?? "");
  });
});
