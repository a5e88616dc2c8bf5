import assert from "node:assert/strict";
import { convertToJson } from "../../../lab/windows-guest/src/ps/json";
import { Hashtable, PSEnum, PSObject } from "../../../lab/windows-guest/src/ps/values";
import { ps } from "./harness";

describe("windows guest: ConvertTo-Json as Windows PowerShell 5.1 writes it", () => {
  it("indents by 4, writes '\"key\":  value' and aligns nested values under their key", () => {
    const obj = new PSObject(undefined, { Name: "Ethernet0", Servers: ["10.0.0.1", "10.0.0.2"], Empty: [] });
    assert.equal(
      convertToJson(obj),
      [
        "{",
        '    "Name":  "Ethernet0",',
        '    "Servers":  [',
        '                    "10.0.0.1",',
        '                    "10.0.0.2"',
        "                ],",
        '    "Empty":  [',
        "",
        "              ]",
        "}",
      ].join("\r\n"),
    );
  });

  it("writes enums as numbers, escapes < > & ' and compresses on request", () => {
    const obj = new PSObject(undefined, { Dhcp: new PSEnum("Dhcp", "Enabled", 1), Text: "<a & 'b'>" });
    assert.equal(convertToJson(obj, { compress: true }), '{"Dhcp":1,"Text":"\\u003ca \\u0026 \\u0027b\\u0027\\u003e"}');
  });

  it("turns objects deeper than -Depth into their string form", () => {
    const deep = new Hashtable();
    const mid = new Hashtable();
    const inner = new Hashtable();
    inner.set("c", 1);
    mid.set("b", inner);
    deep.set("a", mid);
    assert.equal(convertToJson(deep, { compress: true, depth: 1 }), '{"a":{"b":"System.Collections.Hashtable"}}');
  });

  it("unwraps a single pipeline item (the 5.1 gotcha) but not -InputObject @(x)", async () => {
    const one = await ps(
      "$ProgressPreference='SilentlyContinue'; @(Get-NetAdapter -Name Ethernet0 | Select-Object Name) | ConvertTo-Json -Compress",
    );
    assert.equal(one.stdout, '{"Name":"Ethernet0"}\r\n');
    const arr = await ps(
      "$ProgressPreference='SilentlyContinue'; ConvertTo-Json -Compress -InputObject @(Get-NetAdapter -Name Ethernet0 | Select-Object Name)",
    );
    assert.equal(arr.stdout, '[{"Name":"Ethernet0"}]\r\n');
  });
});
