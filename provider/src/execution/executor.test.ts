import assert from "node:assert/strict";
import { withStepSignal } from "../common/cancel";
import { isPodError, PodError } from "../common/errors";
import { Secret, secret } from "../common/secret";
import type { TransportKind } from "../common/transport";
import type { ConnectionHealth, ExecOptions, GuestConnection, RawExecResult } from "../connections/types";
import { MemoryAuditSink } from "../observability/audit-record";
import type { OsInfo } from "../os/types";
import { commandKey, hasSecretParts } from "./command";
import { CommandExecutor } from "./executor";

const DEBIAN: OsInfo = {
  type: "linux",
  family: "debian",
  distribution: "debian",
  version: "12",
  container: false,
  tools: ["ip"],
};

/** An in-memory guest: answers by a function, records what it was asked. */
class FakeConnection implements GuestConnection {
  readonly seen: { command: string; options: ExecOptions }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    readonly target: string,
    readonly answer: (command: string) => Partial<RawExecResult> | Error,
    readonly transport: TransportKind = "ssh",
    readonly delayMs = 0,
  ) {}
  async exec(command: string, options: ExecOptions = {}): Promise<RawExecResult> {
    this.seen.push({ command, options });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const a = this.answer(command);
      if (a instanceof Error) throw a;
      return { stdout: "", stderr: "", exitCode: 0, timedOut: false, durationMs: 1, ...a };
    } finally {
      this.inFlight--;
    }
  }
  async putFile(): Promise<void> {}
  async getFile(): Promise<Buffer> {
    return Buffer.alloc(0);
  }
  async health(): Promise<ConnectionHealth> {
    return { transport: this.transport, target: this.target, reachable: true };
  }
  async close(): Promise<void> {}
}

