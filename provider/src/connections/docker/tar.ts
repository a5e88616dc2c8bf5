/**
 * The tar side of Docker's archive API, through tar-stream (a maintained,
 * streaming parser that refuses negative and oversized headers): pack one
 * regular file; read the first entry of an archive stream, with a bound on
 * how much of the stream is read and kept.
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract, type Header, type Pack, pack } from "tar-stream";
import { PodError } from "../../common/errors";
import { tooLarge } from "../../common/limits";

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarEntry {
  name: string;
  type: TarEntryType;
  mode: number;
  size: number;
  linkName: string;
  /** The file's bytes (regular files only; empty for the rest). */
  content: Buffer;
}

/** Header blocks, PAX records and long names around the content: read past the content bound. */
const HEADER_ALLOWANCE = 1024 * 1024;

/** One regular file named `name` (no directory part), as a complete tar archive. */
export function tarSingleFile(name: string, content: Buffer, mode = 0o644, mtime = new Date()): Promise<Buffer> {
  if (!name || name.includes("/")) {
    throw new PodError("INVALID_INPUT", `"${name}" is not a file name for a tar entry.`, {
      fix: "Give the base name of the file, without a directory.",
    });
  }
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    archive.on("data", (c) => chunks.push(c as Buffer));
    archive.on("end", () => resolve(Buffer.concat(chunks)));
    archive.on("error", reject);
  });
  archive.entry(
    { name, mode: mode & 0o7777, mtime, size: content.length, type: "file", uname: "root", gname: "root" },
    content,
  );
  archive.finalize();
  return done;
}

/**
 * One regular file as a tar stream, its content streamed into the entry (the
 * header carries the size, so nothing is buffered): the archive to hand to
 * Docker, and a promise that settles when the content has been read.
 */
export function tarSingleFileStream(
  name: string,
  size: number,
  content: Readable,
  mode = 0o644,
  mtime = new Date(),
): { archive: Pack; written: Promise<void> } {
  if (!name || name.includes("/")) {
    throw new PodError("INVALID_INPUT", `"${name}" is not a file name for a tar entry.`, {
      fix: "Give the base name of the file, without a directory.",
    });
  }
  const archive = pack();
  const entry = archive.entry({ name, mode: mode & 0o7777, mtime, size, type: "file", uname: "root", gname: "root" });
  const written = pipeline(content, entry).then(() => {
    archive.finalize();
  });
  written.catch((error: unknown) => archive.destroy(error as Error));
  return { archive, written };
}

const TYPES: Partial<Record<Header["type"], TarEntryType>> = {
  file: "file",
  "contiguous-file": "file",
  directory: "directory",
  symlink: "symlink",
  link: "hardlink",
};

function malformed(what: string, cause: unknown): PodError {
  return new PodError("PROTOCOL_ERROR", `${what} is not a valid tar archive: ${(cause as Error).message}.`, {
    fix: "Check the Docker engine; the archive it sent could not be read.",
    cause,
  });
}

/**
 * The archive's first entry, its content at most `maxBytes` (TOO_LARGE
 * beyond, announced or found); the rest of the archive is not read: `source`
 * is destroyed once the entry is in. `what` names the archive in errors.
 */
export function readFirstEntry(source: Readable, maxBytes: number, what: string): Promise<TarEntry> {
  const parser = extract();
  return new Promise<TarEntry>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: TarEntry | PodError) => {
      if (settled) return;
      settled = true;
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
      if (outcome instanceof PodError) reject(outcome);
      else resolve(outcome);
    };
    const refuse = (size?: number) =>
      tooLarge(what, maxBytes, "Raise getFile's maxBytes, or fetch the file in parts.", size);
    let read = 0;
    source.on("data", (chunk: Buffer) => {
      read += chunk.length;
      if (read > maxBytes + HEADER_ALLOWANCE) finish(refuse());
    });
    source.on("error", (error) => finish(malformed(what, error)));
    parser.on("error", (error: unknown) => finish(malformed(what, error)));
    parser.on("finish", () =>
      finish(new PodError("NOT_FOUND", `${what} is an empty archive.`, { fix: "Check the path." })),
    );
    parser.on("entry", (header, stream) => {
      const size = header.size ?? 0;
      const base = {
        name: header.name,
        type: (header.type && TYPES[header.type]) ?? "other",
        mode: header.mode ?? 0,
        size,
        linkName: header.linkname ?? "",
      };
      if (base.type !== "file") return finish({ ...base, content: Buffer.alloc(0) });
      if (size > maxBytes) return finish(refuse(size));
      const chunks: Buffer[] = [];
      stream.on("data", (c) => chunks.push(c as Buffer));
      stream.on("end", () => finish({ ...base, content: Buffer.concat(chunks) }));
      stream.on("error", (error: unknown) => finish(malformed(what, error)));
    });
    source.pipe(parser);
  });
}
