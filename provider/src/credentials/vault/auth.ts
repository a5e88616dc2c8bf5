/**
 * A Vault client token for pod's requests: the token given, or one from an
 * AppRole login, held until 90 % of its lease has run and then renewed by a
 * new login. A 403 on a held AppRole token (revoked early) drops it, so the
 * next call logs in again.
 */
import { PodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import { type VaultEndpoint, vaultRequest } from "../../connections/vault/http";
import { vaultRefusal } from "./errors";
import type { VaultAuthSettings } from "./settings";

export class VaultLogin {
  #token: { value: Secret; until: number } | undefined;
  #pending: Promise<Secret> | undefined;

  constructor(
    readonly endpoint: VaultEndpoint,
    readonly auth: VaultAuthSettings,
    readonly now: () => number = Date.now,
    /** The HTTP call (unit tests pass a fake Vault). */
    readonly request: typeof vaultRequest = vaultRequest,
  ) {}

  /** How messages name the credential: "token" or "AppRole <role id>'s token". */
  get description(): string {
    return this.auth.method === "token" ? "Vault token" : `AppRole token (role id ${this.auth.roleId})`;
  }

  async token(): Promise<Secret> {
    if (this.auth.method === "token") return this.auth.token;
    if (this.#token && this.now() < this.#token.until) return this.#token.value;
    this.#pending ??= this.#login().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** After a 403: a held AppRole token may have been revoked; forget it. */
  forget(): void {
    this.#token = undefined;
  }

  async #login(): Promise<Secret> {
    if (this.auth.method !== "approle") throw new PodError("INTERNAL", "login() without AppRole settings.");
    const { roleId, secretId, mount } = this.auth;
    const response = await this.request(this.endpoint, "POST", `auth/${mount}/login`, {
      body: { role_id: roleId, secret_id: secretId.reveal() },
    });
    const token = response.body.auth?.client_token;
    if (response.status >= 400 || !token) {
      const e = vaultRefusal(response, `log in with AppRole role id ${roleId}`, "AppRole secret id");
      // Vault answers a wrong or used-up secret id with 400 "invalid role or secret ID".
      if (response.status === 400) throw new PodError("SECRET_DENIED", e.message, { fix: e.fix, details: e.details });
      throw e;
    }
    const value = new Secret(token);
    const leaseMs = (response.body.auth?.lease_duration ?? 0) * 1000;
    this.#token = { value, until: leaseMs > 0 ? this.now() + leaseMs * 0.9 : Number.POSITIVE_INFINITY };
    return value;
  }
}
