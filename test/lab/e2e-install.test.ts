import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import Docker = require("dockerode");

import { listNamed } from "../../provider/src/vsphere/finder";
import { destroyVm } from "../../provider/src/vsphere/vm-ops";
import { requireLab } from "../support/lab-env";
import { readmeSection } from "../support/readme";
import { labSession } from "../support/vsphere";

const repo = join(__dirname, "../..");

/** Runs a README block with bash (errexit) in `cwd`, POD pointing at this clone; fails with its output. */
function sh(script: string, cwd: string): string {
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, POD: repo, npm_config_audit: "false", npm_config_fund: "false" },
    timeout: 900_000,
  });
  if (r.status !== 0) throw new Error(`exit ${r.status}:\n${script}\n--- output ---\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function vm(name: string): Promise<{ ref: { type: string; value: string }; name: string } | undefined> {
  const session = await labSession();
  try {
    return (await listNamed(session, "VirtualMachine")).find((v) => v.name === name);
  } finally {
    await session.close();
  }
}

/** The containers vcsim runs for a VM (it names them vcsim-<vm name>-<uuid>). */
const containers = (vmName: string) =>
  new Docker().listContainers({ all: true, filters: { name: [`vcsim-${vmName}-`] } });

/**
 * Issue 11: the README's "Use pod in your own project", as a user does it — its shell blocks,
 * Pulumi.yaml and index.ts taken from README.md — in an empty directory outside the repository.
 * The only change is the stack's name ("dev" in the README), so runs never collide.
 */
describe("e2e: install pod into a project of its own, as the README says", () => {
  requireLab();
  const stack = `inst${process.pid}${Date.now().toString(36)}`;
  const vmName = `web-${stack}`;
  const section = readmeSection(readFileSync(join(repo, "README.md"), "utf8"), "Use pod in your own project");
  const [install = "", up = "", destroy = ""] = section.blocks("sh").map((b) => b.replace(/\bdev\b/g, stack));
  const work = mkdtempSync(join(tmpdir(), "pod-e2e-install-"));
  const project = join(work, "my-lab");
  const inProject = (block: string) => sh(`source "$POD/lab/env.sh"\n${block}`, project);

  after(async () => {
    // When a step failed half-way: destroy what the stack made, then anything left in vcsim.
    if (existsSync(join(project, "Pulumi.yaml"))) {
      spawnSync(
        "bash",
        [
          "-c",
          `source "$POD/lab/env.sh"; pulumi destroy --yes --skip-preview --non-interactive --stack ${stack}; pulumi stack rm --yes --force --non-interactive ${stack}`,
        ],
        {
          cwd: project,
          env: { ...process.env, POD: repo },
        },
      );
    }
    const left = await vm(vmName);
    if (left) {
      const session = await labSession();
      await destroyVm(session, left.ref as never, 5_000).catch(() => undefined);
      await session.close();
    }
    rmSync(work, { recursive: true, force: true });
  });

  it("has the README's steps: tarballs from make pack, a Pulumi.yaml, a program, up and destroy", () => {
    assert.equal(section.blocks("sh").length, 3, "three shell blocks: install, up, destroy");
    assert.match(install, /make -C "\$POD" pack/);
    assert.match(install, /npm install .*\.tgz/);
    assert.match(up, new RegExp(`pulumi stack init ${stack}`), 'the README names its stack "dev"');
    assert.match(up, /pulumi up/);
    assert.match(destroy, /pulumi destroy/);
    assert.equal(section.blocks("yaml").length, 1);
    assert.equal(section.blocks("ts").length, 1);
  });

  it("installs the tarballs as copies, with no .npmrc, into an empty directory outside the repo", () => {
    assert.equal(work.startsWith(repo), false);
    sh(install, work);
    const [yaml] = section.blocks("yaml");
    const [program] = section.blocks("ts");
    writeFileSync(join(project, "Pulumi.yaml"), yaml ?? "");
    writeFileSync(join(project, "index.ts"), program ?? "");
    assert.equal(existsSync(join(project, ".npmrc")), false);
    for (const pkg of ["pod", "provider"]) {
      const dir = join(project, "node_modules/@pod-lab", pkg);
      assert.equal(lstatSync(dir).isSymbolicLink(), false, `${dir} is a copy`);
      assert.ok(existsSync(join(dir, "dist/index.d.ts")), `${pkg} ships compiled JS and .d.ts`);
    }
  }).timeout(900_000); // make pack, npm install and a pulumi up: minutes on a busy machine

  it("pulumi up makes the VM (in vcsim), its guest (in Docker) and runs the command in it", async () => {
    const out = inProject(up);
    const outputs = JSON.parse(out.slice(out.lastIndexOf("\n{"))) as {
      ip: string;
      os: { type: string; distribution: string };
      kernel: string;
    };
    assert.equal(outputs.os.type, "linux");
    assert.equal(outputs.os.distribution, "debian");
    assert.match(outputs.kernel, /^Linux \d/);
    // The peer's side: vcsim has the VM; Docker runs its guest, at the address pod reported.
    assert.ok(await vm(vmName), `vcsim has ${vmName}`);
    const [c, ...more] = await containers(vmName);
    assert.ok(c && more.length === 0, `one container backs ${vmName}`);
    assert.equal(c.State, "running");
    const addresses = Object.values(c.NetworkSettings.Networks).map((n) => n.IPAddress);
    assert.ok(addresses.includes(outputs.ip), `${outputs.ip} is the container's (${addresses.join(", ")})`);
  }).timeout(900_000); // make pack, npm install and a pulumi up: minutes on a busy machine

  it("pulumi destroy leaves nothing: no VM, no container, no stack", async () => {
    inProject(destroy);
    assert.equal(await vm(vmName), undefined);
    assert.deepEqual(await containers(vmName), []);
    assert.doesNotMatch(inProject("pulumi stack ls --json"), new RegExp(stack));
  });
});

