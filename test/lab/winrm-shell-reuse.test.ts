import assert from "node:assert/strict";
import { Secret } from "../../provider/src/common/secret";
import { WinrmConnection } from "../../provider/src/connections/winrm/connection";
import { requireLab } from "../support/lab-env";
import { hostPort, needEnv } from "../support/windows-lab-env";

/**
 * Issue 15: one WinRS shell for many commands (the default) against a shell
 * per command (`reuseShell: false`), on the lab's Windows guest: the same
 * results either way, nothing carried from one command to the next, and the
 * number of shells each mode opened. How fast each is belongs to `make bench`.
 */
describe("lab: WinRM shell reuse against the Windows guest", function () {
  this.timeout(120_000);
  requireLab();
  const endpoint = hostPort(needEnv("POD_WINRM_HTTP"));
  const open: WinrmConnection[] = [];
  const connect = (reuseShell?: boolean) => {
    const c = new WinrmConnection({
      ...endpoint,
      https: false,
      auth: "ntlm",
      username: needEnv("POD_WINDOWS_USER"),
      password: new Secret(needEnv("POD_WINDOWS_PASSWORD")),
      ...(reuseShell === undefined ? {} : { reuseShell }),
    });
    open.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  /** Twelve commands with their own exit codes, stdout and stderr, plus a variable that must not survive. */
  async function runSeries(c: WinrmConnection): Promise<void> {
    assert.equal((await c.exec("set POD_LEAK=1 & echo set")).stdout, "set\r\n");
    for (let i = 0; i < 10; i++) {
      const r = await c.exec(`echo out${i} & nosuch${i} & exit /b ${i}`);
      assert.deepEqual([r.stdout.trim(), r.exitCode], [`out${i}`, i]);
      assert.match(r.stderr, new RegExp(`'nosuch${i}' is not recognized`));
    }
    const after = await c.exec("echo [%POD_LEAK%]");
    assert.equal(after.stdout.trim(), "[%POD_LEAK%]", "a command's variables end with its cmd.exe");
  }

  it("reuses one shell for every command by default", async () => {
    const c = connect();
    await runSeries(c);
    const ps = await c.execPowerShell("Write-Output 'ps'");
    assert.equal(ps.stdout.trim(), "ps");
    const health = await c.health();
    assert.equal(health.stats?.commands, 13);
    assert.equal(health.stats?.shellsOpened, 1);
  });

  it("opens and deletes a shell per command with reuseShell: false, with the same results", async () => {
    const c = connect(false);
    await runSeries(c);
    const health = await c.health();
    assert.equal(health.stats?.commands, 12);
    assert.equal(health.stats?.shellsOpened, 12, "one shell per command");
  });
});
