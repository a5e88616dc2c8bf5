import type { Readable } from "node:stream";
import { PodError } from "../common/errors";
import { DEFAULT_MAX_FILE_BYTES } from "../common/limits";
import { pollDelay } from "../common/poll-schedule";
import { sleep } from "../common/retry";
import type { Secret } from "../common/secret";
import { retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";

/**
 * VMware Tools guest operations: run programs and move files in a VM
 * without any network path to it. Every call authenticates to the guest
 * with a user and password (NamePasswordAuthentication).
 */
export interface GuestAuth {
  username: string;
  password: Secret;
}

export interface GuestProcess {
  pid: number;
  exitCode?: number;
  endTime?: string;
}

export class GuestOperations {
  private constructor(
    readonly session: VsphereSession,
    readonly vm: MoRef,
    readonly auth: GuestAuth,
    readonly processManager: MoRef,
    readonly fileManager: MoRef,
  ) {}

  static async open(session: VsphereSession, vm: MoRef, auth: GuestAuth): Promise<GuestOperations> {
    const manager = session.content.guestOperationsManager;
    const [props] = manager ? await retrieveProperties(session, [manager], ["processManager", "fileManager"]) : [];
    const processManager = props?.props.processManager as MoRef | undefined;
    const fileManager = props?.props.fileManager as MoRef | undefined;
    if (!processManager || !fileManager) {
      throw new PodError("UNSUPPORTED", "This vSphere endpoint offers no guest operations.", {
        fix: "Use a transport with network access to the guest (ssh, winrm) instead of guestops.",
      });
    }
    return new GuestOperations(session, vm, auth, processManager, fileManager);
  }

  #authArg() {
    return {
      _type: "NamePasswordAuthentication",
      interactiveSession: false,
      username: this.auth.username,
      password: this.auth.password,
    };
  }

  /** StartProgramInGuest; returns the guest pid. */
  async start(programPath: string, args: string, options: { cwd?: string; env?: string[] } = {}): Promise<number> {
    const spec = {
      programPath,
      arguments: args,
      ...(options.cwd ? { workingDirectory: options.cwd } : {}),
      ...(options.env?.length ? { envVariables: options.env } : {}),
    };
    const pid = await this.session.call("StartProgramInGuest", {
      _this: this.processManager,
      vm: this.vm,
      auth: this.#authArg(),
      spec,
    });
    return Number(pid);
  }

  async list(pids: number[]): Promise<GuestProcess[]> {
    const found = await this.session.call("ListProcessesInGuest", {
      _this: this.processManager,
      vm: this.vm,
      auth: this.#authArg(),
      pids,
    });
    return (found ?? []).map((p) => ({ ...p, pid: Number(p.pid) }));
  }

  /**
   * Waits for a process to end. Done means `endTime` is set: vSphere omits
   * `exitCode` when it is 0, so a missing exit code with an end time is 0.
   * vSphere has no event for a guest process's end, so this polls: quick at
   * first (most commands pod runs end within a few hundred ms), then every
   * `pollMs` (common/poll-schedule.ts).
   */
  async wait(
    pid: number,
    timeoutMs: number,
    pollMs = 200,
    options: { terminate?: boolean; signal?: AbortSignal | undefined } = {},
  ): Promise<{ exitCode: number; timedOut: boolean; cancelled?: boolean }> {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const [process] = await this.list([pid]);
      if (process?.endTime) return { exitCode: process.exitCode ?? 0, timedOut: false };
      // An aborted signal stops the wait as the deadline does (cancelled says which it was).
      const cancelled = options.signal?.aborted === true;
      if (cancelled || Date.now() >= deadline) {
        // TerminateProcessInGuest ends this process only, not its children: callers
        // that started a process tree pass terminate: false and end the tree themselves.
        if (options.terminate !== false) await this.terminate(pid).catch(() => undefined);
        return { exitCode: -1, timedOut: true, ...(cancelled ? { cancelled } : {}) };
      }
      await sleep(pollDelay(attempt, { maxMs: pollMs }, deadline - Date.now()));
    }
  }

  async terminate(pid: number): Promise<void> {
    await this.session.call("TerminateProcessInGuest", {
      _this: this.processManager,
      vm: this.vm,
      auth: this.#authArg(),
      pid,
    });
  }

  /** A new directory only the guest user can use; one round trip for all of a command's files. */
  async createTempDirectory(prefix: string, suffix: string): Promise<string> {
    return this.session.call("CreateTemporaryDirectoryInGuest", {
      _this: this.fileManager,
      vm: this.vm,
      auth: this.#authArg(),
      prefix,
      suffix,
    });
  }

  /** Removes a directory and what it holds. */
  async deleteDirectory(path: string): Promise<void> {
    await this.session.call("DeleteDirectoryInGuest", {
      _this: this.fileManager,
      vm: this.vm,
      auth: this.#authArg(),
      directoryPath: path,
      recursive: true,
    });
  }

  /** Downloads a guest file through the URL vSphere hands out for it; TOO_LARGE past `maxBytes`. */
  async download(path: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<Buffer> {
    const res = await this.session.client.transport.request({
      method: "GET",
      path: await this.#downloadPath(path),
      timeoutMs: 120_000,
      maxBytes,
    });
    if (res.status !== 200) throw transferError("download", path, res.status);
    return res.bytes;
  }

  /**
   * Hands a guest file to `onChunk` as it arrives, holding none of it; `onChunk`
   * returns false to stop reading. Returns the bytes read and, when the server
   * said, the file's size (so a reader that stopped early knows what it skipped).
   */
  async stream(
    path: string,
    onChunk: (chunk: Buffer, size: number | undefined) => boolean | undefined,
  ): Promise<{ received: number; size?: number }> {
    let received = 0;
    let size: number | undefined;
    const res = await this.session.client.transport.request({
      method: "GET",
      path: await this.#downloadPath(path),
      timeoutMs: 120_000,
      onBody: (chunk, declared) => {
        received += chunk.length;
        size = declared;
        return onChunk(chunk, declared);
      },
    });
    if (res.status !== 200) throw transferError("download", path, res.status);
    return { received, ...(size !== undefined ? { size } : {}) };
  }

  async #downloadPath(path: string): Promise<string> {
    const info = await this.session.call("InitiateFileTransferFromGuest", {
      _this: this.fileManager,
      vm: this.vm,
      auth: this.#authArg(),
      guestFilePath: path,
    });
    return this.#transferPath(info.url);
  }

  /** Uploads a file; a stream (with its size, which vSphere wants first) is sent as it is read. */
  async upload(path: string, content: Buffer | { size: number; open(): Readable }, overwrite = true): Promise<void> {
    const size = Buffer.isBuffer(content) ? content.length : content.size;
    const url = await this.session.call("InitiateFileTransferToGuest", {
      _this: this.fileManager,
      vm: this.vm,
      auth: this.#authArg(),
      guestFilePath: path,
      fileAttributes: {},
      fileSize: size,
      overwrite,
    });
    const res = await this.session.client.transport.request({
      method: "PUT",
      path: this.#transferPath(url),
      body: Buffer.isBuffer(content) ? content : content.open(),
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
      // A big file takes as long as it takes: the bound is per idle socket, not per transfer.
      timeoutMs: 120_000,
    });
    if (res.status !== 200) throw transferError("upload", path, res.status);
  }

  /**
   * Transfer URLs name the ESXi host (or "*" for the host we are connected
   * to). pod only follows them to the endpoint it already trusts: the path
   * is sent over the verified vSphere connection.
   */
  #transferPath(url: string): string {
    const parsed = new URL(url.replace("://*", "://placeholder"));
    return `${parsed.pathname}${parsed.search}`;
  }
}

function transferError(action: string, path: string, status: number): PodError {
  return new PodError("PROTOCOL_ERROR", `Guest file ${action} of ${path} failed with HTTP ${status}.`, {
    fix: "Check that VMware Tools runs in the guest and the path exists.",
    details: { status },
  });
}
