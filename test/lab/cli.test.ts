import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

const MAIN = join(__dirname, "../../provider/src/cli/main.ts");
const TS_NODE = join(__dirname, "../../node_modules/.bin/ts-node");

/** Runs the CLI as a user would; it must exit on its own (nothing may keep it alive after close()). */
function pod(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TS_NODE,
      ["--transpile-only", MAIN, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Issue 7: the pod CLI against the lab. */
describe("lab: pod CLI", function () {
  this.timeout(180_000);
  const lab = requireLab();
  const password = `pod-Cli-${process.pid}-Zq7`;
  const guests: GuestContainer[] = [];
  const env = {
    POD_VSPHERE_PASSWORD: lab.vspherePassword,
    POD_GUEST_USER: "pod",
    POD_GUEST_PASSWORD: password,
    SSH_AUTH_SOCK: "",
    HOME: "/nonexistent-pod-home", // no ~/.ssh keys
  };
  let dir: string;

  before(async () => {
    guests.push(...(await Promise.all([1, 2, 3].map(() => startGuest({ password })))));
    dir = await mkdtemp(join(tmpdir(), "pod-cli-"));
  });
  after(async () => {
    await Promise.all(guests.map((g) => g.remove()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("exec against three guests with --json: every result, exit 0, audit without the password", async () => {
    const [a, b, c] = guests as [GuestContainer, GuestContainer, GuestContainer];
    const audit = join(dir, "audit.log");
    const targets = [a.ip, `pod@${b.ip}:22`, `docker:${c.name}`];
    const run = await pod(
      [
        "--json",
        "--host-key-policy",
        "insecure",
        "--audit-log",
        audit,
        "exec",
        ...targets,
        "--",
        "cat",
        "/etc/hostname",
      ],
      env,
    );
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as {
      results: { target: string; ok: boolean; result: { stdout: string; exitCode: number; transport: string } }[];
      summary: { total: number; ok: number; failed: number };
    };
    assert.deepEqual(out.summary, { total: 3, ok: 3, failed: 0 });
    assert.deepEqual(
      out.results.map((r) => [r.target, r.ok, r.result.exitCode, r.result.transport]),
      [
        [`${a.ip}`, true, 0, "ssh"],
        [`${b.ip}:22`, true, 0, "ssh"],
        [`docker:${c.name}`, true, 0, "docker"],
      ],
    );
    const hostnames = await Promise.all(guests.map(async (g) => (await g.run(["cat", "/etc/hostname"])).stdout.trim()));
    assert.deepEqual(
      out.results.map((r) => r.result.stdout),
      hostnames,
    );
    const log = await readFile(audit, "utf8");
    assert.equal(
      log
        .trim()
        .split("\n")
        .filter((l) => JSON.parse(l).kind === "command").length,
      3,
    );
    for (const text of [log, run.stdout, run.stderr]) {
      assert.ok(!text.includes(password), "the guest password leaked");
      assert.ok(!text.includes(lab.vspherePassword), "the vSphere password leaked");
    }
  });

  it("exit codes follow the results; a table and summary for many targets; errors print code and fix", async () => {
    const [a, b] = guests as [GuestContainer, GuestContainer];
    const one = await pod(["--host-key-policy", "insecure", "exec", a.ip, "--", "sh", "-c", "exit 3"], env);
    assert.equal(one.code, 3);
    const many = await pod(
      [
        "--host-key-policy",
        "insecure",
        "exec",
        a.ip,
        b.ip,
        "--",
        "sh",
        "-c",
        `test "$(hostname)" = "$(cat /etc/hostname)" && [ ${a.ip} = x ]`,
      ],
      env,
    );
    assert.equal(many.code, 1);
    assert.match(many.stdout, /^TARGET\s+EXIT\s+TIME\(ms\)\s+OUTPUT/m);
    assert.match(many.stdout, /0\/2 succeeded/);
    const missing = await pod(["exec", "docker:pod-no-such-container", "--", "true"], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stdout, /NOT_FOUND/);
    const strict = await pod(["exec", a.ip, "--", "true"], env);
    assert.equal(strict.code, 2);
    assert.match(strict.stdout, /HOST_KEY_UNKNOWN.*fix: /);
  });

  it("health, vm ls, detect and net show", async () => {
    const health = await pod(["--json", "health"], env);
    assert.equal(health.code, 0, health.stderr);
    const report = JSON.parse(health.stdout) as { ok: boolean; vsphere: { reachable: boolean; session: string } };
    assert.deepEqual([report.ok, report.vsphere.reachable, report.vsphere.session], [true, true, "active"]);

    const ls = await pod(["--json", "vm", "ls"], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.ok((JSON.parse(ls.stdout) as { name: string }[]).some((v) => v.name === "DC0_C0_RP0_VM0"));

    const c = guests[2] as GuestContainer;
    const detect = await pod(["--json", "detect", `docker:${c.name}`], env);
    assert.equal(detect.code, 0, detect.stderr);
    assert.equal((JSON.parse(detect.stdout) as { type: string }).type, "linux");
    const text = await pod(["detect", `docker:${c.name}`], env);
    assert.match(text.stdout, /^TYPE\s+FAMILY/m);

    const net = await pod(["--json", "net", "show", `docker:${c.name}`], env);
    assert.equal(net.code, 0, net.stderr);
    const state = JSON.parse(net.stdout) as { interfaces: { name: string; addresses: { address: string }[] }[] };
    assert.ok(state.interfaces.find((i) => i.name === "eth0")?.addresses.some((x) => x.address === c.ip));

    const vsphereDown = await pod(["health"], { ...env, POD_VSPHERE_HOST: "127.0.0.1:1" });
    assert.equal(vsphereDown.code, 1);
    assert.match(vsphereDown.stdout, /UNREACHABLE/);
  });
});
