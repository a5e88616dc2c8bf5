import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Docker = require("dockerode");

import { requireLab } from "../support/lab-env";
import { requirePostgres, stateKeys } from "../support/postgres";
import { inventoryNames, quickstartWith, sweepVcsim } from "../support/quickstart-stack";

const repo = join(__dirname, "../..");
const program = join(repo, "examples/quickstart");

interface EnvRow {
  name: string;
  owner: string;
  expired: boolean;
  resources: number;
  lastResult: string;
}

/**
 * Issue 16: `pod env` as a team uses it, on the lab's PostgreSQL backend:
 * five quickstart environments deployed at once (two CLI runs, each bounded),
 * listed, the two expired ones removed by `gc`, the rest by `down`; checked
 * from vcsim's, Docker's and the database's side.
 */
describe("lab: pod env over the Automation API", function () {
  this.timeout(1_800_000);
  const lab = requireLab();
  const pg = requirePostgres();
  const tag = `${process.pid.toString(36)}${randomBytes(2).toString("hex")}`;
  const lasting = [1, 2, 3].map((i) => `env${tag}-${i}`);
  const expiring = [4, 5].map((i) => `env${tag}-${i}`);
  const failing = `env${tag}-bad`;
  const all = [...lasting, ...expiring];
  const vm = (env: string) => `pod-quickstart-${env}-web`;
  const portGroup = (env: string) => `pod-quickstart-${env}-vlan120`;
  const env = {
    PULUMI_BACKEND_URL: pg.backendUrl,
    POD_VSPHERE_PASSWORD: lab.vspherePassword,
    POD_ENV_OWNER: `ci-${tag}`,
  };
  const labConfig = [
    ["--config", `pod:vsphereHost=${lab.vsphereHost}`],
    ["--config", `pod:vsphereUser=${lab.vsphereUser}`],
    ["--config", `pod:vsphereCaFile=${lab.caFile}`],
  ].flat();

  /** The pod CLI as a user runs it. */
  function pod(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        join(repo, "node_modules/.bin/ts-node"),
        ["--transpile-only", join(repo, "provider/src/cli/main.ts"), ...args],
        { env: { ...process.env, ...env }, timeout: 1_500_000, maxBuffer: 64 << 20 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  }
  const ls = async (): Promise<EnvRow[]> => {
    const r = await pod("--json", "env", "ls");
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as EnvRow[]).filter((e) => e.name.startsWith(`env${tag}-`));
  };
  const containers = async (envs: string[]) =>
    (await new Docker().listContainers({ all: true })).filter((c) =>
      envs.some((e) => c.Names.some((n) => n.startsWith(`/vcsim-${vm(e)}-`))),
    );

  before(() => {
    // Builds pod and installs the quickstart's dependencies (on a throwaway file backend).
    quickstartWith(
      { POD_PULUMI_BACKEND_URL: `file://${mkdtempSync(join(tmpdir(), "pod-env-"))}` },
      "install",
      "version",
    );
  });

  after(async () => {
    await pod("env", "down", ...all, failing); // best effort: what a failed test left
    for (const e of all) await sweepVcsim(vm(e), portGroup(e));
  });

  it("deploys five environments at once, with bounded concurrency per run", async () => {
    const [a, b] = await Promise.all([
      pod("--json", "env", "--concurrency", "3", "up", ...lasting, "--program", program, "--ttl", "4h", ...labConfig),
      pod("--json", "env", "--concurrency", "2", "up", ...expiring, "--program", program, "--ttl", "1s", ...labConfig),
    ]);
    for (const r of [a, b]) {
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.ok((JSON.parse(r.stdout) as { results: { ok: boolean }[] }).results.every((x) => x.ok));
    }
    // Progress: one line per resource step, per environment.
    assert.match(a.stderr, new RegExp(`\\[${lasting[0]}\\] create PodVm web…`));
    const vms = await inventoryNames("VirtualMachine");
    for (const e of all) assert.ok(vms.includes(vm(e)), `${vm(e)} in vcsim`);
    assert.equal((await containers(all)).length, 5, "five guest containers in Docker");
  });

  it("lists them with owner, expiry, resources and last result", async () => {
    const rows = await ls();
    assert.deepEqual(rows.map((r) => r.name).sort(), [...all].sort());
    for (const r of rows) {
      assert.equal(r.owner, `ci-${tag}`);
      assert.equal(r.resources, 5, `${r.name}: stack, provider, PodVm, PodNetwork, PodCommand`);
      assert.equal(r.lastResult, "update succeeded");
      assert.equal(r.expired, expiring.includes(r.name), r.name);
    }
    const table = await pod("env", "ls");
    console.log(table.stdout); // quoted in the closing note
    assert.match(table.stdout, /NAME\s+OWNER\s+AGE\s+EXPIRES\s+RESOURCES\s+LAST RESULT/);
  });

  it("gc removes exactly the two expired environments, in vcsim and Docker too", async () => {
    const r = await pod("--json", "env", "gc");
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const results = (JSON.parse(r.stdout) as { results: { name: string; ok: boolean }[] }).results;
    assert.deepEqual(
      results
        .filter((x) => x.name.startsWith(`env${tag}-`))
        .map((x) => x.name)
        .sort(),
      [...expiring].sort(),
    );
    assert.deepEqual((await ls()).map((x) => x.name).sort(), [...lasting].sort());
    const vms = await inventoryNames("VirtualMachine");
    const nets = await inventoryNames("Network");
    for (const e of expiring) {
      assert.equal(vms.includes(vm(e)), false, `${vm(e)} gone from vcsim`);
      assert.equal(nets.includes(portGroup(e)), false, `${portGroup(e)} gone from vcsim`);
      assert.deepEqual(stateKeys(pg, `.pulumi/stacks/%/${e}.json`), [], `${e}'s stack gone from the database`);
    }
    assert.equal((await containers(expiring)).length, 0);
    for (const e of lasting) assert.ok(vms.includes(vm(e)), `${vm(e)} still there`);
  });

  it("keeps a failed up as an environment that down still removes", async () => {
    const r = await pod(
      "env",
      "up",
      failing,
      "--program",
      program,
      "--config",
      "pod:vsphereHost=127.0.0.1:1",
      "--config",
      `pod:vsphereCaFile=${lab.caFile}`,
    );
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, new RegExp(`${failing}: \\[DEPLOYMENT_FAILED\\]`));
    const row = (await ls()).find((x) => x.name === failing);
    assert.equal(row?.lastResult, "update failed");
    const down = await pod("env", "down", failing);
    assert.equal(down.code, 0, `${down.stdout}\n${down.stderr}`);
    assert.equal(
      (await ls()).some((x) => x.name === failing),
      false,
    );
  });

  it("down removes the rest; nothing is left in vcsim, Docker or the database", async () => {
    const r = await pod("--json", "env", "--concurrency", "3", "down", ...lasting);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(await ls(), []);
    const vms = await inventoryNames("VirtualMachine");
    const nets = await inventoryNames("Network");
    for (const e of all) {
      assert.equal(vms.includes(vm(e)), false, vm(e));
      assert.equal(nets.includes(portGroup(e)), false, portGroup(e));
    }
    assert.deepEqual(await containers(all), []);
    assert.deepEqual(stateKeys(pg, `.pulumi/stacks/%/env${tag}-%.json`), []);
  });
});
