import assert from "node:assert/strict";
import Docker from "dockerode";
import type { PodVmInputs, PodVmOutputs } from "../../provider/src/resources/pod-vm/args";
import { PodVmProvider } from "../../provider/src/resources/pod-vm/provider";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { vmByName } from "../support/vcsim-vm";
import { uniqueName } from "../support/vsphere";

/** PodVm's guest network waits (issue 14): waitForGuestNetRoutable against vcsim and the guest container. */
describe("PodVm wait conditions against vcsim", () => {
  const lab = requireLab();
  const provider = new PodVmProvider();
  const connection = vsphereConnectionOf(lab);

  it("waitForGuestNetRoutable: ipAddress is the container's address, in the subnet of its gateway (docker's view)", async () => {
    const inputs: PodVmInputs = {
      connection,
      name: uniqueName("podvm-wait"),
      template: "pod-template-debian12",
      waitForIpTimeoutSeconds: 60,
      waitForGuestNetRoutable: true,
      shutdownTimeoutSeconds: 5,
    };
    const { id, outs } = await provider.create(inputs);
    try {
      const docker = new Docker();
      const [container] = await docker.listContainers({ filters: { name: [`vcsim-${inputs.name}-`] } });
      assert.ok(container, "vcsim started the guest container");
      const net = (await docker.getContainer(container.Id).inspect()).NetworkSettings;
      const [bridge] = Object.values(net.Networks);
      assert.ok(bridge?.Gateway, "docker gave the container a gateway");
      assert.equal((outs as PodVmOutputs).ipAddress, bridge.IPAddress);
    } finally {
      await provider.delete(id, outs as PodVmOutputs);
    }
  });

  it("no routable address within the timeout: a TIMEOUT naming what was seen, and no VM left in vcsim", async () => {
    const inputs: PodVmInputs = {
      connection,
      name: uniqueName("podvm-wait"),
      // A bare model VM given a static address and no gateway: VMware Tools (vcsim) reports no default route.
      template: "DC0_C0_RP0_VM0",
      customization: { hostname: "nogw", network: { ipAddress: "10.77.0.20", prefixLength: 24 } },
      waitForIpTimeoutSeconds: 2,
      waitForGuestNetRoutable: true,
      shutdownTimeoutSeconds: 5,
    };
    const started = Date.now();
    await assert.rejects(provider.create(inputs), (e: Error & { cause?: { details?: Record<string, unknown> } }) => {
      assert.match(e.message, /\[TIMEOUT\] VM podvm-wait-\S+ reported no routable IPv4 address .* within 2s\./);
      assert.match(e.message, /no default gateway/);
      assert.deepEqual(e.cause?.details?.gatewaysSeen, []);
      return true;
    });
    assert.ok(Date.now() - started < 2_000 + 60_000, "failed within the timeout plus slack");
    assert.equal(await vmByName(inputs.name), undefined, "the half-made VM was removed");
  });
});
