/**
 * PodCopy in the plugin: the dynamic provider's check, create, update and
 * delete. Assets and archives reach a provider in Pulumi's wire form (the
 * signature key, the engine's hash, and path, text, uri or assets), which
 * the resource reads as it is (resources/pod-copy/source.ts), and outputs
 * carry the same object back, so state keeps the asset the program gave.
 * A relative path is read from the plugin's working directory, which the
 * engine sets to the program's (as for the dynamic provider).
 *
 * Diff gets assets as their hash only (the engine elides their contents),
 * so the content digest the resource compares is taken in check and sent
 * back with the inputs as `sourceSha256`, as the dynamic provider does.
 */
import { PodError } from "../common/errors";
import { POD_COPY_SECRET_OUTPUTS, type PodCopyInputs, type PodCopyOutputs } from "../resources/pod-copy/args";
import { diffPodCopy } from "../resources/pod-copy/diff";
import { PodCopyProvider } from "../resources/pod-copy/provider";
import type { ConfigSource } from "./config";
import { changedInputs, detailedDiff } from "./detailed-diff";
import { DynamicHandler } from "./dynamic-handler";
import type { CheckOutcome, Props } from "./handler";

/** Outputs that are not inputs, and the source itself: its content is compared by hash. */
const NOT_COMPARED = ["sha256", "files", "dirs", "bytes", "os", "source", "sourceSha256"];

export class PodCopyHandler extends DynamicHandler<PodCopyProvider> {
  constructor(config: ConfigSource) {
    super("PodCopy", new PodCopyProvider(), config);
  }

  secretOutputs = () => [...POD_COPY_SECRET_OUTPUTS];

  override async check(news: Props): Promise<CheckOutcome> {
    const r = await this.dynamic.check({} as never, news as never);
    const sourceSha256 = (r.inputs as { sourceSha256?: string } | undefined)?.sourceSha256;
    return { failures: r.failures ?? [], ...(sourceSha256 !== undefined ? { added: { sourceSha256 } } : {}) };
  }

  diff(olds: Props, news: Props) {
    const o = olds as unknown as PodCopyOutputs;
    const n = news as unknown as PodCopyInputs;
    // No hash from check (a source or mode still unknown in preview): the content counts as changed.
    const sha256 = typeof news.sourceSha256 === "string" ? news.sourceSha256 : "";
    const d = diffPodCopy(o, n, sha256);
    const changed = d.changes ? changedInputs(olds, news, NOT_COMPARED) : [];
    if (sha256 !== o.sha256) changed.push(n.localPath !== undefined ? "localPath" : "source");
    // The old copy goes first: a new one at the same path must not be removed by the old one's delete.
    return detailedDiff(olds, news, changed, d.replaces, true);
  }

  async read(id: string, outs: Props | undefined) {
    // pod does not read files back from the guest (nor does the dynamic provider): refresh keeps the state.
    if (outs) return { id, outs };
    throw new PodError("UNSUPPORTED", "A PodCopy cannot be imported: pod keeps a record of what it copied.", {
      fix: "Declare the PodCopy in the program; it copies on the next `pulumi up`.",
    });
  }
}
