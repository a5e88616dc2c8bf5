import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listNamed } from "../../provider/src/vsphere/finder";
import { destroyVm } from "../../provider/src/vsphere/vm-ops";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { installPodInto, onStack, PulumiCli } from "../support/pulumi-cli";
import { labSession } from "../support/vsphere";

const repo = join(__dirname, "../..");

async function vmExists(name: string): Promise<boolean> {
  const session = await labSession();
  try {
    return (await listNamed(session, "VirtualMachine")).some((v) => v.name === name);
  } finally {
    await session.close();
  }
}

async function sweepVm(name: string): Promise<void> {
  const session = await labSession();
  try {
    const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === name);
    if (vm) await destroyVm(session, vm.ref, 5_000).catch(() => undefined);
  } finally {
    await session.close();
  }
}
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The pod CLI as a user runs it. */
function pod(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  const tsNode = join(repo, "node_modules/.bin/ts-node");
  return new Promise((resolve) => {
    execFile(
      tsNode,
      ["--transpile-only", join(repo, "provider/src/cli/main.ts"), ...args],
      { env: { ...process.env, ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, out: `${stdout}\n${stderr}` });
      },
    );
  });
}

/**
 * Issue 12: a PodCommand with a secret argv word, a secret environment value
 * and secret stdin, through the real Pulumi CLI and the pod CLI. None of the
 * three values may appear in `pulumi stack export`, the audit log, the
 * output of `pulumi preview --diff` and `pulumi up` (a failing run included,
 * whose stderr echoes them), or the pod CLI's output; the audit file is 0600.
 */
