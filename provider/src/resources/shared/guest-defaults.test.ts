import assert from "node:assert/strict";
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PodError } from "../../common/errors";
import { readProviderConfig } from "../../credentials/vsphere";
import { guestTargetSchema, toGuestAccess } from "../../execution/guest-target";
import { PodCommandProvider } from "../pod-command/provider";
import { guestFailures } from "../pod-vm/guest-probe";
import { guestTargetFailures, mergeGuestTarget, withGuestDefaults } from "./guest-defaults";

const config = readProviderConfig({
  get: (k) => ({ "pod:guestUser": "cfg-user", "pod:guestPassword": "cfg-pass" })[k],
});
const noEnv = {};

describe("guest targets through the credential chain (target, stack config, POD_GUEST_*)", () => {
  it("fills user and password from stack config when the target gives only a host", () => {
    const { target } = mergeGuestTarget({ host: "10.0.0.5" }, config, noEnv);
    assert.equal(target.user, "cfg-user");
    assert.equal(target.password, "cfg-pass");
  });

  it("lets each explicit target field win, field by field", () => {
    const { target } = mergeGuestTarget({ host: "h", user: "mine" }, config, noEnv);
    assert.equal(target.user, "mine");
    assert.equal(target.password, "cfg-pass");
    const both = mergeGuestTarget({ host: "h", password: "own" }, config, noEnv).target;
    assert.deepEqual([both.user, both.password], ["cfg-user", "own"]);
  });

  it("ranks stack config above POD_GUEST_*, and uses the environment when config is silent", () => {
    const env = { POD_GUEST_USER: "env-user", POD_GUEST_PASSWORD: "env-pass" };
    assert.equal(mergeGuestTarget({ host: "h" }, config, env).target.user, "cfg-user");
    const fromEnv = mergeGuestTarget({ host: "h" }, {}, env).target;
    assert.deepEqual([fromEnv.user, fromEnv.password], ["env-user", "env-pass"]);
  });

  it("leaves docker targets alone: the container's own user is the default", () => {
    const target = { transport: "docker" as const, container: "c1" };
    assert.deepEqual(mergeGuestTarget(target, config, noEnv).target, target);
  });

  it("names `pulumi config set pod:guestUser` when no source has a user", () => {
    const failures = guestTargetFailures({ host: "h" }, {}, noEnv);
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.property, "target.user");
    assert.match(failures[0]?.reason ?? "", /pulumi config set pod:guestUser/);
    const winrm = guestTargetFailures({ transport: "winrm", host: "h", user: "u" }, {}, noEnv);
    assert.match(winrm[0]?.reason ?? "", /pulumi config set --secret pod:guestPassword/);
  });

  it("lets a WinRM Kerberos target go without a password (keytab or ticket cache), and maps it to the connection", () => {
    const target = {
      transport: "winrm" as const,
      host: "10.0.0.21",
      user: "deploy@CORP.LAB",
      https: false,
      auth: "kerberos" as const,
      kerberos: { realm: "CORP.LAB", kdc: "dc01:88", keytab: "/etc/pod/deploy.keytab" },
    };
    assert.deepEqual(guestTargetFailures(target, {}, noEnv), []);
    const access = toGuestAccess(target);
    assert.equal(access.transport, "winrm");
    if (access.transport !== "winrm") return;
    assert.equal(access.auth, "kerberos");
    assert.deepEqual(access.kerberos, target.kerberos);
    assert.equal(guestTargetSchema.safeParse(target).success, true);
    const ntlm = guestTargetFailures({ ...target, auth: "ntlm" as const }, {}, noEnv);
    assert.equal(ntlm[0]?.property, "target.password", "NTLM still needs one");
  });

  it("throws a typed INVALID_INPUT at create when the user is still missing", async () => {
    await assert.rejects(withGuestDefaults({ host: "h" }, {}, noEnv), (e: unknown) => {
      assert.ok(e instanceof PodError);
      assert.equal(e.code, "INVALID_INPUT");
      assert.match(e.fix ?? "", /pod:guestUser/);
      return true;
    });
  });

  it("reads the key file pod:guestKeyFile names only when the target gives no privateKey", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pod-key-"));
    const file = join(dir, "id");
    await writeFile(file, "KEY-FROM-FILE\n");
    await chmod(file, 0o600);
    const keyed = { ...config, guestKeyFile: file };
    assert.equal((await withGuestDefaults({ host: "h" }, keyed, noEnv)).privateKey, "KEY-FROM-FILE\n");
    assert.equal((await withGuestDefaults({ host: "h", privateKey: "own" }, keyed, noEnv)).privateKey, "own");
  });

  it("reads a guestops target's vSphere password from Vault at use (its own block or pod:vspherePassword), not a plain one", async () => {
    const ops = { transport: "guestops" as const, vmId: "vm-42", user: "pod", password: "pw" };
    const ref = "vault:kv/data/lab/vcenter#password";
    const noVault = (e: unknown) => {
      assert.ok(e instanceof PodError);
      assert.equal(e.code, "INVALID_INPUT");
      assert.match(e.message, /no Vault address/); // it tried to read the reference, with no Vault to ask
      return true;
    };
    await assert.rejects(withGuestDefaults({ ...ops, vsphere: { password: ref } }, {}, noEnv), noVault);
    await assert.rejects(withGuestDefaults(ops, { vspherePassword: ref }, noEnv), noVault);
    await assert.rejects(withGuestDefaults(ops, {}, { POD_VSPHERE_PASSWORD: ref }), noVault);
    const plain = await withGuestDefaults(
      { ...ops, vsphere: { password: "vc-pass" } },
      { vspherePassword: ref },
      noEnv,
    );
    assert.equal(plain.vsphere?.password, "vc-pass", "the target's own password wins, and a plain one is kept");
  });

  it("PodCommand check reads pod:guest* from configure and returns the inputs unchanged (no secret in state)", async () => {
    // The provider reads POD_GUEST_* too: this test is about stack config, so none may leak in from the shell.
    assert.equal(process.env.POD_GUEST_USER, undefined, "unset POD_GUEST_USER to run this test");
    const provider = new PodCommandProvider();
    const news = { target: { host: "10.0.0.5", hostKeyPolicy: "insecure" as const }, create: "true" };
    const before = await provider.check(news, news);
    assert.equal(before.failures?.[0]?.property, "target.user");
    await provider.configure({
      config: { get: (k: string) => ({ "pod:guestUser": "u", "pod:guestPassword": "p4ss" })[k] },
    } as never);
    const after = await provider.check(news, news);
    assert.deepEqual(after.failures, []);
    assert.deepEqual(after.inputs, news);
    assert.doesNotMatch(JSON.stringify(after), /p4ss/);
  });
});

describe("PodVm guest through the same chain", () => {
  it("needs no guest.user when pod:guestUser names one, and names guest.user in the fix when nothing does", () => {
    assert.deepEqual(guestFailures({ password: "p" }, config, noEnv), []);
    const failures = guestFailures({ password: "p" }, { guestPassword: "x" }, noEnv);
    assert.equal(failures[0]?.property, "guest.user");
    assert.match(failures[0]?.reason ?? "", /Set guest\.user, or `pulumi config set pod:guestUser/);
  });
});
