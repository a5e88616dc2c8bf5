/**
 * File transfer over the SFTP subsystem: OS-neutral (Windows OpenSSH has it
 * too) and binary-safe, unlike `cat > file` through a shell.
 */
import { pipeline } from "node:stream/promises";
import type { Client, SFTPWrapper, Stats } from "ssh2";
import { PodError } from "../../common/errors";
import { tooLarge } from "../../common/limits";
import { type FileStream, isFileStream } from "../types";
import { ChannelNotOpened } from "./channel-exec";

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    try {
      client.sftp((error, sftp) => {
        if (!error) return resolve(sftp);
        const reason = (error as Error & { reason?: unknown }).reason;
        if (/subsystem/i.test(error.message)) {
          reject(
            new PodError("UNSUPPORTED", `The guest's sshd does not offer SFTP: ${error.message}.`, {
              fix: "Enable the sftp Subsystem in sshd_config.",
            }),
          );
        } else reject(new ChannelNotOpened(error.message, typeof reason === "number"));
      });
    } catch (error) {
      reject(new ChannelNotOpened((error as Error).message, false));
    }
  });
}

function fileError(error: unknown, path: string, where: string, action: string): PodError {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (code === 2) {
    return new PodError("NOT_FOUND", `${path} does not exist on ${where} (${action}).`, {
      fix: "Check the path; the parent directory must exist.",
      details: { path, host: where },
    });
  }
  if (code === 3) {
    return new PodError("COMMAND_FAILED", `Permission denied for ${path} on ${where} (${action}).`, {
      fix: "Use a path the SSH user may access, or copy to /tmp and move it with sudo.",
      details: { path, host: where },
    });
  }
  return new PodError("PROTOCOL_ERROR", `SFTP ${action} of ${path} on ${where} failed: ${message}.`, {
    fix: "Check the path and the guest's disk.",
    details: { path, host: where },
    cause: error,
  });
}

export async function sftpPut(
  client: Client,
  path: string,
  content: string | Buffer | FileStream,
  mode: number | undefined,
  where: string,
): Promise<void> {
  const sftp = await openSftp(client);
  try {
    const flags = mode === undefined ? {} : { mode };
    if (isFileStream(content)) {
      // Streamed: each chunk is written and acknowledged before the next is read (bounded memory).
      await pipeline(content.open(), sftp.createWriteStream(path, flags));
    } else {
      await new Promise<void>((resolve, reject) =>
        sftp.writeFile(path, content, flags, (e) => (e ? reject(e) : resolve())),
      );
    }
    // The mode given at open applies to new files only; make it true for existing ones too.
    if (mode !== undefined)
      await new Promise<void>((resolve, reject) => sftp.chmod(path, mode, (e) => (e ? reject(e) : resolve())));
  } catch (error) {
    throw fileError(error, path, where, "write");
  } finally {
    sftp.end();
  }
}

/**
 * Reads a file, at most `maxBytes` of it: a file announced (stat) or found
 * (while reading: it may grow, or be a /proc file of size 0) to be bigger is
 * refused with TOO_LARGE, and the read stops there.
 */
export async function sftpGet(client: Client, path: string, where: string, maxBytes: number): Promise<Buffer> {
  const sftp = await openSftp(client);
  const refuse = (size?: number) =>
    tooLarge(`${path} on ${where}`, maxBytes, "Raise getFile's maxBytes, or fetch the file in parts.", size);
  try {
    const stats = await new Promise<Stats>((resolve, reject) =>
      sftp.stat(path, (e, s) => (e ? reject(e) : resolve(s))),
    );
    if (stats.size > maxBytes) throw refuse(stats.size);
    return await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      const stream = sftp.createReadStream(path);
      stream.on("data", (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          stream.destroy();
          reject(refuse());
        } else chunks.push(chunk);
      });
      stream.on("end", () => resolve(Buffer.concat(chunks)));
      stream.on("error", reject);
    });
  } catch (error) {
    throw error instanceof PodError ? error : fileError(error, path, where, "read");
  } finally {
    sftp.end();
  }
}
