/**
 * What a copy sends, read from the local side: a file, a folder tree, a text,
 * or named entries (an archive of assets). The manifest lists every file with
 * its size, mode and SHA-256, hashed as a stream (a file is never held whole),
 * and opens each file afresh when the transport asks for its bytes.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { PodError } from "../../common/errors";

export type CopySource =
  | { kind: "path"; path: string }
  | { kind: "text"; text: string }
  | { kind: "entries"; entries: Record<string, CopySource> };

export interface ManifestFile {
  /** Relative to the copy's root, "/"-separated; "" when the copy is one file. */
  path: string;
  size: number;
  mode: number;
  sha256: string;
  open(): Readable;
}

export interface Manifest {
  /** False when the source is one file: remotePath is then that file. */
  tree: boolean;
  files: ManifestFile[];
  /** Folders inside the tree, relative ("a", "a/b"), parents first. */
  dirs: string[];
  /** One digest over every file's path, mode and hash. */
  sha256: string;
  bytes: number;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function missing(path: string, cause: unknown): PodError {
  return new PodError("INVALID_INPUT", `The copy's source ${path} does not exist or cannot be read.`, {
    fix: "Check the path (relative paths are from the Pulumi program's folder) and its permissions.",
    details: { path },
    cause,
  });
}

/** Checks that the source exists, without reading any content (check, before anything else happens). */
export async function checkSource(source: CopySource): Promise<void> {
  if (source.kind === "path") await stat(source.path).catch((e: unknown) => Promise.reject(missing(source.path, e)));
  if (source.kind === "entries") {
    for (const [name, entry] of Object.entries(source.entries)) {
      checkEntryName(name);
      await checkSource(entry);
    }
  }
}

function checkEntryName(name: string): void {
  const segments = name.split("/");
  if (!name || name.startsWith("/") || name.includes("\\") || segments.some((s) => s === ".." || s === "." || !s)) {
    throw new PodError("INVALID_INPUT", `The archive entry "${name}" is not a plain relative path.`, {
      fix: 'Name archive entries like "conf/app.yml": relative, "/"-separated, without "." or ".." segments.',
      details: { entry: name },
    });
  }
}

class Collector {
  readonly files: ManifestFile[] = [];
  readonly dirs = new Set<string>();
  readonly #seen = new Set<string>();

  constructor(readonly mode: number | undefined) {}

  addDir(rel: string): void {
    const parts = rel.split("/");
    for (let i = 1; i <= parts.length; i++) if (parts[i - 1]) this.dirs.add(parts.slice(0, i).join("/"));
  }

  async addFile(rel: string, path: string, size: number, mode: number): Promise<void> {
    if (rel.includes("/")) this.addDir(rel.slice(0, rel.lastIndexOf("/")));
    const sha256 = await hashFile(path);
    this.files.push({ path: rel, size, mode: this.mode ?? mode & 0o777, sha256, open: () => createReadStream(path) });
  }

  addText(rel: string, text: string): void {
    if (rel.includes("/")) this.addDir(rel.slice(0, rel.lastIndexOf("/")));
    const data = Buffer.from(text, "utf8");
    const sha256 = createHash("sha256").update(data).digest("hex");
    this.files.push({
      path: rel,
      size: data.length,
      mode: this.mode ?? 0o644,
      sha256,
      open: () => Readable.from([data]),
    });
  }

  /** A folder, depth first in name order; a symlinked folder is followed once (no loops). */
  async addTree(rel: string, path: string): Promise<void> {
    const real = await realpath(path);
    if (this.#seen.has(real)) return;
    this.#seen.add(real);
    if (rel) this.addDir(rel);
    const entries = (await readdir(path)).sort();
    for (const name of entries) {
      const child = join(path, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const info = await stat(child).catch((e: unknown) => Promise.reject(missing(child, e)));
      if (info.isDirectory()) await this.addTree(childRel, child);
      else if (info.isFile()) await this.addFile(childRel, child, info.size, info.mode);
      else {
        throw new PodError("INVALID_INPUT", `${child} is neither a file nor a folder.`, {
          fix: "Copy regular files and folders only; leave sockets, pipes and devices out of the source.",
          details: { path: child },
        });
      }
    }
  }

  async add(rel: string, source: CopySource): Promise<void> {
    if (source.kind === "text") return this.addText(rel, source.text);
    if (source.kind === "entries") {
      if (rel) this.addDir(rel);
      for (const name of Object.keys(source.entries).sort()) {
        checkEntryName(name);
        await this.add(rel ? `${rel}/${name}` : name, source.entries[name] as CopySource);
      }
      return;
    }
    const info = await stat(source.path).catch((e: unknown) => Promise.reject(missing(source.path, e)));
    if (info.isDirectory()) return this.addTree(rel, source.path);
    return this.addFile(rel, source.path, info.size, info.mode);
  }
}

/** Every file of the source, hashed; `mode` (when given) replaces the files' own. */
export async function buildManifest(source: CopySource, mode?: number): Promise<Manifest> {
  const collector = new Collector(mode);
  await collector.add("", source);
  const tree = !(collector.files.length === 1 && collector.files[0]?.path === "");
  const files = collector.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const dirs = [...collector.dirs].sort();
  const digest = createHash("sha256");
  for (const f of files) digest.update(`${f.path}\0${f.mode.toString(8)}\0${f.sha256}\n`);
  return { tree, files, dirs, sha256: digest.digest("hex"), bytes: files.reduce((n, f) => n + f.size, 0) };
}
