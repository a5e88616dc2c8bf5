import { PodError } from "../common/errors";
import { closestNames } from "./finder";
import type { RestClient } from "./rest/client";
import {
  attachedTagIds,
  attachTag,
  type Category,
  createCategory,
  createTag,
  detachTag,
  getCategory,
  getTag,
  listCategories,
  listTags,
  type Tag,
} from "./rest/tagging";
import type { MoRef } from "./session";

export interface TagRef {
  category: string;
  name: string;
}

export const tagKey = (t: TagRef) => `${t.category}/${t.name}`;

/** What exists and what would have to be created for a tag list; resolved before anything is cloned. */
export interface TagPlan {
  found: Map<string, Tag>;
  categories: Map<string, Category>;
  missing: TagRef[];
}

/**
 * Looks every wanted tag up. Without `create`, a missing category or tag
 * fails here (did-you-mean from what exists), so nothing has been made yet.
 */
export async function planTags(rest: RestClient, wanted: TagRef[], create: boolean): Promise<TagPlan> {
  const categories = new Map((await listCategories(rest)).map((c) => [c.name, c]));
  const found = new Map<string, Tag>();
  const missing: TagRef[] = [];
  const tagsOf = new Map<string, Tag[]>();
  for (const t of wanted) {
    const category = categories.get(t.category);
    if (!category) {
      if (!create) throw missingCategory(t, [...categories.keys()]);
      missing.push(t);
      continue;
    }
    if (!tagsOf.has(category.id)) tagsOf.set(category.id, await listTags(rest, category));
    const tags = tagsOf.get(category.id) ?? [];
    const tag = tags.find((x) => x.name === t.name);
    if (tag) found.set(tagKey(t), tag);
    else if (create) missing.push(t);
    else
      throw missingTag(
        t,
        tags.map((x) => x.name),
      );
  }
  return { found, categories, missing };
}

/** Creates what the plan lacks (categories first), and returns every wanted tag's id. */
export async function ensureTags(rest: RestClient, plan: TagPlan): Promise<Map<string, string>> {
  const ids = new Map([...plan.found].map(([k, t]) => [k, t.id]));
  for (const t of plan.missing) {
    let category = plan.categories.get(t.category);
    if (!category) {
      category = await createCategory(rest, t.category);
      plan.categories.set(t.category, category);
    }
    ids.set(tagKey(t), (await createTag(rest, category, t.name)).id);
  }
  return ids;
}

/** Attaches the wanted tags and detaches the ones pod attached before and no longer wants. */
export async function syncVmTags(rest: RestClient, vm: MoRef, wanted: string[], dropped: string[]): Promise<void> {
  const attached = new Set(await attachedTagIds(rest, vm));
  for (const id of wanted) if (!attached.has(id)) await attachTag(rest, id, vm);
  for (const id of dropped) if (attached.has(id) && !wanted.includes(id)) await detachTag(rest, id, vm);
}

/** The VM's tags as "category/name", sorted. */
export async function readVmTags(rest: RestClient, vm: MoRef): Promise<string[]> {
  const names: string[] = [];
  const categories = new Map<string, string>();
  for (const id of await attachedTagIds(rest, vm)) {
    const tag = await getTag(rest, id);
    if (!categories.has(tag.category_id)) {
      categories.set(tag.category_id, (await getCategory(rest, tag.category_id)).name);
    }
    names.push(`${categories.get(tag.category_id)}/${tag.name}`);
  }
  return names.sort();
}

function missingCategory(t: TagRef, existing: string[]): PodError {
  const close = closestNames(t.category, existing);
  return new PodError("NOT_FOUND", `No tag category called "${t.category}" exists in vSphere.`, {
    fix: close.length
      ? `Did you mean ${close.map((c) => `"${c}"`).join(" or ")}? Or set createTags: true to create "${t.category}".`
      : `Create the category in vSphere, or set createTags: true so pod creates it (for VMs, many tags per VM).`,
    details: { category: t.category, suggestions: close },
  });
}

function missingTag(t: TagRef, existing: string[]): PodError {
  const close = closestNames(t.name, existing);
  return new PodError("NOT_FOUND", `Tag category "${t.category}" has no tag called "${t.name}".`, {
    fix: close.length
      ? `Did you mean ${close.map((c) => `"${c}"`).join(" or ")}? Or set createTags: true to create "${t.name}".`
      : `Create the tag in vSphere, or set createTags: true so pod creates it.`,
    details: { category: t.category, tag: t.name, suggestions: close },
  });
}
