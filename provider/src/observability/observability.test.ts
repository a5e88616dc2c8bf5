import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Registry } from "prom-client";
import { PodError } from "../common/errors";
import { Secret } from "../common/secret";
import { AuditLog } from "./audit-log";
import { createPodMetrics } from "./metrics";

const record = (over: Record<string, unknown> = {}) => ({
  time: "2026-01-01T00:00:00.000Z",
  actor: "t",
  target: "10.0.0.5:22",
  transport: "ssh" as const,
  action: "true",
  exitCode: 0,
  success: true,
  timedOut: false,
  durationMs: 120,
  correlationId: "c1",
  ...over,
});

describe("observability", () => {
  it("counts commands, failures by code, SOAP calls, into the caller's registry", async () => {
    const registry = new Registry();
    const m = createPodMetrics(registry);
    m.observeCommand(record());
    m.observeCommand(record({ success: false, exitCode: 2 }));
    m.observeCommand(record({ success: false, exitCode: null, error: { code: "UNREACHABLE", message: "x" } }));
    m.observeSoap({ method: "Login", durationMs: 5 });
    m.observeSoap({ method: "Login", durationMs: 5, error: new PodError("INVALID_LOGIN", "no") });
    m.addPoolSource(() => [{ target: "h:22", transport: "ssh", stats: { openConnections: 2, busyChannels: 1 } }]);
    const text = await registry.metrics();
    assert.match(text, /^pod_commands_total\{transport="ssh",outcome="success"\} 1$/m);
    assert.match(text, /^pod_commands_total\{transport="ssh",outcome="failure"\} 2$/m);
    assert.match(text, /^pod_command_failures_total\{code="COMMAND_FAILED"\} 1$/m);
    assert.match(text, /^pod_command_failures_total\{code="UNREACHABLE"\} 1$/m);
    assert.match(text, /^pod_soap_calls_total\{method="Login",outcome="INVALID_LOGIN"\} 1$/m);
    assert.match(text, /^pod_pool_open_connections\{target="h:22",transport="ssh"\} 2$/m);
    assert.match(text, /^pod_command_duration_seconds_count\{transport="ssh"\} 3$/m);
  });

  it("counts pool reconnects and failures as they happen; pool sizes stay gauges", async () => {
    const registry = new Registry();
    const m = createPodMetrics(registry);
    let stats = { openConnections: 1, reconnects: 7, failures: 7 };
    m.addPoolSource(() => [{ target: "h:22", transport: "ssh", stats }]);
    m.observePoolEvent({ transport: "ssh", target: "h:22", kind: "reconnect" });
    m.observePoolEvent({ transport: "ssh", target: "h:22", kind: "reconnect" });
    m.observePoolEvent({ transport: "winrm", target: "w:5985", kind: "failure" });
    const text = await registry.metrics();
    assert.match(text, /^# TYPE pod_pool_reconnects_total counter$/m);
    assert.match(text, /^pod_pool_reconnects_total\{target="h:22",transport="ssh"\} 2$/m);
    assert.match(text, /^pod_pool_failures_total\{target="w:5985",transport="winrm"\} 1$/m);
    assert.doesNotMatch(
      text,
      /^pod_pool_failures_total\{target="h:22"/m,
      "pool counters are not copied at scrape time",
    );
    // A pool that closed (its source gone) keeps what it counted.
    stats = { openConnections: 0, reconnects: 0, failures: 0 };
    assert.match(await registry.metrics(), /^pod_pool_reconnects_total\{target="h:22",transport="ssh"\} 2$/m);
    assert.match(await registry.metrics(), /^pod_pool_open_connections\{target="h:22",transport="ssh"\} 0$/m);
  });

  it("writes one JSON line per record, secrets redacted at any depth", async () => {
    const secret = new Secret("unit-Audit-Secret-55");
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (c: Buffer) => {
      text += c;
    });
    const log = new AuditLog(stream);
    log.record(record({ action: `echo ${secret.reveal()}` }));
    log.change({ ...record(), action: "vm.created", result: "ok", details: { nested: [`pw=${secret.reveal()}`] } });
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.kind, l.action]),
      [
        ["command", "echo ***"],
        ["change", "vm.created"],
      ],
    );
    assert.deepEqual(lines[1].details, { nested: ["pw=***"] });
    assert.ok(!text.includes(secret.reveal()));
  });

  it("creates the audit file 0600, and tightens an existing one", () => {
    const dir = mkdtempSync(join(tmpdir(), "pod-audit-mode-"));
    try {
      const fresh = join(dir, "sub", "audit.jsonl");
      const log = new AuditLog(fresh);
      log.record(record());
      log.close();
      assert.equal(statSync(fresh).mode & 0o777, 0o600);
      assert.match(readFileSync(fresh, "utf8"), /"kind":"command"/);

      const old = join(dir, "old.jsonl");
      writeFileSync(old, "", { mode: 0o644 });
      new AuditLog(old).close();
      assert.equal(statSync(old).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
