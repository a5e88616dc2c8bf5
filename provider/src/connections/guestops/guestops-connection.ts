import { PodError } from "../../common/errors";
import { posixQuote } from "../../os/shell/posix";
import type { GuestOperations } from "../../vsphere/guest-ops";
import type { ConnectionHealth, ExecOptions, GuestConnection, RawExecResult } from "../types";

/**
 * Commands through VMware Tools guest operations: no network path to the
 * guest is needed. A command runs under the guest's shell with stdout and
 * stderr redirected to temporary files, which are fetched and deleted after
 * it ends (the pattern govc's guest.run uses). Linux/POSIX guests only for
 * now: Windows guests use WinRM.
 */
export class GuestOpsConnection implements GuestConnection {
  readonly transport = "guestops" as const;

  constructor(
    readonly ops: GuestOperations,
    readonly target: string,
    readonly shellPath = "/bin/sh",
  ) {}

  async exec(command: string, options: ExecOptions = {}): Promise<RawExecResult> {
    const started = Date.now();
    const out = await this.ops.createTempFile("pod-", ".out");
    const err = await this.ops.createTempFile("pod-", ".err");
    const input = options.stdin === undefined ? undefined : await this.#stage(options.stdin);
    try {
      const redirect = `>${posixQuote(out)} 2>${posixQuote(err)}${input ? ` <${posixQuote(input)}` : ""}`;
      // The arguments string is parsed once more by the guest side (vcsim: the
      // host's sh), so the whole command travels as one quoted word.
      const args = `-c ${posixQuote(`{ ${command}\n} ${redirect}`)}`;
      const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
      const pid = await this.ops.start(this.shellPath, args, {
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(env.length ? { env } : {}),
      });
      const ended = await this.ops.wait(pid, options.timeoutMs ?? 10 * 60_000);
      return {
        stdout: (await this.ops.download(out)).toString("utf8"),
        stderr: (await this.ops.download(err)).toString("utf8"),
        exitCode: ended.timedOut ? null : ended.exitCode,
        timedOut: ended.timedOut,
        durationMs: Date.now() - started,
      };
    } finally {
      for (const file of [out, err, input]) if (file) await this.ops.deleteFile(file).catch(() => undefined);
    }
  }

  async #stage(content: string | Buffer): Promise<string> {
    const path = await this.ops.createTempFile("pod-", ".in");
    await this.ops.upload(path, Buffer.from(content));
    return path;
  }

  async putFile(remotePath: string, content: string | Buffer, options: { mode?: number } = {}): Promise<void> {
    await this.ops.upload(remotePath, Buffer.from(content));
    if (options.mode !== undefined) {
      const r = await this.exec(`chmod ${options.mode.toString(8)} ${posixQuote(remotePath)}`);
      if (r.exitCode !== 0) {
        throw new PodError("COMMAND_FAILED", `chmod of ${remotePath} failed: ${r.stderr.trim()}`, {
          details: { exitCode: r.exitCode },
        });
      }
    }
  }

  getFile(remotePath: string): Promise<Buffer> {
    return this.ops.download(remotePath);
  }

  async health(): Promise<ConnectionHealth> {
    const started = Date.now();
    try {
      await this.ops.list([]);
      return { transport: this.transport, target: this.target, reachable: true, latencyMs: Date.now() - started };
    } catch (error) {
      const e = error instanceof PodError ? error : new PodError("INTERNAL", String(error));
      return {
        transport: this.transport,
        target: this.target,
        reachable: false,
        error: { code: e.code, message: e.message },
      };
    }
  }

  async close(): Promise<void> {
    // Nothing of its own to release: the vSphere session belongs to the caller.
  }
}
