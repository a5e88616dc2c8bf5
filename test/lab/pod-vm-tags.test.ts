import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Secret } from "../../provider/src/common/secret";
import type { PodVmInputs, PodVmOutputs } from "../../provider/src/resources/pod-vm/args";
import { PodVmProvider } from "../../provider/src/resources/pod-vm/provider";
import { fieldDefs } from "../../provider/src/vsphere/custom-attributes";
import { RestClient } from "../../provider/src/vsphere/rest/client";
import { attachedObjects, deleteCategory, listCategories, listTags } from "../../provider/src/vsphere/rest/tagging";
import type { MoRef } from "../../provider/src/vsphere/session";
import { readVmTags } from "../../provider/src/vsphere/vm-tags";
import { requireLab, vsphereConnectionOf } from "../support/lab-env";
import { rawProps, vmByName } from "../support/vcsim-vm";
import { labSession, uniqueName } from "../support/vsphere";

/**
 * PodVm tags (vAPI REST) and custom attributes (CustomFieldsManager) against
 * vcsim (issue 14): checked through a separate REST session and raw SOAP
 * property reads, the way a cleanup job would find a lab's VMs by owner.
 */
describe("PodVm tags and custom attributes against vcsim", () => {
  const lab = requireLab();
  const provider = new PodVmProvider();
  const connection = vsphereConnectionOf(lab);
  const id = randomBytes(3).toString("hex");
  const category = `pod-owner-${id}`;
  const ownerKey = `pod-owner-${id}`;
  const labKey = `pod-lab-${id}`;
  const rest = () =>
    RestClient.connect({
      host: lab.vsphereHost,
      user: lab.vsphereUser,
      password: new Secret(lab.vspherePassword),
      trust: { ca: lab.ca },
    });
  const inputs: PodVmInputs = {
    connection,
    name: uniqueName("podvm-tags"),
    template: "pod-template-debian12",
    powerState: "off",
    waitForIpTimeoutSeconds: 0,
    tags: [{ category, name: "alice" }],
    customAttributes: { [ownerKey]: "alice", [labKey]: id },
  };
  let vmId = "";
  let outs: PodVmOutputs;
  const vm = (): MoRef => ({ type: "VirtualMachine", value: vmId });

  /** Tags on the VM and custom attributes by name, read from vcsim through their own sessions. */
  async function seenByVcsim(): Promise<{ tags: string[]; attributes: Record<string, string> }> {
    const client = await rest();
    const session = await labSession();
    try {
      const tags = await readVmTags(client, vm());
      const names = new Map((await fieldDefs(session)).map((f) => [f.key, f.name]));
      const values = ((await rawProps(vm(), ["customValue"])).customValue ?? []) as { key: number; value: string }[];
      const attributes = Object.fromEntries(
        values
          .filter((v) => [ownerKey, labKey].includes(names.get(v.key) ?? ""))
          .map((v) => [names.get(v.key), v.value]),
      );
      return { tags, attributes };
    } finally {
      await client.close();
      await session.close();
    }
  }

  after(async () => {
    if (vmId) await provider.delete(vmId, outs).catch(() => undefined);
    const client = await rest();
    const session = await labSession();
    try {
      const mine = (await listCategories(client)).filter((c) => c.name === category);
      for (const c of mine) await deleteCategory(client, c.id);
      for (const f of await fieldDefs(session)) {
        if ([ownerKey, labKey].includes(f.name)) {
          await session.call("RemoveCustomFieldDef", {
            _this: session.content.customFieldsManager as MoRef,
            key: f.key,
          });
        }
      }
    } finally {
      await client.close();
      await session.close();
    }
  });

  it("the REST login checks vSphere's certificate first: untrusted → TLS_UNTRUSTED, no credentials sent", async () => {
    const untrusted = RestClient.connect({
      host: lab.vsphereHost,
      user: lab.vsphereUser,
      password: new Secret(lab.vspherePassword),
      trust: {}, // system roots only: the lab CA is not among them
    });
    await assert.rejects(untrusted, (e: Error & { code?: string }) => {
      assert.equal(e.code, "TLS_UNTRUSTED");
      assert.doesNotMatch(e.message, new RegExp(lab.vspherePassword));
      return true;
    });
  });

  it("a missing tag category fails before anything is cloned, saying createTags; no category is made", async () => {
    await assert.rejects(provider.create(inputs), (e: Error) => {
      assert.match(e.message, new RegExp(`\\[NOT_FOUND\\] No tag category called "${category}" exists in vSphere`));
      assert.match(e.message, /createTags: true/);
      return true;
    });
    assert.equal(await vmByName(inputs.name), undefined, "vcsim has no VM of that name");
    const client = await rest();
    try {
      assert.equal(
        (await listCategories(client)).some((c) => c.name === category),
        false,
      );
    } finally {
      await client.close();
    }
  });

  it("with createTags, creates the category and tag, attaches it and sets the attributes: the VM is found by owner", async () => {
    const created = await provider.create({ ...inputs, createTags: true });
    vmId = created.id;
    outs = created.outs as PodVmOutputs;
    assert.deepEqual(await seenByVcsim(), {
      tags: [`${category}/alice`],
      attributes: { [ownerKey]: "alice", [labKey]: id },
    });
    // What a cleanup job does: the tag → the VMs carrying it.
    const client = await rest();
    try {
      const [cat] = (await listCategories(client)).filter((c) => c.name === category);
      assert.ok(cat);
      const [alice] = await listTags(client, cat);
      assert.ok(alice);
      assert.deepEqual(await attachedObjects(client, alice.id), [vm()]);
    } finally {
      await client.close();
    }
    assert.deepEqual(outs.observedTags, [`${category}/alice`]);
    assert.equal((await provider.diff(vmId, outs, { ...inputs, createTags: true })).changes, false);
  });

  it("updates in place: alice's tag detached, bob's attached, the dropped attribute cleared", async () => {
    const news: PodVmInputs = {
      ...inputs,
      createTags: true,
      tags: [{ category, name: "bob" }],
      customAttributes: { [ownerKey]: "bob" },
    };
    assert.deepEqual((await provider.diff(vmId, outs, news)).replaces, []);
    outs = (await provider.update(vmId, outs, news)).outs as PodVmOutputs;
    assert.deepEqual(await seenByVcsim(), {
      tags: [`${category}/bob`],
      attributes: { [ownerKey]: "bob", [labKey]: "" },
    });
  });

  it("an unknown tag in an existing category fails with 'did you mean'; the VM's tags are unchanged", async () => {
    const news: PodVmInputs = {
      ...inputs,
      tags: [{ category, name: "bbo" }],
      customAttributes: { [ownerKey]: "carol" },
    };
    await assert.rejects(provider.update(vmId, outs, news), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`Tag category "${category}" has no tag called "bbo"\\. Fix: Did you mean "bob"\\?`),
      );
      return true;
    });
    assert.deepEqual(await seenByVcsim(), {
      tags: [`${category}/bob`],
      attributes: { [ownerKey]: "bob", [labKey]: "" },
    });
  });
});
