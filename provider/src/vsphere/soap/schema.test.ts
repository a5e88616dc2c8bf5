import assert from "node:assert/strict";
import { decodeNode } from "./decode";
import { encodeRequest } from "./encode";
import { parseXml } from "./xml";

describe("vim25 encoding", () => {
  it("writes fields in schema order with xsi:type on polymorphic values", () => {
    const xml = encodeRequest("ReconfigVM_Task", {
      _this: { type: "VirtualMachine", value: "vm-42" },
      spec: {
        extraConfig: [{ key: "RUN.container", value: "img" }],
        numCPUs: 2,
        deviceChange: [
          {
            operation: "edit",
            device: {
              _type: "VirtualVmxnet3",
              backing: { _type: "VirtualEthernetCardNetworkBackingInfo", deviceName: "VM Network" },
              key: 4000,
            },
          },
        ],
      },
    });
    assert.match(xml, /<_this type="VirtualMachine">vm-42<\/_this>/);
    const order = ["<numCPUs>", "<deviceChange>", "<extraConfig>"].map((t) => xml.indexOf(t));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    assert.match(xml, /<device xsi:type="VirtualVmxnet3"><key>4000<\/key><backing xsi:type=/);
    assert.match(xml, /<value xsi:type="xsd:string">img<\/value>/);
  });

  it("escapes text and refuses fields the table does not know", () => {
    assert.match(
      encodeRequest("FindByInventoryPath", { _this: { type: "SearchIndex", value: "s" }, inventoryPath: "a<&>b" }),
      /a&#60;&#38;&#62;b/,
    );
    assert.throws(
      () => encodeRequest("Logout", { _this: { type: "SessionManager", value: "s" }, bogus: 1 }),
      /no field bogus/,
    );
  });
});

describe("vim25 decoding", () => {
  it("resolves xsi:type by namespace, not by prefix, and keeps declared arrays as arrays", () => {
    const node = parseXml(
      `<returnval xmlns="urn:vim25" xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance">` +
        `<obj type="VirtualMachine">vm-1</obj>` +
        `<propSet><name>guest.net</name><val XMLSchema-instance:type="ArrayOfGuestNicInfo">` +
        `<GuestNicInfo><ipAddress>172.17.0.2</ipAddress><macAddress>02:42</macAddress><connected>true</connected></GuestNicInfo>` +
        `</val></propSet></returnval>`,
    );
    const value = decodeNode(node, "ObjectContent") as {
      obj: unknown;
      propSet: { name: string; val: { ipAddress: string[]; connected: boolean }[] }[];
    };
    assert.deepEqual(value.obj, { type: "VirtualMachine", value: "vm-1" });
    assert.equal(value.propSet.length, 1);
    assert.deepEqual(value.propSet[0]?.val[0]?.ipAddress, ["172.17.0.2"]);
    assert.equal(value.propSet[0]?.val[0]?.connected, true);
  });
});

