import assert from "node:assert/strict";
import { inspect } from "node:util";
import { PodError } from "../../common/errors";
import { isSecret, Secret } from "../../common/secret";
import { type VaultEndpoint, type VaultResponse, vaultRequest } from "../../connections/vault/http";
import { withGuestDefaults } from "../../resources/shared/guest-defaults";
import { resolveGuestCredentials } from "../guest";
import { resolveVsphereCredentials } from "../vsphere";
import { VaultLogin } from "./auth";
import { parseVaultRef } from "./reference";
import { vaultSettings } from "./settings";
import { VaultSecretStore } from "./store";

type Call = { method: string; path: string; token?: string; body?: Record<string, unknown> };

/** A fake Vault: answers from a function, records every call (token revealed for the assertions only). */
function fakeVault(answer: (call: Call) => VaultResponse) {
  const calls: Call[] = [];
  const request = async (
    _e: VaultEndpoint,
    method: string,
    path: string,
    o: { token?: Secret; body?: Record<string, unknown> } = {},
  ) => {
    const call = { method, path, ...(o.token ? { token: o.token.reveal() } : {}), ...(o.body ? { body: o.body } : {}) };
    calls.push(call);
    return answer(call);
  };
  return { calls, request };
}

const endpoint = { address: "https://127.0.0.1:18200" };
const kv = (data: Record<string, unknown>, lease = 0): VaultResponse => ({
  status: 200,
  body: { data: { data, metadata: { version: 1 } }, lease_duration: lease },
});

