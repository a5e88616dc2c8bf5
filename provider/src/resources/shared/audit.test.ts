import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import { PodRuntime } from "../../execution/runtime";
import type { PodCommandInputs, PodCommandOutputs } from "../pod-command/args";
import { diffPodCommand } from "../pod-command/diff";
import type { PodNetworkInputs, PodNetworkOutputs } from "../pod-network/args";
import { diffPodNetwork } from "../pod-network/diff";
import { type PodVmInputs, type PodVmOutputs, podVmInputsSchema } from "../pod-vm/args";
import { diffPodVm } from "../pod-vm/diff";
import { auditLogPath, pulumiActor, urnOf } from "./audit";
import { checkInputs } from "./validate";

const URN_A = "urn:pulumi:dev::lab::pulumi-nodejs:dynamic/pod:PodVm::web";
const URN_B = "urn:pulumi:dev::lab::my:Fleet$pulumi-nodejs:dynamic/pod:PodVm::web";
const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("resources: audit records and the pulumiUrn input", () => {
  it("takes the URN from the inputs, and the log's path from stack config, then POD_AUDIT_LOG", () => {
    assert.equal(urnOf({ pulumiUrn: URN_A }), URN_A);
    assert.equal(urnOf({}), undefined);
    assert.equal(auditLogPath(config({ "pod:auditLog": "a.jsonl" }), { POD_AUDIT_LOG: "b.jsonl" }), "a.jsonl");
    assert.equal(auditLogPath(config({}), { POD_AUDIT_LOG: "b.jsonl" }), "b.jsonl");
    assert.equal(auditLogPath(undefined, {}), undefined, "off unless asked for");
  });

  it("writes one change record per change, the URN as correlation id, the outcome and no secret", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pod-audit-"));
    const file = join(dir, "audit.jsonl");
    const runtime = new PodRuntime({ actor: pulumiActor() });
    const audit = runtime.audit;
    try {
      const secret = new Secret("unit-Resource-Pw-81");
      audit.useLog(auditLogPath(config({ "pod:auditLog": file }), {}));
      audit.useLog(auditLogPath(config({ "pod:auditLog": file }), {})); // the other providers' configure: same file
      const changes = runtime.tracker(urnOf({ pulumiUrn: URN_A }));
      await changes.track(
        "vm.created",
        "web",
        async () => ({ moid: "vm-1" }),
        (o) => ({ details: { moid: o.moid } }),
      );
      const failed = changes.track("vm.deleted", "web", async () => {
        throw new PodError("TIMEOUT", `no answer (password ${secret.reveal()})`);
      });
      await assert.rejects(failed, { code: "TIMEOUT" });
      await runtime.tracker(urnOf({})).track(
        "nic.moved",
        "vm-1",
        async () => "x",
        () => ({ result: "unchanged" }),
      );
      audit.closeLog();
      const text = await readFile(file, "utf8");
      const lines = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(
        lines.map((l) => [l.kind, l.action, l.result, l.target, l.correlationId === URN_A]),
        [
          ["change", "vm.created", "ok", "web", true],
          ["change", "vm.deleted", "TIMEOUT", "web", true],
          ["change", "nic.moved", "unchanged", "vm-1", false],
        ],
      );
      assert.match(String(lines[2]?.correlationId), /^[0-9a-f-]{36}$/, "without a URN: a generated id");
      for (const l of lines) for (const f of ["time", "actor", "durationMs"]) assert.ok(f in l, f);
      assert.match(String(lines[0]?.actor), /^pulumi/);
      assert.deepEqual(lines[0]?.details, { moid: "vm-1" });
      assert.ok(!text.includes(secret.reveal()), "the password is redacted");
    } finally {
      await runtime.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses an audit log it cannot write, with the fix", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pod-audit-"));
    try {
      await writeFile(join(dir, "file"), "");
      const audit = new PodRuntime().audit;
      assert.throws(
        () => audit.useLog(auditLogPath(config({ "pod:auditLog": join(dir, "file", "audit.jsonl") }), {})),
        {
          code: "INVALID_INPUT",
          message: /Cannot open the audit log/,
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a new URN alone (a new parent, an upgrade from before pulumiUrn) never updates or replaces", () => {
    const vmIn: PodVmInputs = { name: "web", template: "pod-template-debian12", numCpus: 1, memoryMb: 256 };
    assert.deepEqual(checkInputs(podVmInputsSchema, { ...vmIn, pulumiUrn: URN_A }), []);
    const vmOut = {
      ...vmIn,
      pulumiUrn: URN_A,
      observedPowerState: "poweredOn",
      observedNumCpus: 1,
      observedMemoryMb: 256,
      observedNics: [],
      observedExtraConfig: {},
    } as unknown as PodVmOutputs;
    for (const urn of [URN_B, undefined]) {
      const vm = diffPodVm(vmOut, { ...vmIn, pulumiUrn: urn } as PodVmInputs);
      assert.deepEqual([vm.changes, vm.replaces], [false, []]);
    }

    const netIn: PodNetworkInputs = { vm: "vm-1", portGroup: { name: "pg-120", vlanId: 120 }, nic: 0 };
    const netOut = { ...netIn, pulumiUrn: URN_A, drift: [] } as unknown as PodNetworkOutputs;
    for (const news of [{ ...netIn, pulumiUrn: URN_B }, netIn]) {
      const net = diffPodNetwork(netOut, news as PodNetworkInputs);
      assert.deepEqual([net.changes, net.replaces], [false, []], JSON.stringify(net.reasons));
    }
    assert.equal(
      diffPodNetwork(
        { ...netIn, drift: [] } as unknown as PodNetworkOutputs,
        { ...netIn, pulumiUrn: URN_B } as PodNetworkInputs,
      ).changes,
      false,
    );

    const cmdIn = { target: { transport: "docker", container: "db" }, create: "uptime" } as PodCommandInputs;
    const cmdOut = { ...cmdIn, pulumiUrn: URN_A } as unknown as PodCommandOutputs;
    assert.deepEqual(diffPodCommand(cmdOut, { ...cmdIn, pulumiUrn: URN_B } as PodCommandInputs), {
      changes: false,
      rerun: false,
      replaces: [],
    });
  });
});
