import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { buildPlugin, pluginStack } from "../support/plugin-stack";
import { onStack, PulumiCli } from "../support/pulumi-cli";

const repo = join(__dirname, "../..");
const version = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version;
/** A Pulumi YAML reference, ${name}. */
const ref = (name: string) => `\${${name}}`;
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

interface Stack {
  ok: (...args: string[]) => string;
  pulumi: (...args: string[]) => { status: number; out: string };
  remove(): void;
}

/** Where the program's sources are (its `files` folder) and where they go in the guest. */
interface Paths {
  files: string;
  remoteFile: string;
  remoteDir: string;
}

/** The sources: one file, and a folder of two (one in a subfolder). */
function writeSources(files: string): void {
  mkdirSync(join(files, "tree/etc"), { recursive: true });
  writeFileSync(join(files, "tree/etc/app.yml"), "port: 1\n");
  writeFileSync(join(files, "tree/readme.txt"), "hello\n");
  writeFileSync(join(files, "one.conf"), "one=1\n");
}

/**
 * Issue 13: PodCopy through pulumi-resource-pod, a FileAsset and a FileArchive given by paths relative
 * to the program's folder: up copies them (bytes checked in the guest, as root through Docker), a
 * second up and a refresh change nothing, a changed file is an update, destroy removes the copies.
 */
