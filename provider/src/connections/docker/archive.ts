/**
 * Files in and out of a container through the Engine's archive API (a tar
 * stream), which needs no shell in the container and works on distroless images.
 */
import { posix as posixPath } from "node:path";
import type Docker from "dockerode";
import { PodError } from "../../common/errors";
import { dockerError } from "./errors";
import { readTar, tarSingleFile } from "./tar";

export async function putFileByArchive(
  container: Docker.Container,
  target: string,
  remotePath: string,
  content: string | Buffer,
  mode: number,
): Promise<void> {
  const data = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  try {
    await container.putArchive(tarSingleFile(posixPath.basename(remotePath), data, mode), {
      path: posixPath.dirname(remotePath),
    });
  } catch (error) {
    throw dockerError(error, target, `putFile ${remotePath}`);
  }
}

async function readArchive(container: Docker.Container, path: string): Promise<Buffer> {
  const stream = await container.getArchive({ path });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/** The file's content; a symlink (Docker archives the link itself) is followed, up to 8 hops. */
export async function getFileByArchive(
  container: Docker.Container,
  target: string,
  remotePath: string,
): Promise<Buffer> {
  let path = remotePath;
  for (let hops = 0; hops < 8; hops++) {
    let archive: Buffer;
    try {
      archive = await readArchive(container, path);
    } catch (error) {
      throw dockerError(error, target, `getFile ${remotePath}`);
    }
    const entry = readTar(archive)[0];
    if (entry?.type === "file") return entry.content;
    if (entry?.type === "symlink") {
      path = posixPath.resolve(posixPath.dirname(path), entry.linkName);
      continue;
    }
    throw new PodError(
      "INVALID_INPUT",
      `${remotePath} on ${target} is not a regular file (${entry?.type ?? "empty"}).`,
      {
        fix: "Give the path of a file.",
      },
    );
  }
  throw new PodError("INVALID_INPUT", `${remotePath} on ${target} is a chain of too many symlinks.`, {
    fix: "Give the link's target path.",
  });
}