describe("vault: secret references", () => {
  it("parses vault:<path>#<field>, with an optional ?version=N, and refuses anything else with the fix", () => {
    assert.deepEqual(parseVaultRef("vault:kv/data/lab/windows#password"), {
      path: "kv/data/lab/windows",
      field: "password",
      text: "vault:kv/data/lab/windows#password",
    });
    assert.equal(parseVaultRef("vault:kv/data/x?version=3#k").version, 3);
    for (const bad of ["vault:kv/data/x", "vault:#f", "vault:kv/../sys#f", "vault:kv/data/x#"]) {
      assert.throws(
        () => parseVaultRef(bad),
        (e: PodError) => e.code === "INVALID_INPUT" && /vault:<path>#<field>/.test(e.fix ?? ""),
      );
    }
  });

  it("reads a KV v2 field as a Secret with the token, and reads again at each use (KV v2 has no lease)", async () => {
    const vault = fakeVault(() => kv({ password: "Lab-Pw-from-vault-1", user: "admin" }));
    const store = new VaultSecretStore(
      new VaultLogin(endpoint, { method: "token", token: new Secret("t0ken-root-1") }, Date.now, vault.request),
    );
    const value = await store.read(parseVaultRef("vault:kv/data/lab/windows#password"));
    assert.ok(isSecret(value));
    assert.equal(value.reveal(), "Lab-Pw-from-vault-1");
    assert.equal(inspect(value), "[secret]");
    await store.read(parseVaultRef("vault:kv/data/lab/windows#password"));
    assert.deepEqual(
      vault.calls.map((c) => [c.method, c.path, c.token]),
      [
        ["GET", "kv/data/lab/windows", "t0ken-root-1"],
        ["GET", "kv/data/lab/windows", "t0ken-root-1"],
      ],
    );
  });

  it("holds a leased value until its lease ends, and shares one read between concurrent uses", async () => {
    let now = 1_000_000;
    const vault = fakeVault(() => kv({ password: "leased-Pw-22" }, 60));
    const store = new VaultSecretStore(
      new VaultLogin(endpoint, { method: "token", token: new Secret("tok-2222") }, () => now, vault.request),
      () => now,
    );
    const ref = parseVaultRef("vault:db/creds/lab#password");
    await Promise.all([store.read(ref), store.read(ref), store.read(ref)]);
    now += 59_000;
    await store.read(ref);
    assert.equal(vault.calls.length, 1, "one read for three concurrent uses and one within the lease");
    now += 2_000;
    await store.read(ref);
    assert.equal(vault.calls.length, 2, "read again once the lease has ended");
  });

  it("logs in with AppRole, reuses the token within its lease, and logs in again after a 403 (revoked token)", async () => {
    let logins = 0;
    let revoked = false;
    const vault = fakeVault((c) => {
      if (c.path === "auth/approle/login") {
        logins++;
        return { status: 200, body: { auth: { client_token: `approle-tok-${logins}`, lease_duration: 3600 } } };
      }
      if (revoked && c.token === "approle-tok-1") return { status: 403, body: { errors: ["permission denied"] } };
      return kv({ password: "Ar-Pw-333" });
    });
    const auth = {
      method: "approle" as const,
      roleId: "role-1",
      secretId: new Secret("sec-id-4444"),
      mount: "approle",
    };
    const store = new VaultSecretStore(new VaultLogin(endpoint, auth, Date.now, vault.request));
    const ref = parseVaultRef("vault:kv/data/lab/w#password");
    await store.read(ref);
    await store.read(ref);
    assert.equal(logins, 1);
    assert.deepEqual(vault.calls[0]?.body, { role_id: "role-1", secret_id: "sec-id-4444" });
    revoked = true;
    assert.equal((await store.read(ref)).reveal(), "Ar-Pw-333");
    assert.equal(logins, 2);
  });

  it("a denied token, a missing secret, a deleted version and a missing field are typed errors without the token", async () => {
    const answers: Record<string, VaultResponse> = {
      "kv/data/denied": { status: 403, body: { errors: ["1 error occurred:\n\t* permission denied\n\n"] } },
      "kv/data/missing": { status: 404, body: { errors: [] } },
      "kv/data/deleted": {
        status: 404,
        body: {
          data: { data: undefined, metadata: { version: 2, deletion_time: "2026-12-02T10:00:00Z", destroyed: false } },
        },
      },
      "kv/data/nofield": kv({ user: "admin" }),
    };
    const vault = fakeVault((c) => answers[c.path] ?? { status: 500, body: {} });
    const store = new VaultSecretStore(
      new VaultLogin(endpoint, { method: "token", token: new Secret("tok-leak-check-55") }, Date.now, vault.request),
    );
    const expect = async (path: string, code: string, fix: RegExp) => {
      await assert.rejects(store.read(parseVaultRef(`vault:${path}#password`)), (e: PodError) => {
        assert.equal(e.code, code, e.describe());
        assert.match(e.fix ?? "", fix);
        assert.ok(!JSON.stringify({ m: e.message, f: e.fix, d: e.details }).includes("tok-leak-check-55"));
        return true;
      });
    };
    await expect("kv/data/denied", "SECRET_DENIED", /revoked or expired/);
    await expect("kv/data/missing", "SECRET_NOT_FOUND", /vault kv get/);
    await expect("kv/data/deleted", "SECRET_NOT_FOUND", /undelete/);
    await expect("kv/data/nofield", "SECRET_NOT_FOUND", /kv patch/);
  });

  it("settings: stack config over VAULT_* env; a token over AppRole; no address or login is INVALID_INPUT with the fix", () => {
    const env = {
      VAULT_ADDR: "https://env:8200",
      VAULT_ROLE_ID: "r",
      VAULT_SECRET_ID: "s-secret-1",
      HOME: "/nonexistent",
    };
    const s = vaultSettings({ vaultAddress: "https://cfg:8200" }, env);
    assert.equal(s.endpoint.address, "https://cfg:8200");
    assert.equal(s.auth.method, "approle");
    assert.equal(vaultSettings({ vaultToken: "cfg-tok-1" }, env).auth.method, "token");
    assert.throws(
      () => vaultSettings({}, { HOME: "/nonexistent" }),
      (e: PodError) => /VAULT_ADDR/.test(e.fix ?? ""),
    );
    assert.throws(
      () => vaultSettings({}, { VAULT_ADDR: "https://x", HOME: "/nonexistent" }),
      (e: PodError) => e.code === "INVALID_INPUT" && /VAULT_TOKEN/.test(e.fix ?? ""),
    );
  });

  it("every front-end's chain sends a reference to Vault (here: none configured, so the fix names VAULT_ADDR)", async () => {
    const env = { HOME: "/nonexistent", POD_GUEST_USER: "pod", POD_GUEST_PASSWORD: "vault:kv/data/lab/linux#password" };
    const needsVault = (e: PodError) => e.code === "INVALID_INPUT" && /VAULT_ADDR/.test(e.fix ?? "");
    await assert.rejects(resolveGuestCredentials("10.0.0.5", { env, agent: false, keyFiles: [] }), needsVault);
    const vsphere = { host: "vc", user: "u", password: "vault:kv/data/lab/vc#password" };
    await assert.rejects(resolveVsphereCredentials({ vsphere, env }), needsVault);
    const target = { host: "10.0.0.5", user: "pod", password: "vault:kv/data/lab/linux#password" };
    await assert.rejects(withGuestDefaults(target, {}, env), needsVault);
    // Plain values never reach Vault's settings at all.
    const plain = await resolveGuestCredentials("10.0.0.5", {
      env: { ...env, POD_GUEST_PASSWORD: "plain-Pw-1" },
      agent: false,
      keyFiles: [],
    });
    assert.equal(plain.password instanceof Secret ? plain.password.reveal() : plain.password, "plain-Pw-1");
  });

  it("sends a token over https only: an http:// VAULT_ADDR is INVALID_INPUT before any request", () => {
    assert.throws(
      () => vaultRequest({ address: "http://127.0.0.1:1" }, "GET", "kv/data/x", { token: new Secret("tok-http-1") }),
      (e: PodError) => e.code === "INVALID_INPUT" && /https/.test(e.fix ?? "") && !e.message.includes("tok-http-1"),
    );
  });
});
