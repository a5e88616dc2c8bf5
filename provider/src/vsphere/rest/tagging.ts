import type { MoRef } from "../session";
import type { RestClient } from "./client";

/** vAPI tagging (com.vmware.cis.tagging) as vCenter and vcsim serve it under /rest. */
export interface Category {
  id: string;
  name: string;
}

export interface Tag {
  id: string;
  name: string;
  category_id: string;
}

const CATEGORY = "/com/vmware/cis/tagging/category";
const TAG = "/com/vmware/cis/tagging/tag";
const ASSOCIATION = "/com/vmware/cis/tagging/tag-association";

const objectId = (vm: MoRef) => ({ object_id: { id: vm.value, type: vm.type } });

export async function listCategories(rest: RestClient): Promise<Category[]> {
  const ids = (await rest.call<string[] | null>("GET", CATEGORY)) ?? [];
  return Promise.all(ids.map((id) => rest.call<Category>("GET", `${CATEGORY}/id:${id}`)));
}

export async function listTags(rest: RestClient, category: Category): Promise<Tag[]> {
  const ids =
    (await rest.call<string[] | null>("POST", `${TAG}/id:${category.id}?~action=list-tags-for-category`)) ?? [];
  return Promise.all(ids.map((id) => rest.call<Tag>("GET", `${TAG}/id:${id}`)));
}

export async function getTag(rest: RestClient, id: string): Promise<Tag> {
  return rest.call<Tag>("GET", `${TAG}/id:${id}`);
}

export async function getCategory(rest: RestClient, id: string): Promise<Category> {
  return rest.call<Category>("GET", `${CATEGORY}/id:${id}`);
}

/** A category for VMs that holds many tags per VM (owner, lab, purpose …). */
export async function createCategory(rest: RestClient, name: string): Promise<Category> {
  const create_spec = {
    name,
    description: "Created by pod",
    cardinality: "MULTIPLE",
    associable_types: ["VirtualMachine"],
  };
  const id = await rest.call<string>("POST", CATEGORY, { create_spec });
  return { id, name };
}

export async function createTag(rest: RestClient, category: Category, name: string): Promise<Tag> {
  const create_spec = { name, description: "Created by pod", category_id: category.id };
  const id = await rest.call<string>("POST", TAG, { create_spec });
  return { id, name, category_id: category.id };
}

export async function deleteCategory(rest: RestClient, id: string): Promise<void> {
  await rest.call("DELETE", `${CATEGORY}/id:${id}`);
}

export async function attachTag(rest: RestClient, tagId: string, vm: MoRef): Promise<void> {
  await rest.call("POST", `${ASSOCIATION}/id:${tagId}?~action=attach`, objectId(vm));
}

export async function detachTag(rest: RestClient, tagId: string, vm: MoRef): Promise<void> {
  await rest.call("POST", `${ASSOCIATION}/id:${tagId}?~action=detach`, objectId(vm));
}

export async function attachedTagIds(rest: RestClient, vm: MoRef): Promise<string[]> {
  return (await rest.call<string[] | null>("POST", `${ASSOCIATION}?~action=list-attached-tags`, objectId(vm))) ?? [];
}

/** The VMs a tag is attached to: how a cleanup finds a lab's VMs by owner. */
export async function attachedObjects(rest: RestClient, tagId: string): Promise<MoRef[]> {
  const ids =
    (await rest.call<{ id: string; type: string }[] | null>(
      "POST",
      `${ASSOCIATION}/id:${tagId}?~action=list-attached-objects`,
      {},
    )) ?? [];
  return ids.map((o) => ({ type: o.type, value: o.id }));
}