/** Issue 11: `npm install <folder>` (symlinks, npm's default) stops at once, naming the fix. */
describe("e2e: a symlinked install of pod fails at the first resource with the fix", () => {
  requireLab();
  const stack = `link${process.pid}${Date.now().toString(36)}`;
  const section = readmeSection(readFileSync(join(repo, "README.md"), "utf8"), "Use pod in your own project");
  const work = mkdtempSync(join(tmpdir(), "pod-e2e-linked-"));

  after(() => rmSync(work, { recursive: true, force: true }));

  it("pulumi up refuses before registering anything, with [UNSUPPORTED] and --install-links", async () => {
    sh("npx tsc -b provider sdk", repo);
    sh(
      [
        "npm init -y >/dev/null && npm pkg set main=index.ts",
        'npm install "$POD/sdk" "$POD/provider" @pulumi/pulumi@3.260.0 typescript@5.9.3',
      ].join("\n"),
      work,
    );
    assert.ok(lstatSync(join(work, "node_modules/@pod-lab/provider")).isSymbolicLink(), "npm linked the folder");
    writeFileSync(join(work, "Pulumi.yaml"), section.blocks("yaml")[0] ?? "");
    writeFileSync(join(work, "index.ts"), section.blocks("ts")[0] ?? "");
    const r = spawnSync(
      "bash",
      [
        "-c",
        `source "$POD/lab/env.sh"
        export PULUMI_BACKEND_URL="file://${work}/.state" && mkdir -p "${work}/.state"
        pulumi stack init ${stack} && pulumi config set --secret guestPassword never-used-here
        pulumi up --yes --skip-preview --non-interactive`,
      ],
      { cwd: work, encoding: "utf8", env: { ...process.env, POD: repo }, timeout: 300_000 },
    );
    const out = `${r.stdout}\n${r.stderr}`;
    assert.notEqual(r.status, 0);
    assert.match(out, /\[UNSUPPORTED\] @pod-lab\/provider\/providers\/pod-vm is loaded from .*symlinked install/);
    assert.match(out, /npm install --install-links/);
    assert.doesNotMatch(out, /zod\/v4\/core/, "not the serialization error it replaces");
    assert.equal(await vm(`web-${stack}`), undefined, "no VM was made");
  }).timeout(900_000); // make pack, npm install and a pulumi up: minutes on a busy machine
});
