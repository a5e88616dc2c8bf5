import assert from "node:assert/strict";
import { PodClient } from "../../provider/src/client";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

/**
 * Issue 12: the engine's connection cache keys on every access field. The
 * same host reached as two users, with a right and a wrong password, and over
 * two transports gets separate connections; the wrong password fails even
 * after the right one opened a connection (it used to get that session).
 */
describe("lab: connections are shared only for the same access", function () {
  this.timeout(120_000);
  requireLab();
  const need = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: the lab is not up. Run \`make lab\` first.`);
    return value;
  };
  const password = `pod-Ident-${process.pid}-Pw7`;
  const otherPassword = `pod-Other-${process.pid}-Pw8`;
  let guest: GuestContainer;
  let client: PodClient;

  before(async () => {
    guest = await startGuest({ password });
    // A second user on the same guest, made straight through Docker (not through pod).
    const made = await guest.run([
      "sh",
      "-c",
      `useradd -m -s /bin/sh other && echo 'other:${otherPassword}' | chpasswd`,
    ]);
    assert.equal(made.exitCode, 0, made.stderr);
    client = new PodClient({ agent: false, keyFiles: [], actor: "lab-identity" });
  });

  after(async () => {
    await client?.close();
    await guest?.remove();
  });

  const ssh = (user: string, pw: string) =>
    ({ transport: "ssh", host: guest.ip, user, password: pw, hostKeyPolicy: "insecure" }) as const;

  it("SSH: two users and a wrong password on one host are three connections; the wrong one fails", async () => {
    const asPod = await client.target(ssh("pod", password));
    const asOther = await client.target(ssh("other", otherPassword));
    const wrong = await client.target(ssh("pod", "not-the-Pw-0"));
    assert.notEqual(asPod.connection, asOther.connection);
    assert.notEqual(asPod.connection, wrong.connection);
    assert.equal(await client.target(ssh("pod", password)).then((t) => t.connection), asPod.connection, "shared");

    // The guest says who each connection is logged in as.
    const pod = await client.executeCommand(ssh("pod", password), ["id", "-un"]);
    const other = await client.executeCommand(ssh("other", otherPassword), ["id", "-un"]);
    assert.deepEqual([pod.stdout, other.stdout], ["pod", "other"]);
    // The right password's connection is open and pooled; the wrong one still has to log in, and cannot.
    await assert.rejects(client.executeCommand(ssh("pod", "not-the-Pw-0"), ["id", "-un"]), { code: "AUTH_FAILED" });
    await assert.rejects(client.executeCommand(ssh("other", password), ["id", "-un"]), { code: "AUTH_FAILED" });
    assert.equal((await client.executeCommand(ssh("pod", password), ["id", "-un"])).stdout, "pod");
  });

  it("WinRM and SSH to one host are separate; a wrong WinRM password fails after the right one worked", async () => {
    const host = need("POD_WINDOWS_CONTAINER_IP");
    const user = need("POD_WINDOWS_USER");
    const right = need("POD_WINDOWS_PASSWORD");
    const winrm = (pw: string) => ({ transport: "winrm", host, port: 5985, https: false, user, password: pw }) as const;

    const ok = await client.executeCommand(winrm(right), "$env:COMPUTERNAME");
    assert.equal(ok.transport, "winrm");
    assert.ok(ok.success, ok.stderr);
    assert.equal((await client.detectOs(winrm(right))).type, "windows");
    const wrong = await client.target(winrm(`${right}-wrong`));
    assert.notEqual(wrong.connection, (await client.target(winrm(right))).connection);
    await assert.rejects(client.executeCommand(winrm(`${right}-wrong`), "$env:COMPUTERNAME"), {
      code: "AUTH_FAILED",
    });

    // The same host over SSH with strict host keys: its own SSH connection (this guest runs no sshd), never WinRM's.
    const strict = { transport: "ssh", host, user, password: right, hostKeyPolicy: "strict" } as const;
    const viaSsh = await client.target(strict);
    assert.equal(viaSsh.connection.transport, "ssh");
    await assert.rejects(client.executeCommand(strict, ["hostname"]), (e: { code?: string }) =>
      ["UNREACHABLE", "HOST_KEY_UNKNOWN", "HOST_KEY_MISMATCH", "TIMEOUT"].includes(String(e.code)),
    );
  });
});
