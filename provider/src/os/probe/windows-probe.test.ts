import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultOsRegistry } from "../registry";
import { parseWindowsProbe, WINDOWS_PROBE_SCRIPT, windowsDisplayName, windowsProbeCommand } from "./windows-probe";

// Shaped like the probe's ConvertTo-Json output; written from Microsoft's documented
// registry values (no Windows guest in the lab to capture from).
const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("os/probe/windows", () => {
  it("runs one encoded PowerShell call that reads the registry only", () => {
    assert.match(windowsProbeCommand(), /^powershell\.exe .*-EncodedCommand /);
    assert.match(WINDOWS_PROBE_SCRIPT, /ConvertTo-Json -Compress/);
    assert.doesNotMatch(WINDOWS_PROBE_SCRIPT, /Get-CimInstance|Get-WmiObject/);
  });

  it("calls a client with build >= 22000 Windows 11, whatever ProductName says", () => {
    const facts = parseWindowsProbe(fixture("windows11-pro.json"));
    assert.ok(facts);
    assert.equal(facts.productName, "Windows 10 Pro");
    assert.equal(windowsDisplayName(facts), "Windows 11 Pro");
    const os = defaultOsRegistry.classify(facts, { transport: "winrm" });
    assert.deepEqual(
      { type: os?.type, family: os?.family, distribution: os?.distribution, version: os?.version, build: os?.build },
      {
        type: "windows",
        family: "windows",
        distribution: "Windows 11 Pro",
        version: "10.0.22631",
        build: "22631.4317",
      },
    );
    assert.equal(os?.details?.displayVersion, "23H2");
  });

  it("keeps Windows 10 and servers as named", () => {
    const win10 = parseWindowsProbe(fixture("windows10-enterprise.json"));
    assert.equal(win10 && windowsDisplayName(win10), "Windows 10 Enterprise");
    const server = parseWindowsProbe(fixture("windows-server-2022.json"));
    assert.equal(server && windowsDisplayName(server), "Windows Server 2022 Datacenter");
    assert.equal(server?.installationType, "Server Core");
    const server2025 = { ...(server ?? assert.fail()), build: 26100, productName: "Windows Server 2025 Datacenter" };
    assert.equal(windowsDisplayName(server2025), "Windows Server 2025 Datacenter");
  });

  it("finds the JSON after a BOM or banner, and rejects anything else", () => {
    const noisy = `\uFEFFSome banner\r\n${fixture("windows10-enterprise.json")}\r\n`;
    assert.equal(parseWindowsProbe(noisy)?.build, 19045);
    assert.equal(parseWindowsProbe('{"version":"x"}'), undefined, "no probe marker");
    assert.equal(parseWindowsProbe("sh: 1: powershell.exe: not found"), undefined);
  });
});