describe("vim25 decoding follows the schema everywhere", () => {
  const XSI = `xmlns="urn:vim25" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"`;
  const decode = (xml: string, declared?: string) => decodeNode(parseXml(xml), declared);

  it("keeps a one-element list a list, for fields the old hand-kept table lacked", () => {
    const guest = decode(
      `<val ${XSI} xsi:type="GuestInfo"><guestState>running</guestState>` +
        `<disk><diskPath>/</diskPath><capacity>1000</capacity><freeSpace>10</freeSpace></disk>` +
        `<generationInfo><key>k</key><generationNo>1</generationNo></generationInfo></val>`,
    ) as { disk: unknown[]; generationInfo: unknown[] };
    assert.ok(Array.isArray(guest.disk) && guest.disk.length === 1, "disk is a list of one");
    assert.ok(Array.isArray(guest.generationInfo) && guest.generationInfo.length === 1);
    const config = decode(
      `<val ${XSI} xsi:type="VirtualMachineConfigInfo"><vmOpNotificationToAppEnabled>true</vmOpNotificationToAppEnabled>` +
        `<tools><toolsVersion>12352</toolsVersion><afterPowerOn>true</afterPowerOn></tools>` +
        `<vFlashCacheReservation>0</vFlashCacheReservation>` +
        `<sgxInfo><epcSize>64</epcSize><flcMode>unlocked</flcMode></sgxInfo>` +
        `<hardware><numCPU>2</numCPU><memoryMB>2048</memoryMB><device xsi:type="VirtualVmxnet3"><key>4000</key></device></hardware></val>`,
    ) as Record<string, unknown> & { hardware: { device: unknown[] }; tools: Record<string, unknown> };
    assert.deepEqual(config.hardware.device, [{ _type: "VirtualVmxnet3", key: 4000 }]);
    assert.equal(config.vmOpNotificationToAppEnabled, true);
    assert.equal(config.vFlashCacheReservation, 0);
    assert.deepEqual(config.tools, { toolsVersion: 12352, afterPowerOn: true });
    assert.deepEqual(config.sgxInfo, { epcSize: 64, flcMode: "unlocked" });
  });

  it("types numbers (int, long, short, byte, float, double) and booleans", () => {
    const typed = decode(
      `<returnval ${XSI}><val xsi:type="xsd:long">9007199254</val><val2 xsi:type="xsd:short">-3</val2>` +
        `<val3 xsi:type="xsd:boolean">false</val3><val4 xsi:type="xsd:double">1.5</val4><val5 xsi:type="xsd:byte">7</val5>` +
        `<val6 xsi:type="xsd:float">0.25</val6></returnval>`,
    );
    assert.deepEqual(typed, { val: 9007199254, val2: -3, val3: false, val4: 1.5, val5: 7, val6: 0.25 });
    const bytes = decode(`<val ${XSI} xsi:type="ArrayOfByte"><byte>1</byte><byte>-2</byte></val>`);
    assert.deepEqual(bytes, [1, -2]);
    const process = decode(
      `<returnval ${XSI}><pid>4242</pid><exitCode>0</exitCode><name>sh</name></returnval>`,
      "GuestProcessInfo",
    );
    assert.deepEqual(process, { pid: 4242, exitCode: 0, name: "sh" });
  });

  it("keeps an unknown type's name: an empty element is { _type }, never an empty string", () => {
    assert.deepEqual(decode(`<backing ${XSI} xsi:type="VirtualEthernetCardFutureBackingInfo"/>`), {
      _type: "VirtualEthernetCardFutureBackingInfo",
    });
    const device = decode(
      `<device ${XSI} xsi:type="VirtualFutureDevice"><key>9000</key><backing xsi:type="FutureBacking"/></device>`,
      "VirtualDevice",
    );
    // Unknown type, known declared base: the base's fields stay typed.
    assert.deepEqual(device, { _type: "VirtualFutureDevice", key: 9000, backing: { _type: "FutureBacking" } });
    // An unknown simple type (an enum newer than pod) is its text.
    assert.equal(decode(`<val ${XSI} xsi:type="FuturePowerState">hibernating</val>`), "hibernating");
  });

  it("reads an opaque-network backing as one", () => {
    const nic = decode(
      `<device ${XSI} xsi:type="VirtualVmxnet3"><key>4000</key><backing xsi:type="VirtualEthernetCardOpaqueNetworkBackingInfo">` +
        `<opaqueNetworkId>ls-1234</opaqueNetworkId><opaqueNetworkType>nsx.LogicalSwitch</opaqueNetworkType></backing></device>`,
    );
    assert.deepEqual(nic, {
      _type: "VirtualVmxnet3",
      key: 4000,
      backing: {
        _type: "VirtualEthernetCardOpaqueNetworkBackingInfo",
        opaqueNetworkId: "ls-1234",
        opaqueNetworkType: "nsx.LogicalSwitch",
      },
    });
  });
});
