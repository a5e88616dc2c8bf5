import assert from "node:assert/strict";
import type { PodNetworkInputs, PodNetworkOutputs } from "../../provider/src/resources/pod-network/args";
import { PodNetworkProvider } from "../../provider/src/resources/pod-network/provider";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

/**
 * keepExistingAddresses against a real guest over SSH: pod adds a lab address
 * beside the one it reaches the guest on (Docker's, as DHCP would give), a
 * hand-added address is not drift, and delete takes back only what pod added.
 */
describe("lab: PodNetwork with keepExistingAddresses", function () {
  this.timeout(120_000);
  requireLab();
  const provider = new PodNetworkProvider();
  let guest: GuestContainer;

  before(async () => {
    guest = await startGuest({ capAdd: ["NET_ADMIN"] });
  });
  after(async () => {
    await provider.close();
    await guest?.remove();
  });

  const addresses = async () => {
    const out = await guest.run(["ip", "-j", "-4", "addr", "show", "dev", "eth0"]);
    const [link] = JSON.parse(out.stdout) as { addr_info: { local: string; prefixlen: number }[] }[];
    return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort();
  };

  it("adds beside the management address, ignores other addresses, and delete removes only its own", async () => {
    const before = await addresses();
    const inputs: PodNetworkInputs = {
      target: {
        transport: "ssh",
        host: guest.ip,
        user: guest.user,
        password: guest.password,
        hostKeys: guest.fingerprints,
      },
      interfaces: [{ name: "eth0", addresses: [{ address: "198.18.7.10/24" }], keepExistingAddresses: true }],
    };
    assert.deepEqual((await provider.check({} as PodNetworkInputs, inputs)).failures ?? [], []);
    const { id, outs } = await provider.create(inputs);
    assert.deepEqual(await addresses(), [...before, "198.18.7.10/24"].sort());
    assert.deepEqual((outs as PodNetworkOutputs).recorded[0]?.added, ["198.18.7.10/24"]);

    // Someone adds an address by hand: not pod's business with keepExistingAddresses.
    assert.equal((await guest.run(["ip", "addr", "add", "198.18.8.20/24", "dev", "eth0"])).exitCode, 0);
    const read = await provider.read(id, outs as PodNetworkOutputs);
    assert.deepEqual(read.props?.drift, []);

    await provider.delete(id, outs as PodNetworkOutputs);
    assert.deepEqual(await addresses(), [...before, "198.18.8.20/24"].sort(), "only pod's address went");
  });
});