describe("lab: secrets in commands never leave the guest in clear", function () {
  this.timeout(600_000);
  const lab = requireLab();
  const id = randomBytes(4).toString("hex");
  const stack = `secrets${id}`;
  // The argv secret is 3 characters: too short for text scrubbing, so only the marker can hide it.
  // "~" and "^" never occur in base64 ciphertext or Pulumi's output, so a hit is a real leak.
  const argSecret = `~${String.fromCharCode(65 + ((randomBytes(1)[0] ?? 0) % 26))}^`;
  const envSecret = `env-Secret-${id}-Qz`;
  const stdinSecret = `stdin-Secret-${id}-Qz`;
  // PodVm extraConfig given as a plain string: still never in state or output in clear.
  const userdataSecret = `ud-Secret-${id}-Qz`;
  const vmName = `pod-secrets-${id}`;
  const secrets = [argSecret, envSecret, stdinSecret, userdataSecret];
  const dir = mkdtempSync(join(tmpdir(), "pod-secrets-"));
  const auditLog = join(dir, "audit.jsonl");
  const fixture = join(repo, "test/fixtures/secret-command");
  const cli = new PulumiCli(fixture, { PULUMI_STACK: "" });
  let guest: GuestContainer;
  const seen: Record<string, string> = {};

  const leaks = (text: string) => secrets.filter((s) => text.includes(s));
  const noLeak = (what: string, text: string) => {
    seen[what] = text;
    const at = leaks(text).map((s) => text.slice(Math.max(0, text.indexOf(s) - 300), text.indexOf(s) + 40));
    assert.deepEqual(at, [], `${what} shows a secret`);
  };
  const { pulumi, ok } = onStack(cli, stack);

  before(async () => {
    installPodInto(repo, fixture);
    guest = await startGuest();
    cli.ok("stack", "init", stack);
    ok("config", "set", "host", guest.ip);
    ok("config", "set", "hostKeys", JSON.stringify(guest.fingerprints));
    ok("config", "set", "pod:auditLog", auditLog);
    ok("config", "set", "--secret", "guestPassword", guest.password);
    ok("config", "set", "--secret", "argSecret", argSecret);
    ok("config", "set", "--secret", "envSecret", envSecret);
    ok("config", "set", "--secret", "stdinSecret", stdinSecret);
    ok("config", "set", "vmName", vmName);
    ok("config", "set", "userdataId", id); // the program builds `ud-Secret-<id>-Qz` (see index.js)
    ok("config", "set", "pod:vsphereHost", lab.vsphereHost);
    ok("config", "set", "pod:vsphereUser", lab.vsphereUser);
    ok("config", "set", "pod:vsphereCaFile", lab.caFile);
    ok("config", "set", "--secret", "pod:vspherePassword", lab.vspherePassword);
  });

  after(async () => {
    pulumi("destroy", "--yes", "--skip-preview");
    cli.run("stack", "rm", "--yes", "--force", stack);
    await sweepVm(vmName); // when a failed test left the destroy undone
    await guest?.remove();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cli.backend, { recursive: true, force: true });
  });

  it("pulumi up delivers all three to the guest and shows none of them", () => {
    noLeak("pulumi up", ok("up", "--yes", "--skip-preview"));
    const outputs = JSON.parse(ok("stack", "output", "--json").replace(/^[^{]*/, "")) as { stdout: string };
    const hashes = outputs.stdout.split("\n").map((l) => l.split(" ")[0]);
    assert.deepEqual(hashes, [sha256(envSecret), sha256(argSecret), sha256(stdinSecret)], "the guest got each value");
  });

  it("pulumi stack export holds them only encrypted, PodVm extraConfig and observedExtraConfig included", async () => {
    const exported = ok("stack", "export");
    noLeak("stack export", exported);
    assert.match(exported, /"plain-value"/, "the plain env value is there: the export is the real one");
    const vm = (JSON.parse(exported).deployment.resources as { type: string; outputs: Record<string, unknown> }[]).find(
      (r) => r.type.endsWith("pod:PodVm"),
    );
    assert.ok(vm, "the PodVm is in the export");
    for (const key of ["extraConfig", "observedExtraConfig"]) {
      assert.equal(
        (vm.outputs[key] as Record<string, unknown>)?.["4dabf18193072939515e22adb298388d"],
        "1b47061264138c4ac30d75fd1eb44270",
        `${key} is a secret in state`,
      );
    }
    assert.ok(await vmExists(vmName), "the VM is real in vcsim");
  });

  it("pulumi preview --diff of a changed command shows them as [secret]", () => {
    ok("config", "set", "fail", "true");
    const diff = ok("preview", "--diff");
    noLeak("preview --diff", diff);
    assert.match(diff, /\[secret\]/);
  });

  it("a failing pulumi up withholds the stderr that echoes them", () => {
    const failed = pulumi("up", "--yes", "--skip-preview");
    assert.notEqual(failed.status, 0);
    noLeak("failing pulumi up", failed.out);
    assert.match(failed.out, /exited 3 .*stderr \(2 lines\) is withheld: the output is secret/);
    ok("config", "rm", "fail");
  });

  it("the audit log is 0600, records the commands with *** and holds none of them", () => {
    const text = readFileSync(auditLog, "utf8");
    noLeak("audit log", text);
    assert.equal(statSync(auditLog).mode & 0o777, 0o600);
    const commands = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; action: string; correlationId: string })
      .filter((r) => r.kind === "command" && r.action.startsWith("sh -c"));
    assert.equal(commands.length, 2, "the good run and the failing one");
    for (const r of commands) {
      assert.match(r.action, / pod \*\*\*$/);
      assert.match(r.correlationId, /PodCommand::secret-command$/);
    }
  });

  it("the pod CLI, given the same secrets through its environment, shows none of them", async () => {
    const cliAudit = join(dir, "cli-audit.jsonl");
    const script = 'printf %s "$POD_ENV_SECRET" | sha256sum; printf %s "$1" | sha256sum; sha256sum';
    const env = {
      POD_GUEST_USER: "pod",
      POD_GUEST_PASSWORD: guest.password,
      SSH_AUTH_SOCK: "",
      HOME: "/nonexistent-pod-home",
      POD_ENV_SECRET: envSecret,
      ARG_SECRET: argSecret,
      STDIN_SECRET: stdinSecret,
    };
    const flags = ["--host-key-policy", "insecure", "--audit-log", cliAudit];
    const secretFlags = ["--secret-env", "POD_ENV_SECRET", "--secret-stdin", "STDIN_SECRET"];
    const target = `pod@${guest.ip}`;
    const json = await pod(
      ["--json", ...flags, "exec", ...secretFlags, target, "--", "sh", "-c", script, "pod", "{secret:ARG_SECRET}"],
      env,
    );
    noLeak("pod exec --json", json.out);
    assert.equal(json.code, 0, json.out);
    const { results } = JSON.parse(json.out.slice(0, json.out.lastIndexOf("}") + 1)) as {
      results: { result: { stdout: string; command: string } }[];
    };
    assert.match(results[0]?.result.command ?? "", / pod \*\*\*$/);
    assert.deepEqual(
      results[0]?.result.stdout.split("\n").map((l) => l.split(" ")[0]),
      [sha256(envSecret), sha256(argSecret), sha256(stdinSecret)],
    );
    // A failing run in plain output: exit code and stderr of the guest command are the user's own output,
    // so the table form (two targets) is checked: pod's own rendering shows no secret.
    const table = await pod(
      [...flags, "exec", ...secretFlags, target, `docker:${guest.name}`, "--", "false", "{secret:ARG_SECRET}"],
      env,
    );
    noLeak("pod exec table", table.out);
    assert.match(table.out, /0\/2 succeeded/);
    const audit = readFileSync(cliAudit, "utf8");
    noLeak("pod CLI audit log", audit);
    assert.equal(statSync(cliAudit).mode & 0o777, 0o600);
    assert.match(audit, /"action":"false \*\*\*"/);
  });
});
