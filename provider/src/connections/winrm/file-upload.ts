/**
 * A file of any size to a Windows guest over WinRM: read in chunks, each
 * chunk one PowerShell command whose stdin is the chunk's base64 (WinRS
 * sends stdin in pieces well under MaxEnvelopeSize). The first chunk creates
 * or truncates the file, the rest append, so memory holds one chunk at a time.
 */
import type { Readable } from "node:stream";
import { psInvocation, psWriteChunkFromStdin } from "../../os/shell/powershell";

/** Bytes of the file per command: ~1.4 MB of base64 stdin, some 23 WinRS Sends. */
export const UPLOAD_CHUNK = 1024 * 1024;

async function* chunks(source: Readable, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const piece of source) {
    const buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as string);
    pending.push(buffer);
    length += buffer.length;
    while (length >= size) {
      const all = Buffer.concat(pending);
      yield all.subarray(0, size);
      pending = [all.subarray(size)];
      length -= size;
    }
  }
  if (length > 0) yield Buffer.concat(pending);
}

/** Streams `source` to `path`; returns the first failed command's result, or undefined when all succeeded. */
export async function uploadInChunks<R extends { exitCode: number | null }>(
  path: string,
  source: Readable,
  run: (commandLine: string, stdin: Buffer) => Promise<R>,
  chunkSize = UPLOAD_CHUNK,
): Promise<R | undefined> {
  let append = false;
  for await (const chunk of chunks(source, chunkSize)) {
    const result = await run(psInvocation(psWriteChunkFromStdin(path, append)).commandLine, base64(chunk));
    if (result.exitCode !== 0) return result;
    append = true;
  }
  if (append) return undefined;
  // An empty file is still created (or truncated).
  const result = await run(psInvocation(psWriteChunkFromStdin(path, false)).commandLine, base64(Buffer.alloc(0)));
  return result.exitCode === 0 ? undefined : result;
}

const base64 = (chunk: Buffer) => Buffer.from(chunk.toString("base64"), "latin1");
