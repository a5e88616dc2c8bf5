/**
 * Files in and out of a container through the Engine's archive API (a tar
 * stream), which needs no shell in the container and works on distroless images.
 */
import { posix as posixPath } from "node:path";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { PodError } from "../../common/errors";
import { type FileStream, isFileStream } from "../types";
import { dockerError } from "./errors";
import { readFirstEntry, type TarEntry, tarSingleFile, tarSingleFileStream } from "./tar";

export async function putFileByArchive(
  container: Docker.Container,
  target: string,
  remotePath: string,
  content: string | Buffer | FileStream,
  mode: number,
): Promise<void> {
  const name = posixPath.basename(remotePath);
  const options = { path: posixPath.dirname(remotePath) };
  try {
    if (isFileStream(content)) {
      // The archive streams to the Engine as the file is read: nothing is held whole.
      const { archive, written } = tarSingleFileStream(name, content.size, content.open(), mode);
      await Promise.all([container.putArchive(archive as unknown as NodeJS.ReadableStream, options), written]);
      return;
    }
    const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    await container.putArchive(await tarSingleFile(name, data, mode), options);
  } catch (error) {
    throw dockerError(error, target, `putFile ${remotePath}`);
  }
}

/** The first entry of the archive Docker makes of `path`, its content within `maxBytes`. */
async function readEntry(container: Docker.Container, target: string, path: string, maxBytes: number) {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await container.getArchive({ path });
  } catch (error) {
    throw dockerError(error, target, `getFile ${path}`);
  }
  return readFirstEntry(stream as Readable, maxBytes, `${path} on container ${target}`);
}

/** The file's content; a symlink (Docker archives the link itself) is followed, up to 8 hops. */
export async function getFileByArchive(
  container: Docker.Container,
  target: string,
  remotePath: string,
  maxBytes: number,
): Promise<Buffer> {
  let path = remotePath;
  for (let hops = 0; hops < 8; hops++) {
    const entry: TarEntry = await readEntry(container, target, path, maxBytes);
    if (entry.type === "file") return entry.content;
    if (entry.type === "symlink") {
      path = posixPath.resolve(posixPath.dirname(path), entry.linkName);
      continue;
    }
    throw new PodError("INVALID_INPUT", `${remotePath} on ${target} is not a regular file (${entry.type}).`, {
      fix: "Give the path of a file.",
    });
  }
  throw new PodError("INVALID_INPUT", `${remotePath} on ${target} is a chain of too many symlinks.`, {
    fix: "Give the link's target path.",
  });
}
