import assert from "node:assert/strict";
import Docker from "dockerode";
import type { PodVmInputs, PodVmOutputs } from "../../provider/src/resources/pod-vm/args";
import { PodVmProvider } from "../../provider/src/resources/pod-vm/provider";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { rawProps, vmByName } from "../support/vcsim-vm";
import { uniqueName } from "../support/vsphere";

interface CustomizationInfo {
  customizationStatus: string;
  errorMsg?: string;
}

/**
 * Guest customization at clone time (issue 14) against vcsim. What vcsim
 * v0.56 does with a CustomizationSpec (simulator/virtual_machine.go
 * customize()): at the clone's first power-on it marks the customization
 * TOOLSDEPLOYPKG_SUCCEEDED and rewrites what vSphere *reports* (guest.hostName,
 * guest.ipAddress, guest.net) from the spec; nothing runs inside a guest.
 * For a container-backed VM the container keeps its own hostname and address
 * (and vcsim's container watch reports those again within seconds). Both are
 * checked here as they are.
 */
describe("PodVm guest customization against vcsim", () => {
  const lab = requireLab();
  const provider = new PodVmProvider();
  const connection = vsphereConnectionOf(lab);
  const made: [string, PodVmOutputs][] = [];
  after(async () => {
    for (const [id, outs] of made) await provider.delete(id, outs).catch(() => undefined);
  });

  // The Windows refusal is a unit test (customization.test.ts): vcsim v0.56 drops the guestId of a clone
  // spec, so the lab's Windows template reports "otherGuest" and cannot show it.
  it("a bare VM: vSphere reports the hostname and the static address from the spec; PodVm's IP wait sees it", async () => {
    const inputs: PodVmInputs = {
      connection,
      name: uniqueName("podvm-cust"),
      // One of the model's own VMs, not a lab template: no container backing, so vcsim's view is all there is.
      template: "DC0_C0_RP0_VM0",
      customization: {
        hostname: "cust-web",
        domain: "lab.test",
        network: { ipAddress: "10.77.0.20", prefixLength: 24, gateway: "10.77.0.1", dnsServers: ["10.77.0.2"] },
      },
      waitForIpTimeoutSeconds: 30,
      shutdownTimeoutSeconds: 5,
    };
    const { id, outs } = await provider.create(inputs);
    made.push([id, outs as PodVmOutputs]);
    const p = await rawProps({ type: "VirtualMachine", value: id }, [
      "guest.customizationInfo",
      "guest.hostName",
      "guest.ipAddress",
      "guest.net",
    ]);
    assert.equal((p["guest.customizationInfo"] as CustomizationInfo).customizationStatus, "TOOLSDEPLOYPKG_SUCCEEDED");
    assert.equal(p["guest.hostName"], "cust-web");
    assert.equal(p["guest.ipAddress"], "10.77.0.20");
    const [nic] = p["guest.net"] as { ipAddress?: string[]; dnsConfig?: { ipAddress?: string[] } }[];
    assert.deepEqual(nic?.ipAddress, ["10.77.0.20"]);
    assert.deepEqual(nic?.dnsConfig?.ipAddress, ["10.77.0.2"]);
    assert.equal((outs as PodVmOutputs).ipAddress, "10.77.0.20");
  });

  it("a container-backed VM: vcsim records the customization as done, but the container keeps its own hostname", async () => {
    const inputs: PodVmInputs = {
      connection,
      name: uniqueName("podvm-cust"),
      template: "pod-template-debian12",
      customization: { hostname: "cust-box" },
      waitForIpTimeoutSeconds: 60,
      shutdownTimeoutSeconds: 5,
    };
    const { id, outs } = await provider.create(inputs);
    made.push([id, outs as PodVmOutputs]);
    const p = await rawProps({ type: "VirtualMachine", value: id }, ["guest.customizationInfo"]);
    assert.equal((p["guest.customizationInfo"] as CustomizationInfo).customizationStatus, "TOOLSDEPLOYPKG_SUCCEEDED");
    const docker = new Docker();
    const [container] = await docker.listContainers({ filters: { name: [`vcsim-${inputs.name}-`] } });
    assert.ok(container, "vcsim started the guest container");
    const seen = await docker.getContainer(container.Id).inspect();
    assert.notEqual(seen.Config.Hostname, "cust-box", "vcsim does not customize the container itself");
  });

  for (const [what, extra, pattern] of [
    [
      "a gateway outside the subnet",
      {
        template: "pod-template-debian12",
        customization: { hostname: "x", network: { ipAddress: "10.77.0.20", prefixLength: 24, gateway: "10.78.0.1" } },
      },
      /\[GATEWAY_OUTSIDE_SUBNET\] Gateway 10\.78\.0\.1 is not in 10\.77\.0\.20\/24/,
    ],
  ] as const) {
    it(`${what} fails before anything is cloned`, async () => {
      const inputs = { connection, name: uniqueName("podvm-cust"), ...extra } as PodVmInputs;
      await assert.rejects(provider.create(inputs), (e: Error) => {
        assert.match(e.message, pattern);
        return true;
      });
      assert.equal(await vmByName(inputs.name), undefined, "vcsim has no VM of that name");
    });
  }
});
