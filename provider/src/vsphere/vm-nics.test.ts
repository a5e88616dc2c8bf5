import assert from "node:assert/strict";
import { FakeSoap, fakeSession, objectContent, requested } from "../../../test/support/fake-soap";
import type { PortGroupRef } from "./networks";
import { child } from "./soap/xml";
import { readVm } from "./vm-info";
import { reconfigureVm } from "./vm-ops";
import { VsphereInfra } from "./vsphere-infra";

const VM = { type: "VirtualMachine", value: "vm-42" };

/** A VM shaped like a real vCenter's: an RDMA vmxnet3, an SR-IOV NIC and a NIC on an NSX opaque network. */
const DEVICES =
  `<val xsi:type="ArrayOfVirtualDevice">` +
  `<VirtualDevice xsi:type="VirtualVmxnet3Vrdma"><key>4000</key><deviceInfo><label>Network adapter 1</label><summary>VM Network</summary></deviceInfo>` +
  `<backing xsi:type="VirtualEthernetCardNetworkBackingInfo"><deviceName>VM Network</deviceName><network type="Network">network-7</network></backing>` +
  `<connectable><startConnected>true</startConnected><allowGuestControl>true</allowGuestControl><connected>true</connected><status>ok</status></connectable>` +
  `<controllerKey>100</controllerKey><unitNumber>7</unitNumber><addressType>assigned</addressType><macAddress>00:50:56:AA:00:01</macAddress>` +
  `<deviceProtocol>rocev2</deviceProtocol></VirtualDevice>` +
  `<VirtualDevice xsi:type="VirtualSriovEthernetCard"><key>4001</key><deviceInfo><label>Network adapter 2</label><summary>pg</summary></deviceInfo>` +
  `<backing xsi:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port><switchUuid>50 2a</switchUuid><portgroupKey>dvportgroup-9</portgroupKey></port></backing>` +
  `<connectable><startConnected>true</startConnected><allowGuestControl>false</allowGuestControl><connected>false</connected></connectable>` +
  `<macAddress>00:50:56:AA:00:02</macAddress><allowGuestOSMtuChange>false</allowGuestOSMtuChange>` +
  `<sriovBacking><physicalFunctionBacking><id>0000:3b:00.0</id></physicalFunctionBacking></sriovBacking></VirtualDevice>` +
  `<VirtualDevice xsi:type="VirtualE1000e"><key>4002</key>` +
  `<backing xsi:type="VirtualEthernetCardOpaqueNetworkBackingInfo"><opaqueNetworkId>ls-77</opaqueNetworkId><opaqueNetworkType>nsx.LogicalSwitch</opaqueNetworkType></backing>` +
  `<macAddress>00:50:56:AA:00:03</macAddress></VirtualDevice>` +
  `<VirtualDevice xsi:type="VirtualDisk"><key>2000</key><capacityInKB>1024</capacityInKB></VirtualDevice>` +
  `</val>`;

function fakeVcenter(): FakeSoap {
  return new FakeSoap({
    handlers: {
      RetrievePropertiesEx: (call) => {
        const { objects } = requested(call);
        const contents = objects.map((ref) => {
          if (ref === VM.value) {
            return objectContent("VirtualMachine", ref, {
              name: `<val xsi:type="xsd:string">rdma-vm</val>`,
              "config.hardware.device": DEVICES,
              "config.hardware.numCPU": `<val xsi:type="xsd:int">4</val>`,
              "runtime.powerState": `<val xsi:type="VirtualMachinePowerState">poweredOff</val>`,
              network:
                `<val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Network">network-7</ManagedObjectReference>` +
                `<ManagedObjectReference type="DistributedVirtualPortgroup">dvportgroup-9</ManagedObjectReference>` +
                `<ManagedObjectReference type="OpaqueNetwork">opaquenetwork-3</ManagedObjectReference></val>`,
            });
          }
          if (ref === "network-7")
            return objectContent("Network", ref, { name: `<val xsi:type="xsd:string">VM Network</val>` });
          if (ref === "dvportgroup-9") {
            return objectContent("DistributedVirtualPortgroup", ref, {
              name: `<val xsi:type="xsd:string">DPG-Storage</val>`,
              key: `<val xsi:type="xsd:string">dvportgroup-9</val>`,
            });
          }
          return objectContent("OpaqueNetwork", ref, {
            name: `<val xsi:type="xsd:string">nsx-segment-a</val>`,
            summary:
              `<val xsi:type="OpaqueNetworkSummary"><network type="OpaqueNetwork">opaquenetwork-3</network><name>nsx-segment-a</name>` +
              `<accessible>true</accessible><opaqueNetworkId>ls-77</opaqueNetworkId><opaqueNetworkType>nsx.LogicalSwitch</opaqueNetworkType></val>`,
          });
        });
        return `<returnval>${contents.join("")}</returnval>`;
      },
      ReconfigVM_Task: () => `<returnval type="Task">task-1</returnval>`,
    },
  });
}