function copyLifecycle(title: string, open: (guest: GuestContainer, paths: Paths) => Stack): void {
  describe(title, function () {
    // Each step is a Pulumi CLI run (plugin start-up included) on a busy lab.
    this.timeout(600_000);
    requireLab();
    const id = `${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
    let guest: GuestContainer;
    let s: Stack;
    let paths: Paths;
    const guestSums = async (...p: string[]) =>
      (await guest.run(["sh", "-c", `sha256sum ${p.join(" ")} 2>&1; true`])).stdout;

    before(async () => {
      guest = await startGuest();
      paths = { files: "", remoteFile: `/tmp/pod-plugin-copy-${id}.conf`, remoteDir: `/tmp/pod-plugin-copy-${id}` };
      s = open(guest, paths);
    });

    after(async () => {
      s?.remove();
      await guest?.remove();
    });

    it("up copies the file and the folder; the guest has the same bytes", async () => {
      assert.match(s.ok("up", "--yes", "--skip-preview"), /3 created/);
      const { remoteDir, remoteFile } = paths;
      const sums = await guestSums(`${remoteDir}/etc/app.yml`, `${remoteDir}/readme.txt`, remoteFile);
      assert.match(sums, new RegExp(`${sha256("port: 1\n")}  ${remoteDir}/etc/app.yml`));
      assert.match(sums, new RegExp(`${sha256("hello\n")}  ${remoteDir}/readme.txt`));
      assert.match(sums, new RegExp(`${sha256("one=1\n")}  ${remoteFile}`));
      assert.equal((await guest.run(["stat", "-c", "%a", `${remoteDir}/readme.txt`])).stdout.trim(), "640");
      const state = s.ok("stack", "export");
      assert.match(state, /"path": "[^"]*one\.conf"/, "state keeps the asset the program gave");
      assert.doesNotMatch(state, new RegExp(`"password": "${guest.password}"`), "the guest password is encrypted");
    });

    it("a second up and a refresh change nothing", () => {
      const again = s.pulumi("preview", "--expect-no-changes", "--diff");
      assert.equal(again.status, 0, again.out);
      assert.match(s.ok("up", "--yes", "--skip-preview"), /3 unchanged/);
      s.ok("refresh", "--yes", "--skip-preview");
      const after = s.pulumi("preview", "--expect-no-changes", "--diff");
      assert.equal(after.status, 0, after.out);
    });

    it("a changed file is an update of its source, and the guest gets the new bytes", async () => {
      writeFileSync(join(paths.files, "one.conf"), "one=2\n");
      const preview = s.ok("preview", "--diff");
      // The detailed diff names the source (its engine hash changed); the folder's copy is left alone.
      assert.match(preview, /~ pod:index:PodCopy: \(update\)[\s\S]*PodCopy::file\][\s\S]*\+ source: asset\(file:/);
      assert.match(preview, /1 to update/);
      assert.match(s.ok("up", "--yes", "--skip-preview"), /1 updated/);
      assert.match(await guestSums(paths.remoteFile), new RegExp(`${sha256("one=2\n")}  ${paths.remoteFile}`));
    });

    it("destroy removes the copied files in the guest", async () => {
      s.ok("destroy", "--yes", "--skip-preview");
      for (const path of [paths.remoteFile, `${paths.remoteDir}/etc/app.yml`, paths.remoteDir]) {
        assert.notEqual((await guest.run(["test", "-e", path])).exitCode, 0, `${path} is gone`);
      }
    });
  });
}

copyLifecycle("plugin: PodCopy in TypeScript (examples/ts-plugin-scenarios)", (guest, paths) => {
  const s = pluginStack("ts-plugin-scenarios", `cpy${process.pid}`, requireLab());
  const local = mkdtempSync(join(tmpdir(), "pod-plugin-copy-"));
  writeSources(local);
  paths.files = local;
  s.ok("config", "set", "scenario", "copy");
  s.ok("config", "set", "host", guest.ip);
  s.ok("config", "set", "user", guest.user);
  s.ok("config", "set", "--secret", "password", guest.password);
  s.ok("config", "set", "hostKeys", JSON.stringify(guest.fingerprints));
  // Relative to the program's folder, where the program and the plugin both run.
  s.ok("config", "set", "sourceFile", relative(s.cli.dir, join(local, "one.conf")));
  s.ok("config", "set", "sourceDir", relative(s.cli.dir, join(local, "tree")));
  s.ok("config", "set", "remoteFile", paths.remoteFile);
  s.ok("config", "set", "remoteDir", paths.remoteDir);
  return {
    ...s,
    remove: () => {
      s.remove();
      rmSync(local, { recursive: true, force: true });
    },
  };
});

copyLifecycle("yaml: PodCopy with fn::fileAsset and fn::fileArchive", (guest, paths) => {
  const dir = mkdtempSync(join(tmpdir(), "pod-yaml-copy-"));
  paths.files = join(dir, "files");
  writeSources(paths.files);
  const program = {
    name: "pod-yaml-copy",
    runtime: "yaml",
    config: { guestPassword: { type: "string" } },
    variables: {
      target: {
        host: guest.ip,
        user: guest.user,
        password: { "fn::secret": ref("guestPassword") },
        hostKeys: guest.fingerprints,
      },
    },
    resources: {
      file: {
        type: "pod:PodCopy",
        properties: {
          target: ref("target"),
          source: { "fn::fileAsset": "./files/one.conf" },
          remotePath: paths.remoteFile,
        },
      },
      tree: {
        type: "pod:PodCopy",
        properties: {
          target: ref("target"),
          source: { "fn::fileArchive": "./files/tree" },
          remotePath: paths.remoteDir,
          mode: "0640",
        },
      },
    },
  };
  // JSON is YAML: the program is written as data, so no quoting can go wrong.
  writeFileSync(join(dir, "Pulumi.yaml"), JSON.stringify(program, null, 2));
  const cli = new PulumiCli(dir, { PULUMI_HOME: join(dir, ".pulumi-home") });
  cli.ok("plugin", "install", "resource", "pod", version, "-f", buildPlugin());
  const stack = `ycp${process.pid}`;
  const { ok, pulumi } = onStack(cli, stack);
  cli.ok("stack", "init", stack);
  ok("config", "set", "--secret", "guestPassword", guest.password);
  return {
    ok,
    pulumi,
    remove: () => {
      pulumi("destroy", "--yes", "--skip-preview");
      pulumi("stack", "rm", "--yes", "--force");
      rmSync(cli.backend, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
