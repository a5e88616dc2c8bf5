/**
 * A copy into a guest, whatever the transport: make the folders, stream each
 * new or changed file through the connection's putFile, set mode and owner
 * (Linux), and remove what an earlier copy put there that the source no
 * longer has. The record it returns (every file with its hash, every folder
 * of the tree) is what a later copy compares against and what delete removes.
 */
import { PodError } from "../../common/errors";
import { type FileDialect, makeDirsScripts, modeOwnerScripts, removeScripts } from "../../os/file-commands";
import type { OsInfo } from "../../os/types";
import type { ExecTarget } from "../executor";
import type { PodRuntime } from "../runtime";
import { checkPathForGuest, joinRemote, type PathStyle, remoteDirname } from "./remote-path";
import type { Manifest } from "./source";

export interface CopiedFile {
  /** The file's path in the guest. */
  path: string;
  sha256: string;
  size: number;
  mode: number;
}

export interface CopyRecord {
  remotePath: string;
  files: CopiedFile[];
  /** The tree's folders in the guest (its root first); empty for a one-file copy. */
  dirs: string[];
  sha256: string;
  bytes: number;
  owner?: string;
}

export interface CopyRequest {
  remotePath: string;
  manifest: Manifest;
  /** True when the user set the mode (refused on Windows, which has no modes). */
  modeGiven?: boolean;
  owner?: string;
  /** What the last copy left (update): unchanged files are not sent again. */
  previous?: CopyRecord;
  correlationId?: string;
  timeoutMs?: number;
}

export interface CopyOutcome {
  record: CopyRecord;
  os: OsInfo;
  /** Files sent this time (0: nothing had changed). */
  sent: number;
  removed: number;
}

const isWindows = (os: OsInfo) => os.type === "windows" || os.family === "windows";

async function runScripts(
  runtime: PodRuntime,
  target: ExecTarget,
  os: OsInfo,
  scripts: string[],
  what: string,
  options: { correlationId?: string; timeoutMs?: number },
): Promise<void> {
  const shell = isWindows(os) ? "powershell" : "sh";
  for (const script of scripts) {
    const { result } = await runtime.run(
      target,
      { script, shell },
      {
        timeoutMs: options.timeoutMs ?? 120_000,
        ...(options.correlationId ? { correlationId: options.correlationId } : {}),
      },
    );
    if (!result.success) {
      throw new PodError(
        "COMMAND_FAILED",
        `Could not ${what} on ${result.host}: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
        {
          fix: "Check that the guest user may write there (or copy under its home or /tmp), and the guest's disk.",
          details: { exitCode: result.exitCode },
        },
      );
    }
  }
}

export async function copyToGuest(runtime: PodRuntime, target: ExecTarget, request: CopyRequest): Promise<CopyOutcome> {
  const os = await runtime.osOf(target);
  const windows = isWindows(os);
  checkPathForGuest(request.remotePath, windows);
  if (windows && (request.modeGiven || request.owner !== undefined)) {
    throw new PodError("INVALID_INPUT", "mode and owner apply to Linux guests; this guest runs Windows.", {
      fix: "Drop mode and owner for Windows targets (NTFS permissions are ACLs: set them with a PodCommand).",
    });
  }
  const style: PathStyle = windows ? "windows" : "posix";
  const dialect: FileDialect = windows ? "powershell" : "posix";
  const { manifest, remotePath, previous } = request;
  const opts = {
    ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
  };
  const name = target.name ?? target.connection.target;
  return runtime.tracker(request.correlationId).track(
    "files.copied",
    `${name}:${remotePath}`,
    async () => {
      const files = manifest.files.map((f) => ({ ...f, remote: joinRemote(remotePath, f.path, style) }));
      const dirs = manifest.tree ? [remotePath, ...manifest.dirs.map((d) => joinRemote(remotePath, d, style))] : [];
      await runScripts(
        runtime,
        target,
        os,
        makeDirsScripts(dialect, manifest.tree ? dirs : [remoteDirname(remotePath, style)]),
        "make folders",
        opts,
      );
      const before = new Map((previous?.files ?? []).map((f) => [f.path, f]));
      const ownerChanged = (previous?.owner ?? undefined) !== request.owner;
      const toSend = files.filter((f) => before.get(f.remote)?.sha256 !== f.sha256);
      for (const f of toSend) {
        await target.connection.putFile(f.remote, { size: f.size, open: f.open }, windows ? {} : { mode: f.mode });
      }
      if (!windows) {
        // Every transport writes its own default mode (vSphere's upload: 0444), so the mode is always set.
        const touched = files.filter(
          (f) => toSend.includes(f) || ownerChanged || before.get(f.remote)?.mode !== f.mode,
        );
        const byMode = new Map<number, string[]>();
        for (const f of touched) byMode.set(f.mode, [...(byMode.get(f.mode) ?? []), f.remote]);
        const owned =
          request.owner !== undefined ? [...(manifest.tree ? dirs : []), ...touched.map((f) => f.remote)] : [];
        const scripts = [
          ...[...byMode].flatMap(([mode, paths]) => modeOwnerScripts(paths, mode)),
          ...modeOwnerScripts(owned, undefined, request.owner),
        ];
        await runScripts(runtime, target, os, scripts, "set mode and owner", opts);
      }
      const kept = new Set(files.map((f) => f.remote));
      const staleFiles = (previous?.files ?? []).map((f) => f.path).filter((p) => !kept.has(p));
      const staleDirs = (previous?.dirs ?? []).filter((d) => !dirs.includes(d));
      await runScripts(
        runtime,
        target,
        os,
        removeScripts(dialect, staleFiles, staleDirs),
        "remove files no longer in the source",
        opts,
      );
      const record: CopyRecord = {
        remotePath,
        files: files.map((f) => ({ path: f.remote, sha256: f.sha256, size: f.size, mode: f.mode })),
        dirs,
        sha256: manifest.sha256,
        bytes: manifest.bytes,
        ...(request.owner !== undefined ? { owner: request.owner } : {}),
      };
      return { record, os, sent: toSend.length, removed: staleFiles.length };
    },
    (o) => ({
      result: o.sent || o.removed ? "ok" : "unchanged",
      details: { sent: o.sent, removed: o.removed, files: o.record.files.length, bytes: o.record.bytes },
    }),
  );
}

/** Removes the files a copy put in the guest, then its folders that are left empty. */
export async function removeCopied(
  runtime: PodRuntime,
  target: ExecTarget,
  record: Pick<CopyRecord, "remotePath" | "files" | "dirs">,
  correlationId?: string,
): Promise<void> {
  const os = await runtime.osOf(target);
  const dialect: FileDialect = isWindows(os) ? "powershell" : "posix";
  const name = target.name ?? target.connection.target;
  await runtime.tracker(correlationId).track("files.removed", `${name}:${record.remotePath}`, () =>
    runScripts(
      runtime,
      target,
      os,
      removeScripts(
        dialect,
        record.files.map((f) => f.path),
        record.dirs,
      ),
      "remove the copied files",
      {
        ...(correlationId ? { correlationId } : {}),
      },
    ),
  );
}
