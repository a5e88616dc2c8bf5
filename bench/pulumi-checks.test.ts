import assert from "node:assert/strict";
import { checkNoChanges, checkUpOutputs, dockerMemBytes, failureNote, resourcesLeft } from "./pulumi-checks";

const fleet = (hostnames: unknown[]) =>
  JSON.stringify({ fleet: hostnames.map((h, i) => ({ name: `vm-${i}`, ip: `10.0.0.${i}`, hostname: h })) });

describe("Pulumi cost curve checks", () => {
  describe("after up", () => {
    it("passes N guests that all have a hostname", () => {
      assert.equal(checkUpOutputs("pod", 2, fleet(["a\n", "b"])), undefined);
    });
    it("fails a guest with an empty hostname, and says how many had one", () => {
      assert.equal(checkUpOutputs("pod", 2, fleet(["a", " \n"])), "1 of 2 guests have a hostname output, expected 2");
    });
    it("fails too few guests and a missing output", () => {
      assert.match(checkUpOutputs("pod", 3, fleet(["a", "b"])) ?? "", /expected 3/);
      assert.equal(checkUpOutputs("pod", 1, "{}"), "stack output 'fleet' is missing");
      assert.equal(checkUpOutputs("pod", 1, "not json"), "stack outputs are not JSON");
    });
    it("wants 2N non-empty ids from the baseline", () => {
      assert.equal(checkUpOutputs("baseline", 2, JSON.stringify({ ids: ["t-0", "t-1", "t-2", "t-3"] })), undefined);
      assert.equal(
        checkUpOutputs("baseline", 2, JSON.stringify({ ids: ["t-0", "", "t-2", "t-3"] })),
        "3 ids of 4, expected 4",
      );
      assert.equal(checkUpOutputs("baseline", 2, JSON.stringify({ ids: ["t-0"] })), "1 ids of 1, expected 4");
    });
  });

  describe("preview and no-op up", () => {
    it("passes a summary of only unchanged resources", () => {
      assert.equal(checkNoChanges("Resources:\n    5 unchanged\n\nDuration: 3s\n", 5), undefined);
    });
    it("fails a summary that creates, updates, deletes or replaces", () => {
      assert.match(checkNoChanges("Resources:\n    + 2 to create\n    3 unchanged\n", 5) ?? "", /2 to create/);
      assert.match(checkNoChanges("Resources:\n    ~ 1 updated\n    4 unchanged\n", 5) ?? "", /1 updated/);
      assert.match(checkNoChanges("Resources:\n    +-1 replaced\n    4 unchanged\n", 5) ?? "", /1 replaced/);
    });
    it("fails a wrong unchanged count or none at all", () => {
      assert.equal(checkNoChanges("4 unchanged", 5), "expected 5 unchanged resources, the summary says 4");
      assert.equal(checkNoChanges("error", 5), "expected 5 unchanged resources, the summary says none");
    });
  });

  describe("after destroy", () => {
    it("counts the program's resources left, not the stack or default providers", () => {
      const state = (types: string[]) =>
        JSON.stringify({ version: 3, deployment: { resources: types.map((type, i) => ({ urn: `urn:${i}`, type })) } });
      assert.deepEqual(resourcesLeft(state(["pulumi:pulumi:Stack", "pulumi:providers:pod"])), []);
      assert.deepEqual(resourcesLeft(state(["pulumi:pulumi:Stack", "pod:index:PodVm"])), ["urn:1"]);
      assert.deepEqual(resourcesLeft(JSON.stringify({ version: 3, deployment: {} })), []);
    });
  });

  it("reads docker stats' memory column in binary and decimal units", () => {
    assert.equal(dockerMemBytes("2MiB / 23.54GiB"), 2 * 1024 * 1024);
    assert.equal(dockerMemBytes("512KiB / 1GiB"), 512 * 1024);
    assert.equal(dockerMemBytes("1.5GB / 2GB"), 1.5e9);
    assert.ok(Number.isNaN(dockerMemBytes("--")));
  });
});

describe("Pulumi cost curve failure notes", () => {
  it("keeps a pulumi command's first diagnostic on one line, not its progress output", () => {
    const message = [
      "pulumi up --yes --skip-preview exited 1: Updating (bench-1):",
      " +  pulumi:pulumi:Stack p creating (0s)",
      " +  pod:PodCommand hostname-0 **creating failed** error: PodCommand on 10.0.0.1: create failed: [X] bad",
      "    error: update failed",
    ].join("\n");
    assert.equal(
      failureNote(message),
      "pulumi up --yes --skip-preview exited 1: PodCommand on 10.0.0.1: create failed: [X] bad",
    );
  });
  it("collapses any other message to one line and bounds its length", () => {
    assert.equal(failureNote("check after up (cycle 2):\n 1 of 2 guests"), "check after up (cycle 2): 1 of 2 guests");
    assert.equal(failureNote("x".repeat(400), 10), `${"x".repeat(9)}…`);
  });
});
