import assert from "node:assert/strict";
import { Machine } from "../../../lab/windows-guest/src/machine";
import { decodeClixml } from "../../../provider/src/connections/winrm/clixml";
import { ps } from "./harness";

/** The lab guest's PowerShell subset: language pieces, output, errors and exit codes (no lab needed). */
describe("windows guest: PowerShell language subset", () => {
  const out = async (script: string) => {
    const r = await ps(script);
    assert.equal(decodeClixml(r.stderr), "", `no errors expected, got: ${decodeClixml(r.stderr)}`);
    return r.stdout;
  };

  it("runs statements separated by ; and newlines, with variables and string expansion", async () => {
    assert.equal(
      await out("$a = 2; $b = $a * 3\n\"a=$a b=$b sum=$($a + $b)\"\n'$a stays'"),
      "a=2 b=6 sum=8\r\n$a stays\r\n",
    );
  });

  it("keeps @() arrays, unrolls arrays in pipelines, and compares case-insensitively", async () => {
    assert.equal(
      await out("$x = @(5); $x.Count; @(1,2,3).Count; (1,2,3 | Where-Object { $_ -gt 1 }).Count; 'ABC' -eq 'abc'"),
      "1\r\n3\r\n2\r\nTrue\r\n",
    );
  });

  it("supports if/elseif/else, foreach, try/catch/finally and throw", async () => {
    const script = [
      "foreach ($n in 1,2,3) { if ($n -eq 1) { 'one' } elseif ($n -eq 2) { 'two' } else { 'many' } }",
      "try { throw 'boom' } catch { \"caught $($_.Exception.Message)\" } finally { 'finally' }",
    ].join("\n");
    assert.equal(await out(script), "one\r\ntwo\r\nmany\r\ncaught boom\r\nfinally\r\n");
  });

  it("builds [pscustomobject]@{} in key order and selects properties, calculated ones included", async () => {
    const script =
      "[pscustomobject]@{ Name = 'x'; Size = 3 } | Select-Object Name, @{ n = 'Double'; e = { $_.Size * 2 } } | ConvertTo-Json -Compress";
    assert.equal(await out(script), '{"Name":"x","Double":6}\r\n');
  });

  it("filters with Where-Object's simple form and expands with -ExpandProperty", async () => {
    const script =
      "Get-NetAdapter | Where-Object Name -like 'Ethernet*' | Where-Object ifIndex -eq 6 | Select-Object -ExpandProperty MacAddress";
    assert.equal(await out(script), "00-50-56-8A-10-01\r\n");
  });

  it("answers OS identity like Server 2022", async () => {
    const script = [
      "[Environment]::OSVersion.Version.ToString()",
      "$PSVersionTable.PSVersion.Major",
      "(Get-CimInstance Win32_OperatingSystem).Caption",
      "(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion').CurrentBuild",
      "hostname",
    ].join("; ");
    assert.equal(
      await out(script),
      "10.0.20348.0\r\n5\r\nMicrosoft Windows Server 2022 Datacenter\r\n20348\r\nWIN2022-TEST\r\n",
    );
  });

  it("formats objects for the console: tables for NetAdapter, lists for wide objects", async () => {
    const table = await out("Get-NetAdapter -Name Ethernet0");
    assert.match(table, /^\r\nName\s+InterfaceDescription\s+ifIndex Status MacAddress\s+LinkSpeed\r\n----/);
    assert.match(table, /Ethernet0 vmxnet3 Ethernet Adapter\s+6 Up\s+00-50-56-8A-10-01 10 Gbps/);
    assert.match(
      await out("Get-NetIPAddress -IPAddress 192.0.2.10"),
      /IPAddress\s+: 192\.0\.2\.10\r\nInterfaceIndex\s+: 6/,
    );
  });

  it("exit code: `exit N`, else 1 when the last statement failed, else 0", async () => {
    assert.equal((await ps("'x'; exit 9")).exitCode, 9);
    assert.equal((await ps("Get-Nope")).exitCode, 1);
    assert.equal((await ps("Get-Nope; 'fine'")).exitCode, 0);
    assert.equal((await ps("throw 'stop'; 'unreached'")).stdout, "");
  });

  it("writes errors as CLIXML, like -EncodedCommand on Windows, with the PowerShell 5.1 error layout", async () => {
    const r = await ps("Get-Nope -Flag");
    assert.match(
      r.stderr,
      /^#< CLIXML\r\n<Objs Version="1\.1\.0\.1" xmlns="http:\/\/schemas\.microsoft\.com\/powershell\/2004\/04"><S S="Error">/,
    );
    assert.equal(
      decodeClixml(r.stderr),
      [
        "Get-Nope : The term 'Get-Nope' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
        "At line:1 char:1",
        "+ Get-Nope -Flag",
        "+ ~~~~~~~~",
        "    + CategoryInfo          : ObjectNotFound: (Get-Nope:String) [], CommandNotFoundException",
        "    + FullyQualifiedErrorId : CommandNotFoundException",
        " ",
        "",
      ].join("\r\n"),
    );
  });

  it("reports parse errors as ParserError before running anything", async () => {
    const r = await ps("'before'; if ($x {");
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, "");
    assert.match(decodeClixml(r.stderr), /ParserError: \(:\) \[\], ParentContainsErrorRecordException/);
  });

  it("binds parameters by prefix and reports unknown, ambiguous and invalid ones", async () => {
    assert.equal(await out("(Get-NetAdapter -InterfaceIn 9).Name"), "Ethernet1\r\n");
    assert.match(
      decodeClixml((await ps("Get-NetAdapter -Bogus 1")).stderr),
      /A parameter cannot be found that matches parameter name 'Bogus'/,
    );
    assert.match(
      decodeClixml((await ps("Get-NetIPAddress -Pre 1")).stderr),
      /ambiguous\. Possible matches include: -PrefixLength -PrefixOrigin/,
    );
    assert.match(
      decodeClixml((await ps("Get-NetIPAddress -AddressFamily IPv5")).stderr),
      /does not belong to the set "IPv4,IPv6"/,
    );
  });

  it("honours -ErrorAction and $ErrorActionPreference", async () => {
    assert.equal((await ps("Get-NetAdapter -Name nope -ErrorAction SilentlyContinue; 'after'")).stdout, "after\r\n");
    const stop = await ps("$ErrorActionPreference = 'Stop'; Get-NetAdapter -Name nope; 'after'");
    assert.equal(stop.stdout, "");
    assert.equal(stop.exitCode, 1);
    const caught = await ps("try { Get-NetAdapter -Name nope -ErrorAction Stop } catch { 'caught' }");
    assert.equal(caught.stdout, "caught\r\n");
  });

  it("shows 'Preparing modules for first use.' progress unless $ProgressPreference is SilentlyContinue", async () => {
    assert.match(
      (await ps("Get-NetAdapter | Out-Null")).stderr,
      /<Obj S="progress" RefId="0">.*Preparing modules for first use\./,
    );
    assert.equal((await ps("$ProgressPreference = 'SilentlyContinue'; Get-NetAdapter | Out-Null")).stderr, "");
  });

  it("reads stdin and runs a script block built from it (pod's long-script bootstrap)", async () => {
    const machine = Machine.synthetic("WIN2022-TEST");
    const { cmd, encode } = await import("./harness");
    const body = Buffer.from("Write-Output 'from stdin'; exit 6").toString("base64");
    const bootstrap =
      ". ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadToEnd()))))";
    const r = await cmd(`powershell.exe -EncodedCommand ${encode(bootstrap)}`, machine, body);
    assert.deepEqual([r.stdout, r.exitCode], ["from stdin\r\n", 6]);
  });
});