describe("NICs of every VirtualEthernetCard subtype", () => {
  it("lists VirtualVmxnet3Vrdma, VirtualSriovEthernetCard and an opaque-network NIC in getVm", async () => {
    const s = await fakeSession(fakeVcenter());
    const state = await new VsphereInfra(s).getVm(VM.value);
    assert.deepEqual(state?.nics, [
      { key: 4000, mac: "00:50:56:aa:00:01", network: "VM Network", connected: true },
      { key: 4001, mac: "00:50:56:aa:00:02", network: "DPG-Storage", connected: false },
      { key: 4002, mac: "00:50:56:aa:00:03", network: "nsx-segment-a", connected: false },
    ]);
    assert.equal(state?.numCpus, 4);
    const vm = await readVm(s, VM);
    assert.deepEqual(
      vm?.nics.map((n) => n.deviceType),
      ["VirtualVmxnet3Vrdma", "VirtualSriovEthernetCard", "VirtualE1000e"],
    );
    assert.deepEqual(vm?.nics[2]?.opaqueNetwork, { id: "ls-77", type: "nsx.LogicalSwitch" });
    await s.close();
  });

  it("edits them in place on update: same key, same device type, same MAC, no NIC added", async () => {
    const fake = fakeVcenter();
    const s = await fakeSession(fake);
    const vm = await readVm(s, VM);
    assert.ok(vm);
    const lab: PortGroupRef = { name: "VLAN-100", ref: { type: "Network", value: "network-100" }, kind: "standard" };
    const segment: PortGroupRef = {
      name: "nsx-segment-a",
      ref: { type: "OpaqueNetwork", value: "x" },
      kind: "standard",
    };
    // NICs 1 and 2 move to VLAN-100; NIC 3 stays on its opaque network, so it is left alone.
    const changed = await reconfigureVm(
      s,
      vm,
      { nics: [{ portGroup: lab }, { portGroup: lab }, { portGroup: segment }] },
      5000,
    );
    assert.equal(changed, true);

    const [request] = fake.calls("ReconfigVM_Task");
    assert.ok(request);
    const spec = child(request.call, "spec");
    const changes = (spec?.children ?? []).filter((c) => c.name === "deviceChange");
    const seen = changes.map((c) => {
      const device = child(c, "device");
      return {
        operation: child(c, "operation")?.text,
        type: device?.xsiType?.name,
        key: child(device ?? c, "key")?.text,
        network: child(child(device ?? c, "backing") ?? c, "deviceName")?.text,
        mac: child(device ?? c, "macAddress")?.text,
      };
    });
    assert.deepEqual(seen, [
      { operation: "edit", type: "VirtualVmxnet3Vrdma", key: "4000", network: "VLAN-100", mac: "00:50:56:aa:00:01" },
      {
        operation: "edit",
        type: "VirtualSriovEthernetCard",
        key: "4001",
        network: "VLAN-100",
        mac: "00:50:56:aa:00:02",
      },
    ]);
    await s.close();
  });
});
