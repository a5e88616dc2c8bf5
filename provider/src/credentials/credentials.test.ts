import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "../common/secret";
import { resolveVsphereConnection } from "../resources/shared/vsphere-connection";
import { readProviderConfig, resolveGuestCredentials, resolveVsphereCredentials } from ".";

describe("credentials", () => {
  it("vSphere: explicit, then Pulumi config, then env, then providers", async () => {
    const config = { get: (k: string) => ({ "pod:vsphereUser": "from-config" })[k] };
    const env = { POD_VSPHERE_HOST: "env.host", POD_VSPHERE_USER: "from-env", POD_VSPHERE_INSECURE: "true" };
    const provider = { name: "vault", vsphere: async () => ({ password: "vault-Pw-1234", user: "from-vault" }) };
    const r = await resolveVsphereCredentials({
      vsphere: { host: "explicit.host" },
      pulumiConfig: config,
      env,
      providers: [provider],
    });
    assert.deepEqual([r.host, r.user, r.password.reveal()], ["explicit.host", "from-config", "vault-Pw-1234"]);
    await assert.rejects(resolveVsphereCredentials({ env: {} }), { code: "INVALID_INPUT" });
  });

  it("vSphere: a provider without vsphere() is skipped, and providers never override config or env", async () => {
    const guestOnly = { name: "guest-only", guest: async () => ({ username: "g" }) };
    const vault = {
      name: "vault",
      vsphere: async () => ({ host: "vault.host", user: "vault-user", password: "v-Pw-99" }),
    };
    const r = await resolveVsphereCredentials({
      env: { POD_VSPHERE_USER: "env-user" },
      providers: [guestOnly, vault],
    });
    assert.deepEqual([r.host, r.user, r.password.reveal()], ["vault.host", "env-user", "v-Pw-99"]);
  });

  it("the resources resolve through the same chain: input, then stack config, then env", async () => {
    const stack = { get: (k: string) => ({ "pod:vsphereUser": "cfg-user", "pod:vspherePassword": "cfg-Pw-77" })[k] };
    const config = readProviderConfig(stack);
    const env = { POD_VSPHERE_HOST: "env.host", POD_VSPHERE_USER: "env-user", POD_VSPHERE_THUMBPRINT: "AB".repeat(32) };
    const input = { password: "input-Pw-55" };
    const resource = resolveVsphereConnection(input, config, env);
    const library = await resolveVsphereCredentials({ vsphere: input, pulumiConfig: stack, env });
    assert.deepEqual(
      [resource.host, resource.user, resource.password.reveal()],
      ["env.host", "cfg-user", "input-Pw-55"],
    );
    assert.deepEqual(
      [library.host, library.user, library.password.reveal(), library.trust],
      [resource.host, resource.user, resource.password.reveal(), resource.trust],
    );
    assert.throws(() => resolveVsphereConnection({}, {}, {}), {
      code: "INVALID_INPUT",
      message: /lacks host, user, password/,
    });
  });

  it("guest: every method found is offered; a too-open key file is refused", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pod-cred-"));
    try {
      const key = join(dir, "id");
      await writeFile(key, "x");
      await chmod(key, 0o600);
      const ok = await resolveGuestCredentials("h", {
        guest: { password: new Secret("guest-Pw-123") },
        env: { POD_GUEST_USER: "pod", POD_GUEST_KEY_FILE: key, SSH_AUTH_SOCK: "/tmp/agent.sock" },
      });
      assert.deepEqual([ok.username, ok.agent, ok.privateKeyPath], ["pod", "/tmp/agent.sock", key]);
      await chmod(key, 0o644);
      await assert.rejects(resolveGuestCredentials("h", { guest: { username: "pod", privateKeyPath: key }, env: {} }), {
        code: "INVALID_INPUT",
        message: /0644 .*too open/,
      });
      // A default key that is too open is skipped (with a warning), like OpenSSH does.
      const skipped = await resolveGuestCredentials("h", { guest: { username: "pod" }, env: {}, keyFiles: [key] });
      assert.equal(skipped.privateKeyPath, undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
