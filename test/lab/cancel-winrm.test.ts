import assert from "node:assert/strict";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { WinrmConnection } from "../../provider/src/connections/winrm/connection";
import { requireLab } from "../support/lab-env";
import { hostPort, needEnv } from "../support/windows-lab-env";

/**
 * Issue 13 over WinRM: an aborted signal ends the running command with the
 * WinRS terminate signal (as a timeout does), the run fails with CANCELLED,
 * and the shared shell runs the next command. The lab's Windows guest is a
 * simulator: it has no process list, so "nothing keeps running" is read from
 * its files: the cancelled command would have written one after its sleep.
 */
describe("lab: cancelling a running command over WinRM", function () {
  this.timeout(120_000);
  requireLab();
  let c: WinrmConnection;

  before(() => {
    c = new WinrmConnection({
      ...hostPort(needEnv("POD_WINRM_HTTP")),
      https: false,
      username: needEnv("POD_WINDOWS_USER"),
      password: new Secret(needEnv("POD_WINDOWS_PASSWORD")),
    });
  });
  after(async () => {
    await c?.close();
  });

  it("terminates the command, fails with CANCELLED, and the same shell goes on", async () => {
    const file = `C:\\pod-cancel-${process.pid}.txt`;
    const controller = new AbortController();
    let started: () => void = () => {};
    const printed = new Promise<void>((resolve) => {
      started = resolve;
    });
    const run = c.execPowerShell(`'started'; Start-Sleep -Seconds 4; Set-Content -Path '${file}' -Value late`, {
      timeoutMs: 60_000,
      signal: controller.signal,
      onStdout: (chunk) => chunk.toString().includes("started") && started(),
    });
    await printed;
    controller.abort();
    await assert.rejects(run, (e) => isPodError(e, "CANCELLED"));
    // The guest itself waits past the moment the cancelled command would have written the file.
    const later = await c.execPowerShell(`Start-Sleep -Seconds 6; Test-Path -Path '${file}'`);
    assert.equal(later.stdout.trim(), "False", "the cancelled command never went on to write its file");
    assert.equal((await c.exec("hostname")).stdout, "WIN2022-LAB\r\n");
  });
});
