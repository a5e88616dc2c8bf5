import assert from "node:assert/strict";
import { Secret } from "../../provider/src/common/secret";
import { DockerExecConnection } from "../../provider/src/connections/docker";
import { SshConnection } from "../../provider/src/connections/ssh";
import type { GuestConnection } from "../../provider/src/connections/types";
import { CommandExecutor } from "../../provider/src/execution/executor";
import { type IpLink } from "../../provider/src/execution/parsers";
import { MemoryAuditSink } from "../../provider/src/observability/audit-record";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { closedLoopbackPort } from "../support/ports";

describe("lab: command executor over real guests", function () {
  this.timeout(90_000);
  requireLab();
  let debian: GuestContainer;
  let rocky: GuestContainer;
  let debianSsh: SshConnection;
  let rockyDocker: DockerExecConnection;
  const connections: GuestConnection[] = [];
  const audit = new MemoryAuditSink();
  const executor = new CommandExecutor({ audit, actor: "lab-test", maxPerHost: 4, maxConcurrent: 8 });

  before(async () => {
    [debian, rocky] = await Promise.all([startGuest(), startGuest({ image: "pod-guest-rocky:9" })]);
    debianSsh = new SshConnection({
      host: debian.ip,
      username: debian.user,
      password: new Secret(debian.password),
      hostKey: { fingerprints: debian.fingerprints },
    });
    rockyDocker = new DockerExecConnection({ container: rocky.name });
    connections.push(debianSsh, rockyDocker);
  });
  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await Promise.all([debian?.remove(), rocky?.remove()]);
  });

  it("runs argv with metacharacters literally and parses output (ip-json, os-release)", async () => {
    const echo = await executor.run({ connection: debianSsh }, ["printf", "%s|", "a b", "$HOME", "; rm -rf /", "`id`"]);
    assert.equal(echo.stdout, "a b|$HOME|; rm -rf /|`id`|");
    assert.equal(echo.os, "linux");

    const links = await executor.run<IpLink[]>({ connection: debianSsh }, ["ip", "-j", "addr"], { parser: "ip-json" });
    const eth0 = links.data?.find((l) => l.ifname === "eth0");
    assert.equal(eth0?.addresses.find((a) => a.family === "inet")?.local, debian.ip);

    const release = await executor.run<Record<string, string>>(
      { connection: rockyDocker },
      ["cat", "/etc/os-release"],
      {
        parser: "os-release",
      },
    );
    assert.equal(release.data?.ID, "rocky");
    assert.equal(release.os, "rocky-container");
    assert.equal(release.transport, "docker");
  });

  it("runs scripts for a named shell, with env and cwd; a non-zero exit is data", async () => {
    const result = await executor.run(
      { connection: debianSsh },
      { script: 'set -u\necho "$((6 * 7)) $POD_GREETING $(pwd)"\n[[ -n "bash only" ]] && exit 3', shell: "bash" },
      { env: { POD_GREETING: new Secret("hello-secret-value") }, cwd: "/var" },
    );
    assert.equal(result.stdout, "42 hello-secret-value /var");
    assert.equal(result.exitCode, 3);
    assert.equal(result.success, false);
    const accepted = await executor.run({ connection: debianSsh }, ["sh", "-c", "exit 3"], { acceptExitCodes: [0, 3] });
    assert.equal(accepted.success, true);
  });

  it("times a command out: not a success, and gone from the guest", async () => {
    const result = await executor.run({ connection: debianSsh }, ["sleep", "5171"], { timeoutMs: 1000 });
    assert.deepEqual([result.timedOut, result.success, result.exitCode], [true, false, null]);
    const { stdout } = await debian.run(["ps", "-eo", "args"]);
    assert.ok(!stdout.includes("sleep 5171"));
  });

  it("a batch over 3 guests with one unreachable keeps all 3 results", async () => {
    const unreachable = new SshConnection({
      host: "127.0.0.1",
      port: await closedLoopbackPort(),
      username: "pod",
      password: "irrelevant",
      hostKey: { policy: "strict", fingerprints: debian.fingerprints },
      dialErrorLimit: 2,
      dialBackoff: { baseDelayMs: 50, maxDelayMs: 100 },
    });
    connections.push(unreachable);
    const before = audit.records.length;
    const entries = await executor.runBatch(
      [
        { connection: debianSsh, name: "debian" },
        { connection: unreachable, name: "nowhere", os: "linux" },
        { connection: rockyDocker, name: "rocky" },
      ],
      ["uname", "-s"],
      { correlationId: "batch-1" },
    );
    assert.deepEqual(
      entries.map((e) => [e.target, e.ok]),
      [
        ["debian", true],
        ["nowhere", false],
        ["rocky", true],
      ],
    );
    for (const e of entries) {
      if (e.ok) assert.equal(e.result.stdout, "Linux");
      else {
        assert.equal(e.error.code, "UNREACHABLE");
        assert.match(e.error.message, /127\.0\.0\.1/);
      }
    }
    const records = audit.records.slice(before);
    assert.equal(records.length, 3, "one audit record per target");
    assert.ok(records.every((r) => r.correlationId === "batch-1" && r.actor === "lab-test" && r.action === "uname -s"));
    assert.equal(records.find((r) => r.target === "nowhere")?.error?.code, "UNREACHABLE");
    assert.ok(!JSON.stringify(audit.records).includes("hello-secret-value"), "secrets are redacted in the audit trail");
  });

  it("runs 50 commands over two guests within the limits", async () => {
    const targets = Array.from({ length: 50 }, (_, i) => ({
      connection: i % 2 ? debianSsh : rockyDocker,
      name: `${i % 2 ? "debian" : "rocky"}-${i}`,
    }));
    const entries = await executor.runBatch(targets, ["sh", "-c", "sleep 0.1; echo ok"]);
    assert.equal(entries.length, 50);
    assert.ok(entries.every((e) => e.ok && e.result.stdout === "ok"));
  });
});
