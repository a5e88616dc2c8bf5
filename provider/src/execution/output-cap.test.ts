import assert from "node:assert/strict";
import { isPodError } from "../common/errors";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../common/limits";
import type { ConnectionHealth, ExecOptions, GuestConnection, RawExecResult } from "../connections/types";
import { CommandExecutor } from "./executor";

/** A guest that answers every command with `raw`, recording the options it was given. */
class OneAnswer implements GuestConnection {
  readonly transport = "docker" as const;
  readonly target = "fake";
  options: ExecOptions | undefined;
  constructor(readonly raw: Partial<RawExecResult>) {}
  async exec(_command: string, options: ExecOptions = {}): Promise<RawExecResult> {
    this.options = options;
    options.onStdout?.(Buffer.from("chunk"));
    return { stdout: "", stderr: "", exitCode: 0, timedOut: false, durationMs: 1, ...this.raw };
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

describe("execution: output bounds", () => {
  it("gives every connection a bound (16 MiB by default, the executor's, or the run's) and the listeners", async () => {
    const conn = new OneAnswer({});
    await new CommandExecutor().run({ connection: conn, os: "linux" }, ["true"]);
    assert.equal(conn.options?.maxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES);
    await new CommandExecutor({ maxOutputBytes: 1000 }).run({ connection: conn, os: "linux" }, ["true"]);
    assert.equal(conn.options?.maxOutputBytes, 1000);
    const chunks: string[] = [];
    await new CommandExecutor({ maxOutputBytes: 1000 }).run({ connection: conn, os: "linux" }, ["true"], {
      maxOutputBytes: 10,
      onStdout: (c) => chunks.push(c.toString()),
    });
    assert.equal(conn.options?.maxOutputBytes, 10);
    assert.deepEqual(chunks, ["chunk"]);
  });

  it("carries the connection's truncation into the result, and only then", async () => {
    const exec = new CommandExecutor();
    const cut = await exec.run({ connection: new OneAnswer({ truncated: { stdout: 7, stderr: 0 } }), os: "linux" }, [
      "x",
    ]);
    assert.deepEqual(cut.truncated, { stdout: 7, stderr: 0 });
    const whole = await exec.run({ connection: new OneAnswer({}), os: "linux" }, ["x"]);
    assert.equal("truncated" in whole, false);
  });

  it("refuses to parse cut stdout (TOO_LARGE), and a bound that is not a positive integer (INVALID_INPUT)", async () => {
    const conn = new OneAnswer({ stdout: '{"a":', truncated: { stdout: 100, stderr: 0 } });
    await assert.rejects(new CommandExecutor().run({ connection: conn, os: "linux" }, ["x"], { parser: "json" }), (e) =>
      isPodError(e, "TOO_LARGE"),
    );
    const fresh = new OneAnswer({});
    await assert.rejects(
      new CommandExecutor().run({ connection: fresh, os: "linux" }, ["x"], { maxOutputBytes: 0 }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.equal(fresh.options, undefined, "nothing ran");
    assert.throws(
      () => new CommandExecutor({ maxOutputBytes: 1.5 }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });
});
