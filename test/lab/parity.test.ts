import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PodClient } from "../../provider/src/client";
import { Secret } from "../../provider/src/common/secret";
import { PodCommandProvider } from "../../provider/src/resources/pod-command/provider";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

const MAIN = join(__dirname, "../../provider/src/cli/main.ts");
const TS_NODE = join(__dirname, "../../node_modules/.bin/ts-node");

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TS_NODE,
      ["--transpile-only", MAIN, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (e, o, s) => resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, stdout: o, stderr: s }),
    );
  });
}

const readRecords = async (file: string) =>
  (await readFile(file, "utf8"))
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** What must agree between front-ends: the record's fields and what they say about the work. */
const shape = (r: Record<string, unknown>) => ({
  keys: Object.keys(r)
    .filter((k) => k !== "level")
    .sort(),
  same: [r.kind, r.target, r.transport, r.os, r.action, r.exitCode, r.success, r.timedOut],
});

/**
 * Issue 11: PodClient, the `pod` CLI and the PodCommand resource are front-ends
 * over one engine: the same command on the same guest gives the same OS
 * classification and the same audit record (fields and content), whichever
 * front-end ran it.
 */
describe("lab: one engine behind PodClient, the CLI and the resources", function () {
  this.timeout(180_000);
  requireLab();
  const password = `pod-Parity-${process.pid}-Pw3`;
  let guest: GuestContainer;
  let dir: string;

  before(async () => {
    guest = await startGuest({ password });
    dir = await mkdtemp(join(tmpdir(), "pod-parity-"));
  });
  after(async () => {
    await guest?.remove();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("the same OS and the same command record through all three", async () => {
    const command = "uname -s";
    // PodClient
    const clientLog = join(dir, "client.jsonl");
    const client = new PodClient({
      guest: { username: "pod", password: new Secret(password) },
      agent: false,
      keyFiles: [],
      hostKeyPolicy: "insecure",
      audit: clientLog,
    });
    const viaClient = await client.executeCommand(guest.ip, command);
    const clientOs = await client.detectOs(guest.ip);
    await client.close();

    // The CLI, as a user runs it
    const cliLog = join(dir, "cli.jsonl");
    const env = { POD_GUEST_USER: "pod", POD_GUEST_PASSWORD: password, SSH_AUTH_SOCK: "", HOME: "/nonexistent-pod" };
    const flags = ["--json", "--host-key-policy", "insecure", "--audit-log", cliLog];
    const ran = await cli([...flags, "exec", guest.ip, "--", command], env);
    assert.equal(ran.code, 0, ran.stderr);
    const detected = await cli([...flags, "detect", guest.ip], env);
    assert.equal(detected.code, 0, detected.stderr);
    const cliOs = JSON.parse(detected.stdout) as Record<string, unknown>;

    // The resource provider, configured as `pulumi up` would configure it
    const resourceLog = join(dir, "resource.jsonl");
    const provider = new PodCommandProvider();
    await provider.configure({ config: { get: (k: string) => ({ "pod:auditLog": resourceLog })[k] } } as never);
    const target = { host: guest.ip, user: "pod", password, hostKeyPolicy: "insecure" as const };
    const created = await provider.create({ target, create: command });
    assert.ok(created.outs);
    await provider.configure({ config: { get: () => undefined } } as never); // audit off again

    // The same classification, in the same vocabulary.
    const os = (o: { type: unknown; family: unknown; distribution: unknown; version: unknown }) => [
      o.type,
      o.family,
      o.distribution,
      o.version,
    ];
    assert.deepEqual(os(clientOs), ["linux", "debian", "debian", "12"]);
    assert.deepEqual(os(cliOs as never), os(clientOs));
    assert.deepEqual(os(created.outs.os), os(clientOs));
    assert.deepEqual([viaClient.stdout, created.outs.stdout], ["Linux", "Linux"]);

    // The same audit record, field for field, for the same work.
    const pick = async (file: string) => {
      const records = (await readRecords(file)).filter((r) => r.kind === "command" && r.action === `sh: ${command}`);
      assert.equal(records.length, 1, `${file}: ${JSON.stringify(records)}`);
      return records[0] as Record<string, unknown>;
    };
    const [a, b, c] = await Promise.all([pick(clientLog), pick(cliLog), pick(resourceLog)]);
    assert.deepEqual(shape(b), shape(a), "CLI vs PodClient");
    assert.deepEqual(shape(c), shape(a), "resource vs PodClient");
    assert.deepEqual(shape(a).same, ["command", guest.ip, "ssh", "linux", `sh: ${command}`, 0, true, false]);
    assert.deepEqual(
      [a.actor, b.actor, c.actor].map((actor) => String(actor).split(":")[0]),
      ["pod", "cli", "pulumi"],
      "only who acted differs",
    );
  });
});
