import assert from "node:assert/strict";
import { isPodError } from "../common/errors";
import { hintFromGuestInfo, planProbes } from "./detect";
import { linuxHandler } from "./handlers/linux";
import { windowsHandler } from "./handlers/windows";

describe("os/detect (planning)", () => {
  it("trusts the transport first: WinRM means Windows", () => {
    assert.deepEqual(planProbes("winrm", { guestFamily: "linuxGuest" }).order, ["windows"]);
  });

  it("then vSphere guest info", () => {
    assert.deepEqual(planProbes("ssh", { guestFamily: "windowsGuest" }).order, ["windows"]);
    assert.deepEqual(planProbes("ssh", { guestId: "rhel9_64Guest" }).order, ["posix"]);
    assert.deepEqual(planProbes("guestops", { guestId: "windows2019srv_64Guest" }).order, ["windows"]);
    assert.equal(hintFromGuestInfo({ guestFamily: "otherGuest", guestId: "otherGuest64" }), undefined);
  });

  it("then probes: POSIX first, Windows after; containers POSIX only", () => {
    assert.deepEqual(planProbes("ssh").order, ["posix", "windows"]);
    assert.deepEqual(planProbes("docker").order, ["posix"]);
  });
});

describe("os/handlers: scripts", () => {
  it("Linux runs sh/bash/pwsh scripts and refuses cmd", () => {
    assert.equal(linuxHandler.script("echo hi", "sh"), "sh -c 'echo hi'");
    assert.match(linuxHandler.script("Get-Date", "powershell"), /^pwsh .*-EncodedCommand /);
    assert.throws(
      () => linuxHandler.script("dir", "cmd"),
      (e) => isPodError(e, "UNSUPPORTED"),
    );
    assert.throws(
      () => linuxHandler.commandLine(["echo", "x".repeat(200_000)]),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("Windows runs PowerShell encoded, one-line cmd as is, multi-line cmd through a temp file", () => {
    assert.match(windowsHandler.script("Get-Date", "powershell"), /^powershell\.exe .*-EncodedCommand /);
    assert.equal(windowsHandler.script("  ipconfig /all  ", "cmd"), "ipconfig /all");
    const multi = windowsHandler.script("echo one\necho two", "cmd");
    const decoded = Buffer.from(multi.split(" ").pop() ?? "", "base64").toString("utf16le");
    assert.match(decoded, /@echo off\r\necho one\r\necho two\r\n/);
    assert.match(decoded, /exit \$code/);
    assert.throws(
      () => windowsHandler.script("ls", "bash"),
      (e) => isPodError(e, "UNSUPPORTED"),
    );
    assert.equal(windowsHandler.commandLine(["ping", "-n", "1", "a&b"]), "ping -n 1 a^&b");
  });
});
