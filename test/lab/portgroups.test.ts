import assert from "node:assert/strict";
import { listPortGroups, pickPortGroup } from "../../provider/src/vsphere/networks";
import { type Datacenter, resolveDatacenter } from "../../provider/src/vsphere/placement";
import {
  ensureDistributedPortGroup,
  ensureStandardPortGroup,
  removeDistributedPortGroup,
  removeStandardPortGroup,
} from "../../provider/src/vsphere/portgroups";
import type { MoRef, VsphereSession } from "../../provider/src/vsphere/session";
import { readVm } from "../../provider/src/vsphere/vm-info";
import { createLabVm } from "../support/lab-vm";
import { labSession, uniqueName } from "../support/vsphere";

/** VLANs for real at the port-group level (issue 5, vSphere side), in vcsim. */
describe("port groups with VLANs in vcsim", () => {
  let session: VsphereSession;
  let dc: Datacenter;
  const std = uniqueName("pg-std");
  const dv = uniqueName("pg-dv");
  const trunk = uniqueName("pg-trunk");
  let dvRef: MoRef;
  let trunkRef: MoRef;

  before(async () => {
    session = await labSession();
    dc = await resolveDatacenter(session);
  });
  after(async () => {
    await removeStandardPortGroup(session, dc, std, ["DC0_C0_H0", "DC0_C0_H1"]).catch(() => undefined);
    if (dvRef) await removeDistributedPortGroup(session, dvRef, dv).catch(() => undefined);
    if (trunkRef) await removeDistributedPortGroup(session, trunkRef, trunk).catch(() => undefined);
    await session.close();
  });

  // A VLAN of this run's own: the examples' stacks use 120 on the same vcsim.
  const vlan = 3000 + (process.pid % 1000);

  it("adds a standard port group with a VLAN on every host, idempotently", async () => {
    const added = await ensureStandardPortGroup(session, dc, { name: std, vlanId: vlan });
    assert.ok(added.length >= 1);
    assert.deepEqual(await ensureStandardPortGroup(session, dc, { name: std, vlanId: vlan }), []);
    const pg = pickPortGroup(await listPortGroups(session, dc.networkFolder), { vlanId: vlan });
    assert.equal(pg.name, std);
    assert.equal(pg.kind, "standard");
  });

  it("refuses to silently change the VLAN of an existing standard port group", async () => {
    await assert.rejects(
      ensureStandardPortGroup(session, dc, { name: std, vlanId: vlan + 1 }),
      new RegExp(`carries VLAN ${vlan}`),
    );
  });

  it("adds distributed port groups with a VLAN id and with trunk ranges", async () => {
    dvRef = (await ensureDistributedPortGroup(session, dc, { name: dv, vlan: { vlanId: 230 } })).ref;
    trunkRef = (
      await ensureDistributedPortGroup(session, dc, { name: trunk, vlan: { trunk: [{ start: 100, end: 199 }] } })
    ).ref;
    const again = await ensureDistributedPortGroup(session, dc, { name: dv, vlan: { vlanId: 230 } });
    assert.equal(again.created, false);
    const pg = pickPortGroup(await listPortGroups(session, dc.networkFolder), { vlanId: 230 });
    assert.equal(pg.name, dv);
    assert.equal(pg.kind, "distributed");
    assert.ok(pg.switchUuid && pg.portgroupKey);
  });

  it("attaches a NIC, refuses deletion while the VM uses the port group, deletes after", async () => {
    const labVm = await createLabVm({
      prefix: "pg-vm",
      container: false,
      nics: [{ network: std }, { vlanId: 230 }],
    });
    const vm = labVm.ref;
    try {
      const info = await readVm(session, vm);
      assert.deepEqual(
        info?.nics.map((n) => n.network),
        [std, dv],
      );
      await assert.rejects(
        removeStandardPortGroup(session, dc, std, ["DC0_C0_H0", "DC0_C0_H1"]),
        /\[?IN_USE|still used by 1 VM/,
      );
      await assert.rejects(removeDistributedPortGroup(session, dvRef, dv), (e: Error & { code?: string }) => {
        assert.equal(e.code, "IN_USE");
        return true;
      });
    } finally {
      await labVm.remove();
    }
    await removeStandardPortGroup(session, dc, std, ["DC0_C0_H0", "DC0_C0_H1"]);
    await removeDistributedPortGroup(session, dvRef, dv);
    const names = (await listPortGroups(session, dc.networkFolder)).map((p) => p.name);
    assert.equal(names.includes(std), false);
    assert.equal(names.includes(dv), false);
  });
});
