import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { installPodInto, onStack, PulumiCli } from "../support/pulumi-cli";

const repo = join(__dirname, "../..");

/**
 * PodCommand's @pulumi/command semantics through the real Pulumi CLI, read
 * from the guest's own log of runs: a new environment updates (with the last
 * output in PULUMI_COMMAND_STDOUT), new triggers replace (the new create, then
 * the old delete), a trigger of the time runs on every up, destroy deletes.
 */
describe("lab: PodCommand triggers, addPreviousOutputInEnv and run-every-up through the Pulumi CLI", function () {
  this.timeout(600_000);
  requireLab();
  const id = randomBytes(4).toString("hex");
  const stack = `cmdtrig${id}`;
  const fixture = join(repo, "test/fixtures/command-triggers");
  const cli = new PulumiCli(fixture, { PULUMI_STACK: "" });
  const { pulumi, ok } = onStack(cli, stack);
  const log = `/tmp/pod-runs-${id}`;
  let guest: GuestContainer;

  const guestLog = async (suffix = "") =>
    (await guest.run(["sh", "-c", `cat ${log}${suffix} 2>/dev/null; true`])).stdout;

  before(async () => {
    installPodInto(repo, fixture);
    guest = await startGuest();
    cli.ok("stack", "init", stack);
    ok("config", "set", "host", guest.ip);
    ok("config", "set", "user", guest.user);
    ok("config", "set", "--secret", "password", guest.password);
    ok("config", "set", "hostKeys", JSON.stringify(guest.fingerprints));
    ok("config", "set", "log", log);
    ok("config", "set", "tag", "a");
    ok("config", "set", "trigger", "1");
  });

  after(async () => {
    pulumi("destroy", "--yes", "--skip-preview");
    cli.run("stack", "rm", "--yes", "--force", stack);
    await guest?.remove();
    rmSync(cli.backend, { recursive: true, force: true });
  });

  it("up creates; a new environment updates with the last output in PULUMI_COMMAND_STDOUT", async () => {
    ok("up", "--yes", "--skip-preview");
    assert.equal(await guestLog(), "create a\n");
    ok("config", "set", "tag", "b");
    ok("up", "--yes", "--skip-preview");
    assert.equal(await guestLog(), "create a\nupdate b after=out-a\n");
  });

  it("new triggers replace: the new resource's create runs, then the old one's delete", async () => {
    ok("config", "set", "trigger", "2");
    const up = ok("up", "--yes", "--skip-preview");
    assert.match(up, /replaced/);
    assert.equal(await guestLog(), "create a\nupdate b after=out-a\ncreate b\ndelete b after=out-b\n");
  });

  it("a trigger of the time runs the command on every up; destroy runs the delete", async () => {
    assert.equal(await guestLog(".every"), "every\nevery\nevery\n", "one run per up so far");
    ok("up", "--yes", "--skip-preview");
    assert.equal(await guestLog(".every"), "every\nevery\nevery\nevery\n");
    ok("destroy", "--yes", "--skip-preview");
    assert.match(await guestLog(), /delete b after=out-b\n$/);
  });
});
