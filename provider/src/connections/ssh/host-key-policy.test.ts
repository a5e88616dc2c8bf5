import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPodError } from "../../common/errors";
import { createHostKeyVerifier, sha256Fingerprint } from "./host-key";
import { parseHostKeyPolicy, podKnownHostsFile, resolveHostKeyPolicy } from "./host-key-policy";

const KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIIwETiaA16pElDfGICgH/Y4mTO8CpIA/86g1wvzki/0K";
const KEY = Buffer.from(KEY_B64, "base64");
const OTHER = Buffer.concat([KEY.subarray(0, -1), Buffer.from([(KEY.at(-1) ?? 0) ^ 0xff])]);

describe("connections/ssh host key policy", () => {
  const saved = {
    HOME: process.env.HOME,
    POD_KNOWN_HOSTS: process.env.POD_KNOWN_HOSTS,
    XDG: process.env.XDG_CONFIG_HOME,
  };
  let home: string;
  beforeEach(() => {
    // os.homedir() follows $HOME: a throw-away home for what the verifier reads and writes.
    home = mkdtempSync(join(tmpdir(), "pod-home-"));
    process.env.HOME = home;
    delete process.env.POD_KNOWN_HOSTS;
    delete process.env.XDG_CONFIG_HOME;
  });
  afterEach(() => {
    for (const [k, v] of [
      ["HOME", saved.HOME],
      ["POD_KNOWN_HOSTS", saved.POD_KNOWN_HOSTS],
      ["XDG_CONFIG_HOME", saved.XDG],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(home, { recursive: true, force: true });
  });

  it("accepts exactly the three policies; a typo is INVALID_INPUT naming its source", () => {
    for (const p of ["strict", "accept-new", "insecure"]) assert.equal(parseHostKeyPolicy(p, "x"), p);
    for (const typo of ["Strict", "STRICT", "accept_new", "acceptnew", "", " strict", "yes", 1, null]) {
      assert.throws(
        () => parseHostKeyPolicy(typo, "--host-key-policy"),
        (e) =>
          isPodError(e, "INVALID_INPUT") && e.message.startsWith("--host-key-policy") && /"strict"/.test(e.fix ?? ""),
        String(typo),
      );
    }
  });

  it("resolves explicit, then POD_HOST_KEY_POLICY, then strict, validating each", () => {
    assert.equal(resolveHostKeyPolicy(undefined, {}), "strict");
    assert.equal(resolveHostKeyPolicy(undefined, { POD_HOST_KEY_POLICY: "accept-new" }), "accept-new");
    assert.equal(resolveHostKeyPolicy("strict", { POD_HOST_KEY_POLICY: "insecure" }), "strict");
    assert.throws(
      () => resolveHostKeyPolicy(undefined, { POD_HOST_KEY_POLICY: "Insecure" }),
      (e) => isPodError(e, "INVALID_INPUT") && /POD_HOST_KEY_POLICY/.test(e.message),
    );
    assert.throws(
      () => resolveHostKeyPolicy("Strict", {}),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("the verifier refuses an unknown policy instead of trusting on first use", async () => {
    await assert.rejects(createHostKeyVerifier("10.1.2.3", 22, { policy: "Strict" as never }), (e) =>
      isPodError(e, "INVALID_INPUT"),
    );
    assert.equal(existsSync(join(home, ".ssh")), false, "nothing written");
    assert.equal(existsSync(join(home, ".config")), false);
  });

  it("pod's own file: $POD_KNOWN_HOSTS, else $XDG_CONFIG_HOME/pod, else ~/.config/pod", () => {
    assert.equal(podKnownHostsFile({ POD_KNOWN_HOSTS: "/x/kh" }), "/x/kh");
    assert.equal(podKnownHostsFile({ XDG_CONFIG_HOME: "/cfg" }), "/cfg/pod/known_hosts");
    assert.equal(podKnownHostsFile({}), join(home, ".config", "pod", "known_hosts"));
  });

  it("accept-new writes pod's own known_hosts, never ~/.ssh/known_hosts", async () => {
    mkdirSync(join(home, ".ssh"), { mode: 0o700 });
    const user = join(home, ".ssh", "known_hosts");
    writeFileSync(user, "# the user's own file\n");
    const verifier = await createHostKeyVerifier("10.1.2.3", 22, { policy: "accept-new" });
    assert.equal((await verifier.verify(KEY)).learned, true);
    assert.equal(readFileSync(user, "utf8"), "# the user's own file\n", "the user's file is untouched");
    const own = join(home, ".config", "pod", "known_hosts");
    assert.equal(readFileSync(own, "utf8"), `10.1.2.3 ssh-ed25519 ${KEY_B64}\n`);

    // The learned key is known from pod's file to a strict verifier later on.
    const strict = await createHostKeyVerifier("10.1.2.3", 22, {});
    assert.equal((await strict.verify(KEY)).learned, false);
  });

  it("keys in ~/.ssh/known_hosts are still honoured: known, and a changed one refused", async () => {
    mkdirSync(join(home, ".ssh"), { mode: 0o700 });
    writeFileSync(join(home, ".ssh", "known_hosts"), `10.1.2.3 ssh-ed25519 ${KEY_B64}\n`);
    const verifier = await createHostKeyVerifier("10.1.2.3", 22, { policy: "accept-new" });
    assert.deepEqual(await verifier.verify(KEY), { fingerprint: sha256Fingerprint(KEY), learned: false });
    await assert.rejects(
      verifier.verify(OTHER),
      (e) => isPodError(e, "HOST_KEY_MISMATCH") && e.message.includes(join(home, ".ssh", "known_hosts")),
    );
    assert.equal(existsSync(join(home, ".config", "pod", "known_hosts")), false, "nothing learned");
  });

  it("an explicit knownHostsFile is the one file read and written", async () => {
    const file = join(home, "mine");
    const verifier = await createHostKeyVerifier("10.1.2.3", 22, { policy: "accept-new", knownHostsFile: file });
    await verifier.verify(KEY);
    assert.match(readFileSync(file, "utf8"), /^10\.1\.2\.3 ssh-ed25519 /);
    assert.equal(existsSync(join(home, ".config", "pod", "known_hosts")), false);
  });
});
