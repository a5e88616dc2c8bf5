import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { installPodInto, onStack, PulumiCli } from "../support/pulumi-cli";
import { type LabVault, requireVault } from "../support/vault";

const repo = join(__dirname, "../..");

/**
 * Issue 17: a PodCommand whose target password is `vault:kv/data/…#password`,
 * through the real Pulumi CLI against the lab's Vault. The provider reads the
 * value at use; state, the CLI's output and pod's audit log hold the
 * reference only. A revoked token and a deleted secret fail the step with
 * typed errors that say what to do, and nothing runs on the guest.
 */
describe("lab: vault: secret references in a PodCommand (Pulumi CLI, lab Vault)", function () {
  this.timeout(600_000);
  requireLab();
  const id = randomBytes(4).toString("hex");
  const stack = `vaultref${id}`;
  const marker = `pod-vault-ref-${id}`;
  const kvPath = `pod-test-${id}/guest`;
  const ref = `vault:kv/data/${kvPath}#password`;
  const password = `Vault-Guest-Pw-${randomBytes(8).toString("hex")}`;
  const audit = join(tmpdir(), `pod-vault-audit-${id}.jsonl`);
  const fixture = join(repo, "test/fixtures/vault-ref");
  // No ambient guest credentials or agent: the reference is the only way in.
  const env: Record<string, string> = {
    PULUMI_STACK: "",
    POD_GUEST_USER: "",
    POD_GUEST_PASSWORD: "",
    SSH_AUTH_SOCK: "",
    POD_AUDIT_LOG: audit,
    HOME: tmpdir(), // no ~/.vault-token to fall back on
  };
  const cli = new PulumiCli(fixture, env);
  const { pulumi, ok } = onStack(cli, stack);
  let lab: LabVault;
  let guest: GuestContainer;
  const outputs: string[] = [];

  before(async () => {
    lab = requireVault();
    lab.vault(["kv", "put", `kv/${kvPath}`, `password=${password}`]);
    env.VAULT_TOKEN = lab.readToken(`pod-test-${id}`, [`kv/data/${kvPath}`]);
    installPodInto(repo, fixture);
    guest = await startGuest({ password });
    cli.ok("stack", "init", stack);
    ok("config", "set", "host", guest.ip);
    ok("config", "set", "hostKeys", JSON.stringify(guest.fingerprints));
    ok("config", "set", "marker", marker);
    ok("config", "set", "--plaintext", "passwordRef", ref); // a reference: Pulumi would take it for a secret
  });

  after(async () => {
    pulumi("destroy", "--yes", "--skip-preview");
    cli.run("stack", "rm", "--yes", "--force", stack);
    await guest?.remove();
    rmSync(cli.backend, { recursive: true, force: true });
    rmSync(audit, { force: true });
    lab?.vault(["kv", "metadata", "delete", `kv/${kvPath}`]);
    lab?.vault(["policy", "delete", `pod-test-${id}`]);
  });

  it("pulumi up logs in with the password Vault holds and runs the command", async () => {
    const up = ok("up", "--yes", "--skip-preview");
    outputs.push(up);
    const out = JSON.parse(ok("stack", "output", "--json").replace(/^[^{]*/, "")) as { stdout: string };
    assert.equal(out.stdout, "pod");
    const seen = await guest.run(["cat", `/tmp/${marker}`]);
    assert.equal(seen.stdout, marker, "the guest has the file the command wrote");
  });

  it("state keeps the reference, never the value; neither do the CLI's output nor pod's audit log", () => {
    const decrypted = ok("stack", "export", "--show-secrets");
    assert.ok(decrypted.includes(ref), "state holds the reference");
    assert.ok(!decrypted.includes(password), "state holds the resolved password");
    assert.ok(!ok("stack", "export").includes(password));
    const log = readFileSync(audit, "utf8");
    assert.ok(log.includes(guest.ip), "the audit log recorded the run");
    for (const text of [log, ...outputs]) assert.ok(!text.includes(password), "a log shows the resolved password");
  });

  it("a revoked token fails the next run with SECRET_DENIED and the fix; nothing runs on the guest", async () => {
    lab.vault(["token", "revoke", env.VAULT_TOKEN ?? ""]);
    ok("config", "set", "trigger", "revoked");
    const r = pulumi("up", "--yes", "--skip-preview");
    outputs.push(r.out);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /SECRET_DENIED/);
    assert.match(r.out, /revoked or expired/);
    assert.ok(!r.out.includes(password) && !r.out.includes(env.VAULT_TOKEN ?? "-"), "the error shows a secret");
    const again = await guest.run(["sh", "-c", `ls /tmp | grep -c ${marker}`]);
    assert.equal(again.stdout.trim(), "1", "only the first run's file is on the guest");
  });

  it("a deleted secret fails with SECRET_NOT_FOUND naming the deletion and how to undo it", () => {
    env.VAULT_TOKEN = lab.readToken(`pod-test-${id}`, [`kv/data/${kvPath}`]);
    lab.vault(["kv", "delete", `kv/${kvPath}`]);
    ok("config", "set", "trigger", "deleted");
    const r = pulumi("up", "--yes", "--skip-preview");
    outputs.push(r.out);
    assert.notEqual(r.status, 0);
    assert.match(r.out, /SECRET_NOT_FOUND/);
    assert.match(r.out, /was deleted at/);
    assert.match(r.out, /vault kv undelete/);
    assert.ok(!r.out.includes(password));
  });
});
