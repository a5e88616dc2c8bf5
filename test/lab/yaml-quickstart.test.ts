import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

import Docker = require("dockerode");

import { listNamed } from "../../provider/src/vsphere/finder";
import { powerOff } from "../../provider/src/vsphere/vm-ops";
import { requireLab } from "../support/lab-env";
import { buildPlugin } from "../support/plugin-stack";
import { onStack, PulumiCli } from "../support/pulumi-cli";
import { inventoryNames, sweepVcsim } from "../support/quickstart-stack";
import { labSession } from "../support/vsphere";

const repo = join(__dirname, "../..");
const version = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version;
const containersOf = (vmName: string) =>
  new Docker().listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });

/**
 * Issue 13: examples/yaml-quickstart (VM, network, command) in Pulumi YAML: the YAML language host the
 * lab builds (lab/steps/62-pulumi-yaml.sh) type-checks the program against schema.json as the plugin
 * serves it, and the plugin does the work.
 */
describe("yaml: examples/yaml-quickstart through the YAML language host and the provider plugin", () => {
  const lab = requireLab();
  const stack = `yml${process.pid}`;
  const vmName = `pod-yaml-quickstart-${stack}-web`;
  const portGroup = `pod-yaml-quickstart-${stack}-vlan122`;
  const dir = mkdtempSync(join(tmpdir(), "pod-yaml-quickstart-"));
  const home = join(dir, ".pulumi-home");
  let cli: PulumiCli;
  let ok: (...args: string[]) => string;
  let pulumi: (...args: string[]) => { status: number; out: string };

  before(() => {
    const onPath = (process.env.PATH ?? "").split(delimiter).some((d) => existsSync(join(d, "pulumi-language-yaml")));
    assert.ok(onPath, "pulumi-language-yaml is not on PATH: bash lab/lab.sh only build_pulumi_yaml");
    copyFileSync(join(repo, "examples/yaml-quickstart/Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    cli = new PulumiCli(dir, { PULUMI_HOME: home });
    cli.ok("plugin", "install", "resource", "pod", version, "-f", buildPlugin());
    ({ ok, pulumi } = onStack(cli, stack));
    cli.ok("stack", "init", stack);
    ok("config", "set", "pod:vsphereHost", lab.vsphereHost);
    ok("config", "set", "pod:vsphereUser", lab.vsphereUser);
    ok("config", "set", "pod:vsphereCaFile", lab.caFile);
    ok("config", "set", "--secret", "pod:vspherePassword", lab.vspherePassword);
  });

  after(async () => {
    if (cli) {
      pulumi("destroy", "--yes", "--skip-preview");
      pulumi("stack", "rm", "--yes", "--force");
      rmSync(cli.backend, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
    await sweepVcsim(vmName, portGroup);
  });

  it("previews without creating anything in vcsim or Docker", async () => {
    assert.match(ok("preview"), /\+ 4 to create/);
    assert.equal((await inventoryNames("VirtualMachine")).includes(vmName), false);
    assert.equal((await inventoryNames("Network")).includes(portGroup), false);
    assert.deepEqual(await containersOf(vmName), []);
  });

  it("ups: the VM, its NIC (by index) on the VLAN port group, and the argv command's output", async () => {
    assert.match(ok("up", "--yes", "--skip-preview"), /4 created/);
    const outputs = JSON.parse(ok("stack", "output", "--json")) as Record<string, unknown>;
    assert.match(String(outputs.commandOutput), /^Linux /);
    assert.equal((outputs.detectedOs as { distribution: string }).distribution, "debian");
    assert.equal(outputs.portGroup, portGroup);
    assert.ok((await inventoryNames("VirtualMachine")).includes(vmName));
    assert.ok((await inventoryNames("Network")).includes(portGroup));
    assert.equal((await containersOf(vmName)).length, 1);
    const state = ok("stack", "export");
    assert.doesNotMatch(state, new RegExp(lab.vspherePassword), "the vSphere password is not in state");
    assert.doesNotMatch(state, /"password":\s*"pod"/, "the guest password (fn::secret) is not in plaintext state");
  });

  it("a second up changes nothing", () => {
    assert.match(ok("up", "--yes", "--skip-preview"), /4 unchanged/);
  });

  it("refresh shows a VM powered off out of band, and the next preview plans to update it", async () => {
    const session = await labSession();
    try {
      const vm = (await listNamed(session, "VirtualMachine")).find((v) => v.name === vmName);
      assert.ok(vm, "the VM exists in vcsim");
      await powerOff(session, vm.ref, 30_000);
    } finally {
      await session.close();
    }
    assert.match(ok("refresh", "--yes", "--skip-preview", "--diff"), /~ pod:index:PodVm: \(update\)\s+\[id=vm-/);
    assert.match(ok("preview", "--diff"), /~ pod:index:PodVm: \(update\)\s+\[id=vm-/);
  });

  it("destroy leaves nothing in vcsim or Docker", async () => {
    ok("destroy", "--yes", "--skip-preview");
    assert.equal((await inventoryNames("VirtualMachine")).includes(vmName), false);
    assert.equal((await inventoryNames("Network")).includes(portGroup), false);
    assert.deepEqual(await containersOf(vmName), []);
  });
});

describe("yaml: the YAML host type-checks programs against schema.json's enums and unions", () => {
  requireLab();
  const dir = mkdtempSync(join(tmpdir(), "pod-yaml-typecheck-"));
  let cli: PulumiCli;

  after(() => {
    cli?.run("stack", "rm", "--yes", "--force", "--stack", "t");
    if (cli) rmSync(cli.backend, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an unknown enum value and a command of none of the union's shapes, before anything runs", async () => {
    const program = [
      "name: pod-yaml-typecheck",
      "runtime: yaml",
      "resources:",
      "  vm:",
      "    type: pod:PodVm",
      "    properties: { name: typecheck-vm, template: pod-template-debian12, powerState: sideways }",
      "  cmd:",
      "    type: pod:PodCommand",
      "    properties: { target: { host: 127.0.0.1 }, create: { script: uname, shell: fish } }",
    ].join("\n");
    writeFileSync(join(dir, "Pulumi.yaml"), `${program}\n`);
    cli = new PulumiCli(dir, { PULUMI_HOME: join(dir, ".pulumi-home") });
    cli.ok("plugin", "install", "resource", "pod", version, "-f", buildPlugin());
    cli.ok("stack", "init", "t");
    const r = cli.run("preview", "--stack", "t");
    const out = `${r.stdout}\n${r.stderr}`;
    assert.notEqual(r.status, 0);
    assert.match(
      out,
      /powerState: Cannot assign type 'string' to type 'pod:index:PowerState':\s+Allowed values are "on", "off"/,
    );
    assert.match(out, /create: Cannot assign .* to 'Union<string, List<string>, pod:index:ShellScript>'/);
    assert.match(out, /Allowed values are "sh", "bash", "powershell", "cmd"/);
    assert.equal((await inventoryNames("VirtualMachine")).includes("typecheck-vm"), false);
  });
});
