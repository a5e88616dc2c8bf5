import type { PodCopyInputs, PodCopyOutputs } from "./args";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export interface CopyDiff {
  changes: boolean;
  /** Inputs whose change replaces the copy: new triggers, another remote path. */
  replaces: string[];
  /** True when files must be sent or their mode/owner set; false when only stored settings change. */
  recopy: boolean;
}

/**
 * Content is compared by hash (the manifest's digest over every file's path,
 * mode and SHA-256), not by the source's name: a changed file re-copies, the
 * same bytes under another asset do not. A new target alone (another address
 * or password for the same guest) only updates state, as for PodCommand.
 */
export function diffPodCopy(olds: PodCopyOutputs, news: PodCopyInputs, sha256: string): CopyDiff {
  const replaces = (["triggers", "remotePath"] as const).filter((k) => !same(olds[k], news[k]));
  const recopy = sha256 !== olds.sha256 || !same(olds.owner, news.owner) || !same(olds.mode, news.mode);
  const other = (["target", "keepOnDelete", "strictDelete", "timeoutSeconds", "localPath"] as const).some(
    (k) => !same(olds[k], news[k]),
  );
  return { changes: replaces.length > 0 || recopy || other, replaces: [...replaces], recopy };
}
