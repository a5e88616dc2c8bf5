import { PodError } from "../common/errors";
import type { VmSpec } from "../infra/types";
import { setAttributes } from "./custom-attributes";
import type { RestClient } from "./rest/client";
import { listCategories, listTags } from "./rest/tagging";
import type { MoRef, VsphereSession } from "./session";
import { ensureTags, planTags, readVmTags, syncVmTags, type TagPlan, type TagRef, tagKey } from "./vm-tags";

export type RestFactory = () => Promise<RestClient>;

/**
 * A VM's labels, tags (vAPI REST) and custom attributes (SOAP), in two
 * steps: `prepare` looks everything up before a clone (a missing category
 * fails there, with nothing made), `apply` creates what was asked for,
 * attaches, detaches what an earlier spec had and this one dropped, and
 * sets the attributes.
 */
export class VmLabels {
  private constructor(
    readonly session: VsphereSession,
    readonly spec: VmSpec,
    readonly rest: RestClient | undefined,
    readonly plan: TagPlan | undefined,
  ) {}

  static async prepare(session: VsphereSession, spec: VmSpec, restFactory?: RestFactory): Promise<VmLabels> {
    if (!spec.tags) return new VmLabels(session, spec, undefined, undefined);
    if (!restFactory) {
      throw new PodError(
        "UNSUPPORTED",
        "Tags need vSphere's REST endpoint, and this caller gave pod no way to reach it.",
        {
          fix: "Use PodVm or PodClient (they pass the vSphere login), or drop tags.",
        },
      );
    }
    const rest = await restFactory();
    try {
      return new VmLabels(session, spec, rest, await planTags(rest, spec.tags, spec.createTags ?? false));
    } catch (error) {
      await rest.close();
      throw error;
    }
  }

  /** Applies tags and attributes to `vm`; returns the VM's tags as vSphere reports them when tags are managed. */
  async apply(vm: MoRef, previous?: VmSpec): Promise<string[] | undefined> {
    if (this.spec.customAttributes || previous?.customAttributes) {
      const wanted = this.spec.customAttributes ?? {};
      const cleared = Object.keys(previous?.customAttributes ?? {}).filter((k) => !(k in wanted));
      await setAttributes(this.session, vm, wanted, cleared);
    }
    if (!this.rest || !this.plan) return undefined;
    const ids = await ensureTags(this.rest, this.plan);
    const keep = new Set((this.spec.tags ?? []).map(tagKey));
    const dropped = await existingIds(
      this.rest,
      (previous?.tags ?? []).filter((t) => !keep.has(tagKey(t))),
    );
    await syncVmTags(this.rest, vm, [...ids.values()], dropped);
    return readVmTags(this.rest, vm);
  }

  async close(): Promise<void> {
    await this.rest?.close();
  }
}

/** Ids of the tags that still exist (a tag deleted in vSphere meanwhile is simply not there to detach). */
async function existingIds(rest: RestClient, refs: TagRef[]): Promise<string[]> {
  if (refs.length === 0) return [];
  const categories = await listCategories(rest);
  const ids: string[] = [];
  for (const ref of refs) {
    const category = categories.find((c) => c.name === ref.category);
    const tag = category && (await listTags(rest, category)).find((t) => t.name === ref.name);
    if (tag) ids.push(tag.id);
  }
  return ids;
}
