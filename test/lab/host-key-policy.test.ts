import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PodClient } from "../../provider/src/client/pod-client";
import { isPodError } from "../../provider/src/common/errors";
import { Secret } from "../../provider/src/common/secret";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";

const MAIN = join(__dirname, "../../provider/src/cli/main.ts");
const TS_NODE = join(__dirname, "../../node_modules/.bin/ts-node");

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      TS_NODE,
      ["--transpile-only", MAIN, ...args],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (e, o, r) => resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, out: `${o}\n${r}` }),
    );
  });
}

/** SHA256 fingerprints of the keys in a known_hosts file, for comparing with what the guest printed. */
function fingerprintsIn(file: string): string[] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const b64 = line.split(" ")[2] ?? "";
      return `SHA256:${createHash("sha256").update(Buffer.from(b64, "base64")).digest("base64").replace(/=+$/, "")}`;
    });
}

/**
 * Issue 12: a host key policy typo is refused wherever it enters, and
 * accept-new records keys in pod's own known_hosts, never in ~/.ssh/known_hosts
 * (checked in a throw-away HOME, against a real OpenSSH guest).
 */
describe("lab: host key policy and pod's own known_hosts", function () {
  this.timeout(120_000);
  requireLab();
  const password = `pod-Hk-${process.pid}-Q9`;
  const saved = {
    HOME: process.env.HOME,
    POD_KNOWN_HOSTS: process.env.POD_KNOWN_HOSTS,
    XDG: process.env.XDG_CONFIG_HOME,
  };
  let guest: GuestContainer;
  let home: string;

  before(async () => {
    guest = await startGuest({ password });
  });
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "pod-home-"));
    process.env.HOME = home; // os.homedir() follows $HOME
    delete process.env.POD_KNOWN_HOSTS;
    delete process.env.XDG_CONFIG_HOME;
  });
  afterEach(() => {
    process.env.HOME = saved.HOME;
    if (saved.POD_KNOWN_HOSTS !== undefined) process.env.POD_KNOWN_HOSTS = saved.POD_KNOWN_HOSTS;
    if (saved.XDG !== undefined) process.env.XDG_CONFIG_HOME = saved.XDG;
    rmSync(home, { recursive: true, force: true });
  });
  after(async () => {
    await guest?.remove();
  });

  const client = (options: { hostKeyPolicy?: string; env?: NodeJS.ProcessEnv } = {}) =>
    new PodClient({
      guest: { username: "pod", password: new Secret(password) },
      agent: false,
      keyFiles: [],
      ...(options.hostKeyPolicy ? { hostKeyPolicy: options.hostKeyPolicy as "strict" } : {}),
      env: options.env ?? {},
    });

  it("PodClient accept-new: trusts the guest once, writes ~/.config/pod/known_hosts, leaves ~/.ssh alone", async () => {
    const first = client({ hostKeyPolicy: "accept-new" });
    try {
      assert.equal((await first.executeCommand(guest.ip, ["id", "-un"])).stdout.trim(), "pod");
    } finally {
      await first.close();
    }
    assert.equal(existsSync(join(home, ".ssh")), false, "nothing under ~/.ssh");
    const own = join(home, ".config", "pod", "known_hosts");
    const learned = fingerprintsIn(own);
    assert.equal(learned.length, 1);
    assert.ok(guest.fingerprints.includes(learned[0] ?? ""), "the key the guest printed on its console");

    // Strict (the default) now knows the guest from pod's file.
    const later = client();
    try {
      assert.equal((await later.executeCommand(guest.ip, ["true"])).exitCode, 0);
    } finally {
      await later.close();
    }
  });

  it("strict by default: an unknown guest is HOST_KEY_UNKNOWN and nothing is written", async () => {
    const strict = client();
    try {
      await assert.rejects(strict.executeCommand(guest.ip, ["true"]), (e) => isPodError(e, "HOST_KEY_UNKNOWN"));
    } finally {
      await strict.close();
    }
    assert.equal(existsSync(join(home, ".ssh")), false);
    assert.equal(existsSync(join(home, ".config")), false);
  });

  it("a typo is INVALID_INPUT in PodClient options and in POD_HOST_KEY_POLICY, before any connection", () => {
    assert.throws(
      () => client({ hostKeyPolicy: "Strict" }),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
    assert.throws(
      () => client({ env: { POD_HOST_KEY_POLICY: "accept_new" } }),
      (e) => isPodError(e, "INVALID_INPUT") && /POD_HOST_KEY_POLICY/.test(e.message),
    );
  });

  it("the CLI: --host-key-policy Strict exits 2 with INVALID_INPUT; accept-new writes only pod's file", async () => {
    const env = { HOME: home, POD_GUEST_USER: "pod", POD_GUEST_PASSWORD: password, SSH_AUTH_SOCK: "" };
    const typo = await cli(["--host-key-policy", "Strict", "exec", guest.ip, "--", "true"], env);
    assert.equal(typo.code, 2, typo.out);
    assert.match(typo.out, /INVALID_INPUT/);
    const envTypo = await cli(["exec", guest.ip, "--", "true"], { ...env, POD_HOST_KEY_POLICY: "Insecure" });
    assert.equal(envTypo.code, 2, envTypo.out);
    assert.match(envTypo.out, /POD_HOST_KEY_POLICY/);
    assert.equal(existsSync(join(home, ".config")), false, "a refused policy wrote nothing");

    const ok = await cli(["--host-key-policy", "accept-new", "exec", guest.ip, "--", "true"], env);
    assert.equal(ok.code, 0, ok.out);
    assert.equal(existsSync(join(home, ".ssh", "known_hosts")), false);
    assert.ok(guest.fingerprints.includes(fingerprintsIn(join(home, ".config", "pod", "known_hosts"))[0] ?? ""));
  });
});
