import assert from "node:assert/strict";
import type { PodCommandInputs, PodCommandOutputs } from "../../provider/src/resources/pod-command/args";
import { PodCommandProvider } from "../../provider/src/resources/pod-command/provider";
import { type GuestContainer, startGuest } from "../support/guest-container";

/**
 * A resource target reaching its guest through a jump host: a second lab
 * container running sshd, started and removed here. The guest's own
 * SSH_CONNECTION says who connected (the jump host, not this machine); a
 * wrong pin for the jump host's key fails typed, before the guest is reached.
 */
describe("PodCommand through a jump host (target.jumpHost, dial settings)", function () {
  this.timeout(180_000);
  const provider = new PodCommandProvider();
  let jump: GuestContainer;
  let guest: GuestContainer;

  before(async () => {
    [jump, guest] = await Promise.all([startGuest(), startGuest()]);
  });
  after(async () => {
    await Promise.all([jump?.remove(), guest?.remove()]);
  });

  const target = (jumpKeys: string[]) => ({
    host: guest.ip,
    user: guest.user,
    password: guest.password,
    hostKeys: guest.fingerprints,
    jumpHost: { host: jump.ip, user: jump.user, password: jump.password, hostKeys: jumpKeys },
    dialErrorLimit: 2,
    perDialTimeoutSeconds: 10,
  });

  it("runs the command in the guest, which sees the jump host as its client", async () => {
    const inputs: PodCommandInputs = { target: target(jump.fingerprints), create: 'echo "$SSH_CONNECTION"' };
    assert.deepEqual((await provider.check({} as PodCommandInputs, inputs)).failures, []);
    const outs = (await provider.create(inputs)).outs as PodCommandOutputs;
    const [client, , server] = outs.stdout.split(" ");
    assert.equal(client, jump.ip, "the guest's sshd saw the jump host connect");
    assert.equal(server, guest.ip);
  });

  it("refuses a jump host whose key does not match its pin, typed, and nothing runs in the guest", async () => {
    const marker = `/tmp/pod-jump-${process.pid}`;
    // The guest's own keys are not the jump host's: a pin that cannot match.
    const inputs: PodCommandInputs = { target: target(guest.fingerprints), create: `touch ${marker}` };
    await assert.rejects(provider.create(inputs), (e: Error & { code?: string }) => {
      assert.equal(e.code, "HOST_KEY_MISMATCH", e.message);
      assert.ok(e.message.includes(jump.ip), `the error names the jump host: ${e.message}`);
      assert.ok(!e.message.includes(jump.password) && !e.message.includes(guest.password), "no password in the error");
      return true;
    });
    assert.notEqual((await guest.run(["test", "-e", marker])).exitCode, 0, "the guest was never reached");
  });

  it("checks jump host input before anything runs", async () => {
    const noLogin = { ...target(jump.fingerprints), jumpHost: { host: jump.ip, user: jump.user } };
    const { failures } = await provider.check({} as PodCommandInputs, { target: noLogin, create: "true" });
    assert.equal(failures?.[0]?.property, "target.jumpHost");
    assert.match(failures?.[0]?.reason ?? "", /password, privateKey or agent/);
    const docker = { transport: "docker" as const, container: guest.id, jumpHost: target([]).jumpHost };
    const r = await provider.check({} as PodCommandInputs, { target: docker, create: "true" });
    assert.match(r.failures?.[0]?.reason ?? "", /jump host is for transport ssh/);
  });
});
