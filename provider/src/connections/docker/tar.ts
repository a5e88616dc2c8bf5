/**
 * Just enough tar for Docker's archive API: write one regular file (ustar),
 * read entries back (ustar, with PAX and GNU long names, which Docker emits
 * for long paths). Files up to 8 GiB.
 */
import { PodError } from "../../common/errors";

const BLOCK = 512;

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarEntry {
  name: string;
  type: TarEntryType;
  mode: number;
  size: number;
  linkName: string;
  content: Buffer;
}

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) {
    throw new PodError("INVALID_INPUT", `"${value}" is longer than ${length} bytes, too long for a tar header.`, {
      fix: "Use a shorter file name.",
    });
  }
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, "0")}\0`, offset, length, "latin1");
}

/** One regular file named `name` (no directory part), as a complete tar archive. */
export function tarSingleFile(name: string, content: Buffer, mode = 0o644, mtime = new Date()): Buffer {
  const header = Buffer.alloc(BLOCK);
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, mode & 0o7777);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  writeOctal(header, 124, 12, content.length);
  writeOctal(header, 136, 12, Math.floor(mtime.getTime() / 1000));
  header.write("        ", 148, 8, "latin1"); // checksum is computed over spaces here
  header.write("0", 156, 1, "latin1");
  header.write("ustar\u000000", 257, 8, "latin1");
  writeString(header, 265, 32, "root");
  writeString(header, 297, 32, "root");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "latin1");
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, content, padding, Buffer.alloc(BLOCK * 2)]);
}

function readString(block: Buffer, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString("utf8");
}

function readNumber(block: Buffer, offset: number, length: number): number {
  const first = block[offset] ?? 0;
  if (first & 0x80) {
    // base-256 (GNU) for large values
    let value = 0;
    for (let i = 1; i < length; i++) value = value * 256 + (block[offset + i] ?? 0);
    return value;
  }
  const text = readString(block, offset, length).trim();
  return text ? Number.parseInt(text, 8) : 0;
}

function parsePax(content: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number.parseInt(content.subarray(offset, space).toString("latin1"), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = content.subarray(space + 1, offset + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    offset += length;
  }
  return out;
}

const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "5": "directory",
  "2": "symlink",
  "1": "hardlink",
};

export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const size = pax.size !== undefined ? Number(pax.size) : readNumber(header, 124, 12);
    const content = archive.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === "x") {
      pax = { ...pax, ...parsePax(content) };
      continue;
    }
    if (typeflag === "g") continue;
    if (typeflag === "L" || typeflag === "K") {
      const value = content.toString("utf8").replace(/\0+$/, "");
      if (typeflag === "L") longName = value;
      else longLink = value;
      continue;
    }
    const prefix = readString(header, 345, 155);
    const baseName = readString(header, 0, 100);
    entries.push({
      name: pax.path ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName),
      type: TYPES[typeflag] ?? "other",
      mode: readNumber(header, 100, 8),
      size,
      linkName: pax.linkpath ?? longLink ?? readString(header, 157, 100),
      content: Buffer.from(content),
    });
    pax = {};
    longName = undefined;
    longLink = undefined;
  }
  return entries;
}
