import assert from "node:assert/strict";
import type { PodCommandInputs, PodCommandOutputs } from "../../provider/src/resources/pod-command/args";
import { PodCommandProvider } from "../../provider/src/resources/pod-command/provider";
import { type GuestContainer, startGuest } from "../support/guest-container";

/** PodCommand's CRUD (issue 4), driven directly against lab guests over SSH and Docker exec. */
describe("PodCommand against lab guests", () => {
  const provider = new PodCommandProvider();
  let debian: GuestContainer;
  let rocky: GuestContainer;

  before(async () => {
    [debian, rocky] = await Promise.all([
      startGuest({ password: "guest-Pw-77" }),
      startGuest({ image: "pod-guest-rocky:9" }),
    ]);
  });
  after(async () => {
    await Promise.all([debian?.remove(), rocky?.remove()]);
  });

  const ssh = (g: GuestContainer) => ({
    host: g.ip,
    user: g.user,
    password: g.password,
    hostKeys: g.fingerprints,
  });

  it("runs the create command over SSH and outputs the normalized result and the OS", async () => {
    const inputs: PodCommandInputs = { target: ssh(debian), create: ["sh", "-c", "echo out; echo err >&2"] };
    const { outs } = await provider.create(inputs);
    const o = outs as PodCommandOutputs;
    assert.equal(o.stdout, "out");
    assert.equal(o.stderr.trim(), "err");
    assert.equal(o.exitCode, 0);
    assert.equal(o.os.type, "linux");
    assert.equal(o.os.distribution, "debian");
  });

  it("detects the Rocky stand-in and parses JSON output into data", async () => {
    const { outs } = await provider.create({
      target: { transport: "docker", container: rocky.id },
      create: `printf '{"ok": true, "n": 3}'`,
      parser: "json",
    });
    const o = outs as PodCommandOutputs;
    assert.deepEqual(o.data, { ok: true, n: 3 });
    assert.equal(o.os.type, "rocky-container");
  });

  it("keeps shell metacharacters in argv literal", async () => {
    const { outs } = await provider.create({ target: ssh(debian), create: ["echo", "a;b", "$(id)", "`x`", "|&"] });
    assert.equal((outs as PodCommandOutputs).stdout, "a;b $(id) `x` |&");
  });

  it("re-runs on a new command, is replaced on new triggers, and not re-run on a new target alone", async () => {
    const inputs: PodCommandInputs = { target: ssh(debian), create: "date +%s%N", triggers: [1] };
    const created = (await provider.create(inputs)).outs as PodCommandOutputs;
    const sameTarget = { ...inputs, target: { ...inputs.target, port: 22 } };
    assert.deepEqual(await provider.diff("x", created, sameTarget), { changes: true, replaces: [] });
    const kept = (await provider.update("x", created, sameTarget)).outs as PodCommandOutputs;
    assert.equal(kept.stdout, created.stdout, "no re-run for a target change");
    const rerun = (await provider.update("x", kept, { ...sameTarget, create: "date +%s%N; true" })).outs;
    assert.notEqual((rerun as PodCommandOutputs).stdout, created.stdout);
    // New triggers: Pulumi replaces the resource (create of the new, delete of the old; see pod-command-pulumi).
    assert.deepEqual(await provider.diff("x", kept, { ...sameTarget, triggers: [2] }), {
      changes: true,
      replaces: ["triggers"],
    });
  });

  it("gives update and delete the last run's output as PULUMI_COMMAND_STDOUT/STDERR, unless told not to", async () => {
    const log = `/tmp/pod-prev-${process.pid}`;
    const inputs: PodCommandInputs = {
      target: ssh(debian),
      create: "echo first; echo warn >&2",
      update: 'echo "out=$PULUMI_COMMAND_STDOUT err=$PULUMI_COMMAND_STDERR"',
      delete: `echo "deleting after: $PULUMI_COMMAND_STDOUT" > ${log}`,
      environment: { V: "1" },
    };
    const created = (await provider.create(inputs)).outs as PodCommandOutputs;
    const updated = (await provider.update("x", created, { ...inputs, environment: { V: "2" } })).outs;
    assert.equal((updated as PodCommandOutputs).stdout, "out=first err=warn");
    await provider.delete("x", updated as PodCommandOutputs);
    assert.equal((await debian.run(["cat", log])).stdout, "deleting after: out=first err=warn\n");
    const off = { ...inputs, environment: { V: "3" }, addPreviousOutputInEnv: false };
    const without = (await provider.update("x", created, off)).outs as PodCommandOutputs;
    assert.equal(without.stdout, "out= err=");
  });

  it("keeps a secret previous output out of errors (secret-aware)", async () => {
    const inputs: PodCommandInputs = {
      target: ssh(debian),
      create: "echo token-8c1f",
      update: 'echo "$PULUMI_COMMAND_STDOUT" >&2; exit 3',
      environment: { V: "1" },
    };
    const plain = (await provider.create(inputs)).outs as PodCommandOutputs;
    await assert.rejects(provider.update("x", plain, { ...inputs, environment: { V: "2" } }), /token-8c1f/);
    const secret = (await provider.create({ ...inputs, secretOutputs: true })).outs as PodCommandOutputs;
    await assert.rejects(
      provider.update("x", secret, { ...inputs, secretOutputs: true, environment: { V: "2" } }),
      (e: Error) => {
        assert.doesNotMatch(e.message, /token-8c1f/);
        assert.match(e.message, /withheld: the output is secret/);
        return true;
      },
    );
  });

  it("fails a command with a non-accepted exit code, with stderr and the fix", async () => {
    await assert.rejects(provider.create({ target: ssh(debian), create: "echo broken >&2; exit 3" }), (e: Error) => {
      assert.match(e.message, /\[COMMAND_FAILED\] The command exited 3 on .*:\nbroken/);
      assert.match(e.message, /acceptExitCodes/);
      return true;
    });
    const ok = await provider.create({ target: ssh(debian), create: "exit 3", acceptExitCodes: [0, 3] });
    assert.equal((ok.outs as PodCommandOutputs).exitCode, 3);
  });

  it("refuses a wrong guest password with AUTH_FAILED and no password in the message", async () => {
    const target = { ...ssh(debian), password: "not-The-Pw-91" };
    await assert.rejects(provider.create({ target, create: "true" }), (e: Error) => {
      assert.match(e.message, /\[AUTH_FAILED\]/);
      assert.doesNotMatch(e.message, /not-The-Pw-91|guest-Pw-77/);
      return true;
    });
  });

  it("runs the delete command on destroy; a gone target does not fail destroy unless strict", async () => {
    const inputs: PodCommandInputs = {
      target: ssh(debian),
      create: "touch /tmp/pod-cmd-marker",
      delete: "rm /tmp/pod-cmd-marker",
    };
    const outs = (await provider.create(inputs)).outs as PodCommandOutputs;
    assert.equal((await debian.run(["test", "-e", "/tmp/pod-cmd-marker"])).exitCode, 0);
    await provider.delete("x", outs);
    assert.equal((await debian.run(["test", "-e", "/tmp/pod-cmd-marker"])).exitCode, 1);

    const gone = { ...outs, target: { ...outs.target, host: "127.0.0.1", port: 1 } };
    await provider.delete("x", gone);
    await assert.rejects(provider.delete("x", { ...gone, strictDelete: true }), /\[UNREACHABLE\]/);
  });

  it("refuses bad input in check, before anything runs", async () => {
    const bad = { target: { transport: "winrm", host: "10.0.0.1" }, create: [] } as unknown as PodCommandInputs;
    const { failures } = await provider.check(bad, bad);
    const props = (failures ?? []).map((f) => f.property).sort();
    assert.deepEqual(props, ["create", "target.password", "target.user"]);
  });
});
