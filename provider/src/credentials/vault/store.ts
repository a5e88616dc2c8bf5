/**
 * Reads what `vault:` references name, and asks Vault's SSH engine to sign
 * keys. A value with a lease (dynamic secrets, KV v1 with a ttl) is held
 * until its lease ends; a KV v2 value has none and is read again at every
 * use, so a deleted, destroyed or re-permissioned secret takes effect at once.
 * Concurrent reads of one reference (a batch over many guests) share one request.
 */
import { PodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import type { VaultBody } from "../../connections/vault/http";
import type { VaultLogin } from "./auth";
import { vaultRefusal } from "./errors";
import type { VaultRef } from "./reference";

export class VaultSecretStore {
  readonly #held = new Map<string, { value: Secret; until: number }>();
  readonly #reading = new Map<string, Promise<Secret>>();

  constructor(
    readonly login: VaultLogin,
    readonly now: () => number = Date.now,
  ) {}

  async read(ref: VaultRef): Promise<Secret> {
    const key = `${ref.path}?${ref.version ?? ""}#${ref.field}`;
    const held = this.#held.get(key);
    if (held && this.now() < held.until) return held.value;
    this.#held.delete(key);
    let reading = this.#reading.get(key);
    if (!reading) {
      reading = this.#read(ref, key).finally(() => this.#reading.delete(key));
      this.#reading.set(key, reading);
    }
    return reading;
  }

  async #read(ref: VaultRef, key: string): Promise<Secret> {
    const path = ref.version ? `${ref.path}?version=${ref.version}` : ref.path;
    const body = await this.call("GET", path, undefined, `read ${ref.path} (field ${ref.field})`, deletedVersion(ref));
    const fields = body.data?.metadata && isRecord(body.data.data) ? body.data.data : body.data;
    const raw = fields?.[ref.field];
    if (raw === undefined || raw === null || typeof raw === "object") {
      const names = Object.keys(fields ?? {}).join(", ") || "none";
      throw new PodError(
        "SECRET_NOT_FOUND",
        `The Vault secret ${ref.path} has no field "${ref.field}" (it has: ${names}).`,
        {
          fix: `Name one of its fields after the #, or write the field: \`vault kv patch\` the secret with ${ref.field}=….`,
        },
      );
    }
    const value = new Secret(String(raw));
    const leaseMs = (body.lease_duration ?? 0) * 1000;
    if (leaseMs > 0) this.#held.set(key, { value, until: this.now() + leaseMs });
    return value;
  }

  /** SSH secrets engine: a certificate for `publicKey`, valid for `principals` (signed by Vault's CA). */
  async signSshKey(mount: string, role: string, publicKey: string, principals: string[], ttl?: string) {
    const body = await this.call(
      "POST",
      `${mount}/sign/${role}`,
      {
        public_key: publicKey,
        cert_type: "user",
        valid_principals: principals.join(","),
        ...(ttl ? { ttl } : {}),
      },
      `sign an SSH key with ${mount}/sign/${role}`,
    );
    const certificate = body.data?.signed_key;
    if (typeof certificate !== "string") {
      throw new PodError("PROTOCOL_ERROR", `Vault's reply to ${mount}/sign/${role} has no signed_key.`);
    }
    return { certificate: certificate.trim(), serial: String(body.data?.serial_number ?? "") };
  }

  /** One authenticated request; a 403 on an AppRole token logs in once more before it counts. */
  async call(
    method: "GET" | "POST",
    path: string,
    payload: Record<string, unknown> | undefined,
    what: string,
    on404?: (body: VaultBody) => PodError | undefined,
  ): Promise<VaultBody> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.login.token();
      const response = await this.login.request(this.login.endpoint, method, path, {
        token,
        ...(payload ? { body: payload } : {}),
      });
      if (response.status < 400) return response.body;
      if (response.status === 403 && this.login.auth.method === "approle" && attempt === 0) {
        this.login.forget();
        continue;
      }
      throw (response.status === 404 && on404?.(response.body)) || vaultRefusal(response, what, this.login.description);
    }
  }
}

/** KV v2 answers a deleted or destroyed version with 404 and its metadata: say which. */
function deletedVersion(ref: VaultRef) {
  return (body: VaultBody): PodError | undefined => {
    const meta = body.data?.metadata;
    if (!meta) return undefined;
    const how = meta.destroyed ? "destroyed" : meta.deletion_time ? `deleted at ${meta.deletion_time}` : undefined;
    if (!how) return undefined;
    return new PodError("SECRET_NOT_FOUND", `The Vault secret ${ref.path} (version ${meta.version}) was ${how}.`, {
      fix: "Write the secret again (`vault kv put`), undelete that version (`vault kv undelete`), or pin a live version with ?version=N.",
      details: { version: meta.version, destroyed: meta.destroyed === true },
    });
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
