import assert from "node:assert/strict";
import { ownedByOther, ownerStack, sameOwner } from "./ownership";

describe("ownership of vSphere objects", () => {
  const a = "urn:pulumi:dev::lab::pod:index:PodNetwork::web-net";
  it("compares owners by stack and project, not by resource", () => {
    assert.equal(ownerStack(a), "urn:pulumi:dev::lab");
    assert.ok(sameOwner(a, "urn:pulumi:dev::lab::pod:index:PodNetwork::db-net"));
    assert.equal(sameOwner(a, "urn:pulumi:prod::lab::pod:index:PodNetwork::web-net"), false);
    assert.equal(sameOwner(a, "urn:pulumi:dev::other::pod:index:PodNetwork::web-net"), false);
    assert.equal(ownerStack("cli:alice"), "cli:alice");
  });

  it("names the owning stack in a typed error", () => {
    const e = ownedByOther("Port group", "lab-vlan120", a);
    assert.equal(e.code, "OWNED_BY_OTHER");
    assert.match(e.message, /Port group lab-vlan120 belongs to stack dev of project lab/);
    assert.match(e.fix ?? "", /another name/);
  });
});
