import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { toPodError } from "../../common/errors";
import { type CopyRecord, copyToGuest, removeCopied } from "../../execution/copy/copy";
import { checkRemotePath } from "../../execution/copy/remote-path";
import { buildManifest, checkSource } from "../../execution/copy/source";
import { targetName } from "../../execution/guest-target";
import { urnOf } from "../shared/audit";
import { isGuestUnreachable, resourceError } from "../shared/errors";
import { guestTargetFailures, withGuestDefaults } from "../shared/guest-defaults";
import { configureRuntime, resourceTarget, sharedRuntime, toDetectedOs } from "../shared/runtime";
import { hasUnknowns } from "../shared/unknowns";
import { type CheckFailure, checkInputs } from "../shared/validate";
import type { ProviderConfig } from "../shared/vsphere-connection";
import { type PodCopyInputs, type PodCopyOutputs, podCopyInputsSchema } from "./args";
import { diffPodCopy } from "./diff";
import { copySourceOf, modeOf } from "./source";

/** The PodCopy dynamic provider: CRUD only; execution/copy does the work. */
export class PodCopyProvider implements pulumi.dynamic.ResourceProvider<PodCopyInputs, PodCopyOutputs> {
  #config: ProviderConfig = {};
  readonly #runtime = sharedRuntime();

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#config = configureRuntime(this.#runtime, req.config);
  }

  /**
   * Validates, and hashes the source: Pulumi hands diff assets without their
   * paths or texts (only its own hash), so the content digest pod compares is
   * taken here and travels to diff as `sourceSha256` (a hash, never content).
   */
  async check(_olds: PodCopyInputs, news: PodCopyInputs): Promise<pulumi.dynamic.CheckResult<PodCopyInputs>> {
    const failures = [...checkInputs(podCopyInputsSchema, news), ...guestTargetFailures(news.target, this.#config)];
    if (!failures.length) failures.push(...(await sourceFailures(news)));
    if (failures.length || hasUnknowns([news.source, news.localPath, news.mode])) return { inputs: news, failures };
    const manifest = await buildManifest(await copySourceOf(news), modeOf(news.mode));
    return { inputs: { ...news, sourceSha256: manifest.sha256 } as PodCopyInputs, failures };
  }

  async diff(_id: string, olds: PodCopyOutputs, news: PodCopyInputs): Promise<pulumi.dynamic.DiffResult> {
    const checked = (news as { sourceSha256?: string }).sourceSha256;
    if (checked === undefined && hasUnknowns([news.source, news.localPath])) return { changes: true };
    const sha256 = checked ?? (await buildManifest(await copySourceOf(news), modeOf(news.mode))).sha256;
    const { changes, replaces } = diffPodCopy(olds, news, sha256);
    // The old copy goes first: a new one at the same path must not be removed by the old one's delete.
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  }

  async create(inputs: PodCopyInputs): Promise<pulumi.dynamic.CreateResult<PodCopyOutputs>> {
    return { id: randomUUID(), outs: await this.#copy(inputs, undefined, "create") };
  }

  async update(
    _id: string,
    olds: PodCopyOutputs,
    news: PodCopyInputs,
  ): Promise<pulumi.dynamic.UpdateResult<PodCopyOutputs>> {
    return { outs: await this.#copy(news, olds, "update") };
  }

  async delete(_id: string, props: PodCopyOutputs): Promise<void> {
    if (props.keepOnDelete) return;
    try {
      const target = await withGuestDefaults(props.target, this.#config);
      await removeCopied(this.#runtime, resourceTarget(this.#runtime, target, this.#config), props, urnOf(props));
    } catch (error) {
      // A gone or unreachable target counts as deleted unless strictDelete.
      if (props.strictDelete || !isGuestUnreachable(error)) {
        throw resourceError(`PodCopy to ${targetName(props.target)}`, "delete", error);
      }
    }
  }

  async #copy(inputs: PodCopyInputs, olds: PodCopyOutputs | undefined, action: string): Promise<PodCopyOutputs> {
    try {
      // Bad input ends here, before anything is read or any guest is dialled.
      checkRemotePath(inputs.remotePath);
      const manifest = await buildManifest(await copySourceOf(inputs), modeOf(inputs.mode));
      if (olds && !diffPodCopy(olds, inputs, manifest.sha256).recopy) {
        // Same bytes, mode and owner: only stored settings changed (a new address for the same guest).
        const { sha256, files, dirs, bytes, os } = olds;
        return { ...inputs, sha256, files, dirs, bytes, os };
      }
      const target = await withGuestDefaults(inputs.target, this.#config);
      const mode = modeOf(inputs.mode);
      const { record, os } = await copyToGuest(this.#runtime, resourceTarget(this.#runtime, target, this.#config), {
        remotePath: inputs.remotePath,
        manifest,
        modeGiven: mode !== undefined,
        ...(inputs.owner !== undefined ? { owner: inputs.owner } : {}),
        ...(olds ? { previous: previousRecord(olds) } : {}),
        ...(urnOf(inputs) ? { correlationId: urnOf(inputs) as string } : {}),
        ...(inputs.timeoutSeconds ? { timeoutMs: inputs.timeoutSeconds * 1000 } : {}),
      });
      const { files, dirs, sha256, bytes } = record;
      return { ...inputs, sha256, files, dirs, bytes, os: toDetectedOs(os) };
    } catch (error) {
      throw resourceError(`PodCopy to ${targetName(inputs.target)}`, action, toPodError(error));
    }
  }
}

function previousRecord(olds: PodCopyOutputs): CopyRecord {
  const { remotePath, files, dirs, sha256, bytes, owner } = olds;
  return { remotePath, files, dirs, sha256, bytes, ...(owner !== undefined ? { owner } : {}) };
}

/** A missing source or a bad archive entry, as a check failure (nothing read beyond stat). */
async function sourceFailures(news: PodCopyInputs): Promise<CheckFailure[]> {
  if (hasUnknowns([news.source, news.localPath])) return [];
  try {
    await checkSource(await copySourceOf(news));
    return [];
  } catch (error) {
    const e = toPodError(error);
    return [
      { property: news.localPath !== undefined ? "localPath" : "source", reason: `${e.message} ${e.fix ?? ""}`.trim() },
    ];
  }
}
