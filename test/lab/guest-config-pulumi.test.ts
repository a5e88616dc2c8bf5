import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { installPodInto, onStack, PulumiCli } from "../support/pulumi-cli";

const repo = join(__dirname, "../..");

/**
 * Issue 14: the README's credential chain reaches the resources. A PodCommand
 * whose target names only the host (and its pinned host keys) logs in with
 * `pulumi config set pod:guestUser` and `--secret pod:guestPassword`, through
 * the real Pulumi CLI; the password never lands in state in clear.
 */
describe("lab: PodCommand guest credentials from stack config (pod:guestUser, pod:guestPassword)", function () {
  this.timeout(600_000);
  requireLab();
  const id = randomBytes(4).toString("hex");
  const stack = `guestcfg${id}`;
  const marker = `pod-guest-config-${id}`;
  const fixture = join(repo, "test/fixtures/guest-config");
  // No ambient POD_GUEST_* or agent: stack config must be what supplies the login.
  const cli = new PulumiCli(fixture, {
    PULUMI_STACK: "",
    POD_GUEST_USER: "",
    POD_GUEST_PASSWORD: "",
    SSH_AUTH_SOCK: "",
  });
  let guest: GuestContainer;

  const { pulumi, ok } = onStack(cli, stack);

  before(async () => {
    installPodInto(repo, fixture);
    guest = await startGuest();
    cli.ok("stack", "init", stack);
    ok("config", "set", "host", guest.ip);
    ok("config", "set", "hostKeys", JSON.stringify(guest.fingerprints));
    ok("config", "set", "marker", marker);
  });

  after(async () => {
    pulumi("destroy", "--yes", "--skip-preview");
    cli.run("stack", "rm", "--yes", "--force", stack);
    await guest?.remove();
    rmSync(cli.backend, { recursive: true, force: true });
  });

  it("without pod:guestUser, preview fails naming `pulumi config set pod:guestUser`, and nothing ran", async () => {
    const r = pulumi("preview");
    assert.notEqual(r.status, 0);
    assert.match(r.out, /target\.user/);
    assert.match(r.out, /pulumi config set pod:guestUser/);
    const probe = await guest.run(["test", "-e", `/tmp/${marker}`]);
    assert.notEqual(probe.exitCode, 0, "no command reached the guest");
  });

  it("with pod:guestUser and --secret pod:guestPassword, pulumi up runs the command as that user", async () => {
    ok("config", "set", "pod:guestUser", guest.user);
    ok("config", "set", "--secret", "pod:guestPassword", guest.password);
    const up = ok("up", "--yes", "--skip-preview");
    assert.ok(!up.includes(guest.password), "pulumi up shows the password");
    const outputs = JSON.parse(ok("stack", "output", "--json").replace(/^[^{]*/, "")) as { stdout: string };
    assert.equal(outputs.stdout, guest.user);
    // From the guest's side: the file is there, written by that user.
    const seen = await guest.run(["stat", "-c", "%U %s", `/tmp/${marker}`]);
    assert.equal(seen.stdout.trim(), `${guest.user} ${marker.length}`);
  });

  it("pulumi stack export holds no guest password, and state keeps the target as the program gave it", () => {
    const exported = ok("stack", "export");
    assert.ok(!exported.includes(guest.password), "the guest password is in state in clear");
    // Decrypted, the PodCommand's inputs and outputs still hold no password: the provider merged the login in
    // memory only. (Pulumi itself keeps the stack config, encrypted, on the dynamic provider's own resource.)
    const decrypted = ok("stack", "export", "--show-secrets");
    const resources = JSON.parse(decrypted).deployment.resources as { type: string; inputs: Record<string, unknown> }[];
    const command = resources.find((r) => r.type.endsWith("PodCommand"));
    assert.ok(command, "the PodCommand is in the export");
    assert.ok(!JSON.stringify(command).includes(guest.password), "the PodCommand's state holds the guest password");
    // The SDK marks the target secret: decrypted, it is { <sig>, plaintext: "<json>" }.
    const stored = command.inputs.target as { plaintext?: string };
    const target = (stored.plaintext ? JSON.parse(stored.plaintext) : stored) as Record<string, unknown>;
    assert.deepEqual(Object.keys(target).sort(), ["host", "hostKeys"]);
    assert.equal(target.host, guest.ip);
  });
});
