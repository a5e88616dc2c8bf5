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
