import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { installPodInto, onStack, PulumiCli } from "../support/pulumi-cli";

const repo = join(__dirname, "../..");
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/**
 * PodCopy through the real Pulumi CLI: up copies a folder (FileArchive) and a
 * file (FileAsset); a changed file is copied again; an up with nothing changed
 * changes nothing; destroy removes what was copied. Checked in the guest.
 */
describe("lab: PodCopy through the Pulumi CLI (up, change, no-op, destroy)", function () {
  this.timeout(600_000);
  requireLab();
  const id = randomBytes(4).toString("hex");
  const stack = `podcopy${id}`;
  const fixture = join(repo, "test/fixtures/pod-copy");
  const cli = new PulumiCli(fixture, { PULUMI_STACK: "" });
  const { pulumi, ok } = onStack(cli, stack);
  const remoteDir = `/tmp/pod-copy-cli-${id}`;
  const remoteFile = `/tmp/pod-copy-cli-${id}.conf`;
  let guest: GuestContainer;
  let local: string;

  /** sha256sum of each path in the guest, as root through Docker (not pod). */
  const guestSums = async (...paths: string[]) =>
    (await guest.run(["sh", "-c", `sha256sum ${paths.join(" ")} 2>&1; true`])).stdout;

  before(async () => {
    installPodInto(repo, fixture);
    guest = await startGuest();
    local = mkdtempSync(join(tmpdir(), "pod-copy-cli-"));
    mkdirSync(join(local, "tree/etc"), { recursive: true });
    writeFileSync(join(local, "tree/etc/app.yml"), "port: 1\n");
    writeFileSync(join(local, "tree/readme.txt"), "hello\n");
    writeFileSync(join(local, "one.conf"), "one=1\n");
    cli.ok("stack", "init", stack);
    ok("config", "set", "host", guest.ip);
    ok("config", "set", "user", guest.user);
    ok("config", "set", "--secret", "password", guest.password);
    ok("config", "set", "hostKeys", JSON.stringify(guest.fingerprints));
    ok("config", "set", "sourceDir", join(local, "tree"));
    ok("config", "set", "sourceFile", join(local, "one.conf"));
    ok("config", "set", "remoteDir", remoteDir);
    ok("config", "set", "remoteFile", remoteFile);
  });

  after(async () => {
    pulumi("destroy", "--yes", "--skip-preview");
    cli.run("stack", "rm", "--yes", "--force", stack);
    await guest?.remove();
    rmSync(cli.backend, { recursive: true, force: true });
    rmSync(local, { recursive: true, force: true });
  });

  it("up copies the folder and the file; the guest has the same bytes, mode 0640 on the tree", async () => {
    ok("up", "--yes", "--skip-preview");
    const sums = await guestSums(`${remoteDir}/etc/app.yml`, `${remoteDir}/readme.txt`, remoteFile);
    assert.match(sums, new RegExp(`${sha256("port: 1\n")}  ${remoteDir}/etc/app.yml`));
    assert.match(sums, new RegExp(`${sha256("hello\n")}  ${remoteDir}/readme.txt`));
    assert.match(sums, new RegExp(`${sha256("one=1\n")}  ${remoteFile}`));
    assert.equal((await guest.run(["stat", "-c", "%a", `${remoteDir}/readme.txt`])).stdout.trim(), "640");
  });

  it("a changed file is copied again; the next up changes nothing", async () => {
    await guest.run(["touch", "-d", "2001-01-01", `${remoteDir}/readme.txt`]);
    writeFileSync(join(local, "tree/etc/app.yml"), "port: 2\n");
    const up = ok("up", "--yes", "--skip-preview");
    assert.match(up, /1 updated/);
    assert.match(await guestSums(`${remoteDir}/etc/app.yml`), new RegExp(sha256("port: 2\n")));
    const untouched = await guest.run(["date", "-r", `${remoteDir}/readme.txt`, "+%Y"]);
    assert.equal(untouched.stdout.trim(), "2001", "the unchanged file was not written again");
    const again = pulumi("preview", "--expect-no-changes");
    assert.equal(again.status, 0, again.out);
    assert.match(ok("up", "--yes", "--skip-preview"), /2 unchanged|unchanged/);
  });

  it("destroy removes what was copied", async () => {
    ok("destroy", "--yes", "--skip-preview");
    const left = await guest.run(["sh", "-c", `ls -d ${remoteDir} ${remoteFile} 2>&1; true`]);
    assert.match(left.stdout, /No such file or directory.*\n.*No such file or directory/);
  });
});