describe("execution/executor", () => {
  it("quotes argv with the OS handler and normalizes the result", async () => {
    const conn = new FakeConnection("g1:22", () => ({ stdout: '{"ok":true}\n', stderr: "warn\n", exitCode: 0 }));
    const result = await new CommandExecutor().run({ connection: conn, os: DEBIAN }, ["echo", "a b", "$X"], {
      parser: "json",
    });
    assert.equal(conn.seen[0]?.command, "echo 'a b' '$X'");
    assert.deepEqual(
      { ...result, durationMs: 0 },
      {
        command: "echo a b $X",
        host: "g1:22",
        transport: "ssh",
        os: "linux",
        stdout: '{"ok":true}',
        stderr: "warn",
        exitCode: 0,
        success: true,
        timedOut: false,
        durationMs: 0,
        data: { ok: true },
      },
    );
  });

  it("treats a non-zero exit as data, success per accepted codes", async () => {
    const conn = new FakeConnection("g1:22", () => ({ exitCode: 3, stderr: "nope" }));
    const executor = new CommandExecutor();
    const failed = await executor.run({ connection: conn, os: DEBIAN }, ["false"], { parser: "json" });
    assert.equal(failed.success, false);
    assert.equal(failed.exitCode, 3);
    assert.equal(failed.data, undefined, "no parsing of a failed command");
    const accepted = await executor.run({ connection: conn, os: DEBIAN }, ["false"], { acceptExitCodes: [0, 3] });
    assert.equal(accepted.success, true);
    const timedOut = await executor.run(
      { connection: new FakeConnection("g", () => ({ exitCode: null, timedOut: true })), os: DEBIAN },
      ["sleep", "9"],
    );
    assert.equal(timedOut.success, false);
    assert.equal(timedOut.timedOut, true);
  });

  it("detects the OS once per connection, and refuses an unknown OS before running anything", async () => {
    const probeOnly = new FakeConnection("weird:22", () => ({ stdout: "what?", exitCode: 1 }));
    const executor = new CommandExecutor();
    await assert.rejects(executor.run({ connection: probeOnly }, ["rm", "-rf", "/tmp/x"]), (e) =>
      isPodError(e, "OS_UNKNOWN"),
    );
    assert.equal(probeOnly.seen.length, 2, "two probes (POSIX, Windows), and not the command");
    assert.ok(probeOnly.seen.every((s) => !s.command.includes("/tmp/x")));

    const debian = new FakeConnection("deb:22", (command) =>
      command.startsWith("sh -c")
        ? { stdout: "POD_PROBE=1\nOSR_ID=debian\nOSR_VERSION_ID=12\nUNAME=Linux 6.1 x86_64\nTOOL=ip\n" }
        : { stdout: "ok" },
    );
    await executor.run({ connection: debian }, ["true"]);
    await executor.run({ connection: debian }, ["true"]);
    assert.equal(debian.seen.filter((s) => s.command.startsWith("sh -c")).length, 1, "one probe for two commands");
    assert.deepEqual((await executor.osOf({ connection: debian })).family, "debian");
  });

  it("an OS remembered for a connection spares its probe; a detected one is not overwritten", async () => {
    const executor = new CommandExecutor();
    const guest = new FakeConnection("g:22", () => ({ stdout: "ok" }));
    executor.rememberOs(guest, DEBIAN);
    await executor.run({ connection: guest }, ["true"]);
    assert.deepEqual(
      guest.seen.map((s) => s.command),
      ["true"],
      "no probe ran",
    );
    executor.rememberOs(guest, { ...DEBIAN, family: "rhel" });
    assert.equal((await executor.osOf({ connection: guest })).family, "debian");
  });

  it("keeps every target in a batch, failures as error entries", async () => {
    const ok = new FakeConnection("ok:22", () => ({ stdout: "hi" }));
    const down = new FakeConnection(
      "down:22",
      () => new PodError("UNREACHABLE", "down:22 is unreachable", { fix: "boot it" }),
    );
    const boom = new FakeConnection("boom:22", () => new Error("socket hang up"));
    const entries = await new CommandExecutor().runBatch(
      [ok, down, boom].map((connection) => ({ connection, os: DEBIAN })),
      ["echo", "hi"],
    );
    assert.deepEqual(
      entries.map((e) => [e.target, e.ok, e.ok ? e.result.stdout : e.error.code]),
      [
        ["ok:22", true, "hi"],
        ["down:22", false, "UNREACHABLE"],
        ["boom:22", false, "INTERNAL"],
      ],
    );
    const downEntry = entries[1];
    assert.ok(downEntry && !downEntry.ok && downEntry.error.fix === "boot it");
  });

  it("yields batch entries as they finish (runEach)", async () => {
    const slow = new FakeConnection("slow", () => ({ stdout: "slow" }), "ssh", 50);
    const fast = new FakeConnection("fast", () => ({ stdout: "fast" }));
    const order: string[] = [];
    for await (const e of new CommandExecutor().runEach(
      [slow, fast].map((connection) => ({ connection, os: DEBIAN })),
      ["x"],
    )) {
      order.push(e.target);
    }
    assert.deepEqual(order, ["fast", "slow"]);
  });

  it("limits concurrency per host and overall", async () => {
    const a = new FakeConnection("a", () => ({}), "ssh", 20);
    const b = new FakeConnection("b", () => ({}), "ssh", 20);
    const executor = new CommandExecutor({ maxPerHost: 2, maxConcurrent: 3 });
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, a.inFlight + b.inFlight)), 1);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => executor.run({ connection: i % 2 ? a : b, os: DEBIAN }, ["true"])),
    );
    clearInterval(timer);
    assert.ok(a.maxInFlight <= 2 && b.maxInFlight <= 2, `per host: ${a.maxInFlight}, ${b.maxInFlight}`);
    assert.ok(peak <= 3, `overall: ${peak}`);
  });

  it("writes one redacted audit record per command, failures included", async () => {
    const audit = new MemoryAuditSink();
    const token = new Secret("s3cr3t-token-value");
    const conn = new FakeConnection("g:22", () => ({ exitCode: 2 }));
    const executor = new CommandExecutor({ audit, actor: "ci-bot" });
    await executor.run({ connection: conn, os: DEBIAN }, ["curl", "-H", `Authorization: ${token.reveal()}`], {
      env: { TOKEN: token },
      correlationId: "corr-1",
    });
    assert.equal(conn.seen[0]?.options.env?.TOKEN, "s3cr3t-token-value", "the guest gets the value");
    const failing = new FakeConnection("f:22", () => new PodError("AUTH_FAILED", "login refused"));
    await assert.rejects(executor.run({ connection: failing, os: DEBIAN }, ["id"], { correlationId: "corr-2" }));

    assert.equal(audit.records.length, 2);
    const [first, second] = audit.records;
    assert.deepEqual(
      { ...first, time: "t", durationMs: 0 },
      {
        time: "t",
        actor: "ci-bot",
        target: "g:22",
        transport: "ssh",
        os: "linux",
        action: "curl -H Authorization: ***",
        exitCode: 2,
        success: false,
        timedOut: false,
        durationMs: 0,
        correlationId: "corr-1",
      },
    );
    assert.ok(!JSON.stringify(audit.records).includes("s3cr3t"));
    assert.equal(second?.error?.code, "AUTH_FAILED");
    assert.equal(second?.correlationId, "corr-2");
  });

  it("redacts Secret argv words and scripts by marker, however short, and reveals them only to the guest", async () => {
    const audit = new MemoryAuditSink();
    const conn = new FakeConnection("g:22", () => ({ exitCode: 0 }));
    const executor = new CommandExecutor({ audit });
    const short = secret("ab7"); // too short for text scrubbing; the marker still hides it
    const result = await executor.run({ connection: conn, os: DEBIAN }, ["login", "--pin", short, "ab7-plain"], {
      stdin: secret("in9"),
    });
    assert.equal(conn.seen[0]?.command, "login --pin ab7 ab7-plain");
    assert.equal(conn.seen[0]?.options.stdin, "in9");
    assert.equal(result.command, "login --pin *** ab7-plain", "a plain word equal to nothing secret stays");
    assert.equal(audit.records[0]?.action, "login --pin *** ab7-plain");

    await executor.run({ connection: conn, os: DEBIAN }, { script: secret("echo pw=x9\nmore"), shell: "sh" });
    assert.equal(conn.seen[1]?.command, "sh -c 'echo pw=x9\nmore'");
    assert.equal(audit.records[1]?.action, "sh: ***");
    assert.ok(!JSON.stringify(audit.records).includes("x9"));
  });

  it("tells secret commands apart in cache keys without holding their values", () => {
    const a = commandKey(["mysql", secret("one-pw")]);
    assert.notEqual(a, commandKey(["mysql", secret("two-pw")]));
    assert.equal(a, commandKey(["mysql", secret("one-pw")]));
    assert.ok(!a.includes("one-pw"));
    assert.equal(hasSecretParts(["a", secret("b")]), true);
    assert.equal(hasSecretParts({ script: "echo", shell: "sh" }), false);
  });

  it("does not fail a command because the audit sink throws", async () => {
    const executor = new CommandExecutor({
      audit: {
        record() {
          throw new Error("disk full");
        },
      },
    });
    const result = await executor.run({ connection: new FakeConnection("g", () => ({})), os: DEBIAN }, ["true"]);
    assert.equal(result.success, true);
  });

  it("runs scripts for a named shell", async () => {
    const conn = new FakeConnection("g", () => ({}));
    const executor = new CommandExecutor();
    await executor.run({ connection: conn, os: DEBIAN }, { script: "set -e\necho 'x'", shell: "bash" });
    assert.equal(conn.seen[0]?.command, "bash -c 'set -e\necho '\\''x'\\'''");
    await assert.rejects(executor.run({ connection: conn, os: DEBIAN }, { script: "dir", shell: "cmd" }), (e) =>
      isPodError(e, "UNSUPPORTED"),
    );
  });
});

describe("execution/executor: cancellation", () => {
  it("hands the run's signal to the connection, and refuses to start once it has fired", async () => {
    const conn = new FakeConnection("g1:22", () => ({ stdout: "ok" }));
    const executor = new CommandExecutor();
    const controller = new AbortController();
    await executor.run({ connection: conn, os: DEBIAN }, ["true"], { signal: controller.signal });
    assert.equal(conn.seen[0]?.options.signal, controller.signal);
    controller.abort();
    await assert.rejects(
      executor.run({ connection: conn, os: DEBIAN }, ["true"], { signal: controller.signal }),
      (e) => isPodError(e, "CANCELLED") && /"true" on g1:22 was cancelled/.test(e.message),
    );
    assert.equal(conn.seen.length, 1, "a cancelled run never reaches the guest");
  });

  it("takes the step's ambient signal when the caller gives none", async () => {
    const conn = new FakeConnection("g1:22", () => ({}));
    const controller = new AbortController();
    await withStepSignal(controller.signal, () =>
      new CommandExecutor().run({ connection: conn, os: DEBIAN }, ["true"]),
    );
    assert.equal(conn.seen[0]?.options.signal, controller.signal);
  });
});
