/**
 * From Pulumi's assets and archives (as a dynamic provider receives them:
 * objects whose fields are promises) to the engine's CopySource. Remote
 * assets and archives are refused: pod copies what the program's machine has.
 */
import { PodError } from "../../common/errors";
import type { CopySource } from "../../execution/copy/source";
import { type AssetOrArchive, isArchive, isAssetOrArchive, type PodCopyInputs } from "./args";

const unsupported = (uri: string) =>
  new PodError("UNSUPPORTED", `PodCopy copies local files; ${uri} is a remote asset.`, {
    fix: "Download it first (or use a FileAsset/FileArchive of a local copy).",
    details: { uri },
  });

async function fromAsset(value: AssetOrArchive): Promise<CopySource> {
  const path = await value.path;
  const uri = await value.uri;
  if (isArchive(value)) {
    const assets = await value.assets;
    if (assets) {
      const entries: Record<string, CopySource> = {};
      for (const [name, entry] of Object.entries(assets)) {
        if (!isAssetOrArchive(entry)) {
          throw new PodError("INVALID_INPUT", `The archive entry "${name}" is not an asset or archive.`, {
            fix: "Give AssetArchive entries as FileAsset, StringAsset, FileArchive or AssetArchive.",
          });
        }
        entries[name] = await fromAsset(entry);
      }
      return { kind: "entries", entries };
    }
  } else {
    const text = await value.text;
    if (text !== undefined && path === undefined && uri === undefined) return { kind: "text", text };
  }
  if (path !== undefined) return { kind: "path", path };
  if (uri !== undefined) throw unsupported(uri);
  throw new PodError("INVALID_INPUT", "The copy's source is an empty asset.", {
    fix: "Give a path, a text or entries.",
  });
}

/** The source named by the inputs: localPath, or the asset/archive. */
export function copySourceOf(inputs: Pick<PodCopyInputs, "source" | "localPath">): Promise<CopySource> {
  if (inputs.localPath !== undefined) return Promise.resolve({ kind: "path", path: inputs.localPath });
  if (!inputs.source) {
    return Promise.reject(
      new PodError("INVALID_INPUT", "PodCopy needs a source or a localPath.", { fix: "Give exactly one of them." }),
    );
  }
  return fromAsset(inputs.source);
}

/** mode as a number; undefined when not given. */
export const modeOf = (mode: string | undefined): number | undefined =>
  mode === undefined ? undefined : Number.parseInt(mode, 8);
