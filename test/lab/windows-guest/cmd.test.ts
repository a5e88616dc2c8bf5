import assert from "node:assert/strict";
import { cmd, encode } from "./harness";

describe("windows guest: cmd.exe basics", () => {
  it("ver, hostname, whoami, echo", async () => {
    assert.equal((await cmd("ver")).stdout, "\r\nMicrosoft Windows [Version 10.0.20348.2340]\r\n");
    assert.equal((await cmd("hostname")).stdout, "WIN2022-TEST\r\n");
    assert.equal((await cmd("whoami")).stdout, "win2022-test\\administrator\r\n");
    assert.equal((await cmd("echo hello  world")).stdout, "hello  world\r\n");
    assert.equal((await cmd("echo.")).stdout, "\r\n");
    assert.equal((await cmd("echo %COMPUTERNAME% %NOPE%")).stdout, "WIN2022-TEST %NOPE%\r\n");
  });

  it("exit codes: exit /b N, unknown commands (1, with Windows' message), && and ||", async () => {
    assert.equal((await cmd("exit /b 42")).exitCode, 42);
    const missing = await cmd("frobnicate /x");
    assert.deepEqual(
      [missing.exitCode, missing.stderr],
      [1, "'frobnicate' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n"],
    );
    assert.equal((await cmd("frobnicate || echo fallback")).stdout, "fallback\r\n");
    assert.equal((await cmd("frobnicate && echo never")).stdout, "");
    assert.equal((await cmd("echo a & exit /b 3")).exitCode, 3);
  });

  it("redirects into the guest's files and reads them back", async () => {
    const { Machine } = await import("../../../lab/windows-guest/src/machine");
    const m = Machine.synthetic("WIN2022-TEST");
    await cmd('echo first > "C:\\Windows\\Temp\\x.txt" & echo second >> C:\\Windows\\Temp\\x.txt', m);
    assert.equal((await cmd("type C:\\Windows\\Temp\\x.txt", m)).stdout, "first\r\nsecond\r\n");
  });

  it("starts powershell with -EncodedCommand or -NoProfile -NonInteractive -Command", async () => {
    assert.equal((await cmd(`powershell -encodedcommand ${encode("'a' + 'b'")}`)).stdout, "ab\r\n");
    assert.equal(
      (await cmd("powershell.exe -NoProfile -NonInteractive -Command \"Write-Output ('x' * 3)\"")).stdout,
      "xxx\r\n",
    );
    const piped = await cmd("powershell -Command Get-Date | ConvertTo-Json");
    assert.match(piped.stderr, /'ConvertTo-Json' is not recognized/, "an unquoted | belongs to cmd.exe, as on Windows");
  });
});
