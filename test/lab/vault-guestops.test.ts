import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PodClient } from "../../provider/src/client/pod-client";
import type { PodCommandInputs } from "../../provider/src/resources/pod-command/args";
import { PodCommandProvider } from "../../provider/src/resources/pod-command/provider";
import { requireLab } from "../support/lab-env";
import { createLabVm, type LabVm } from "../support/lab-vm";
import { type LabVault, requireVault } from "../support/vault";

/**
 * Issue 17: a guest-operations target carries its own vSphere connection, and
 * its password may be a `vault:` reference like every other. The PodCommand
 * provider (as `pulumi up` drives it, configured with pod:vault* and an audit
 * log) and PodClient run a command through VMware Tools with vcsim's password
 * read from the lab's Vault at use: vcsim accepts only the real password, so
 * the command running proves the value was read; the outputs and the audit
 * log hold the reference, never the value.
 */
describe("lab: vault: reference as a guestops target's own vSphere password", function () {
  this.timeout(300_000);
  const lab = requireLab();
  const id = randomBytes(4).toString("hex");
  const kvPath = `pod-test-${id}/vcenter`;
  const ref = `vault:kv/data/${kvPath}#password`;
  const wrongRef = `vault:kv/data/${kvPath}#wrong`;
  const marker = `pod-vault-gops-${id}`;
  let vault: LabVault;
  let vm: LabVm | undefined;
  let dir: string;
  let audit: string;
  let config: Record<string, string>;
  const commands = new PodCommandProvider();
  const seen: string[] = [];

  const target = (password: string) => ({
    transport: "guestops" as const,
    vmId: vm?.ref.value ?? "",
    user: "pod",
    password: "pod",
    vsphere: { host: lab.vsphereHost, user: lab.vsphereUser, password, caFile: lab.caFile },
  });
  const configure = (values: Record<string, string>) =>
    commands.configure({ config: { get: (key: string) => values[key] } } as never);

  before(async () => {
    vault = requireVault();
    // The secret holds vcsim's real password and, as a second field, a wrong one.
    vault.vault(["kv", "put", `kv/${kvPath}`, `password=${lab.vspherePassword}`, "wrong=not-the-password"]);
    const token = vault.readToken(`pod-test-${id}`, [`kv/data/${kvPath}`]);
    dir = await mkdtemp(join(tmpdir(), "pod-vault-gops-"));
    audit = join(dir, "audit.jsonl");
    config = { "pod:auditLog": audit, "pod:vaultToken": token, "pod:vaultAddress": vault.address };
    config["pod:vaultCaFile"] = vault.caFile;
    await configure(config);
    vm = await createLabVm({ prefix: "vgops", waitFor: "ip" });
  });

  after(async () => {
    await configure({}); // audit off again for the tests after this one
    await vm?.remove();
    await rm(dir, { recursive: true, force: true });
    vault?.vault(["kv", "metadata", "delete", `kv/${kvPath}`]);
    vault?.vault(["policy", "delete", `pod-test-${id}`]);
  });

  it("PodCommand: runs over guest operations with the vSphere password Vault holds", async () => {
    const inputs = {
      target: target(ref),
      create: `printf %s ${marker} > /tmp/${marker}; echo ran`,
      pulumiUrn: "urn:pulumi:lab::pod::pulumi-nodejs:dynamic/pod:PodCommand::vault-gops",
    } as PodCommandInputs;
    const created = await commands.create(inputs);
    seen.push(JSON.stringify(created.outs));
    assert.equal(created.outs?.stdout, "ran");
    const container = execFileSync("docker", ["ps", "-q", "--filter", `name=vcsim-${vm?.name}-`], {
      encoding: "utf8",
    }).trim();
    assert.ok(container, "vcsim's container for the VM");
    const file = execFileSync("docker", ["exec", container, "cat", `/tmp/${marker}`], { encoding: "utf8" });
    assert.equal(file, marker, "the guest has the file the command wrote");
    assert.equal(created.outs?.target.vsphere?.password, ref, "the outputs keep the reference");
  });

  it("PodCommand: the value read is the one used (a field holding a wrong password is AUTH_FAILED from vcsim)", async () => {
    const inputs = { target: target(wrongRef), create: "echo never" } as PodCommandInputs;
    await assert.rejects(commands.create(inputs), (e: unknown) => {
      seen.push(String((e as Error).message), String((e as { fix?: string }).fix));
      assert.match(String((e as Error).message), /AUTH_FAILED|incorrect user name or password|login/i);
      return true;
    });
  });

  it("PodClient: exec on an object target whose vsphere block names the reference", async () => {
    const client = new PodClient({ config: { vaultToken: config["pod:vaultToken"] ?? "" }, env: process.env });
    try {
      const r = await client.executeCommand(target(ref), "echo client-ran");
      assert.equal(r.stdout.trim(), "client-ran");
      seen.push(JSON.stringify(r));
    } finally {
      await client.close();
    }
  });

  it("neither the audit log nor any output or error holds vcsim's password", async () => {
    const log = await readFile(audit, "utf8");
    assert.ok(log.includes(`vm:${vm?.ref.value}`), "the audit log recorded the run");
    for (const text of [log, ...seen]) {
      assert.ok(!text.includes(lab.vspherePassword), "vcsim's password appears in a record");
      assert.ok(!text.includes("not-the-password"));
    }
  });
});
