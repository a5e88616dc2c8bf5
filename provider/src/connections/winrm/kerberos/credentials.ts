import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Secret } from "../../../common/secret";
import { kinitError } from "./kerberos-errors";
import type { Krb5Env } from "./krb5-env";
import { type KerberosOptions, krb5ConfFor, principalOf } from "./options";

/**
 * The ticket cache and configuration one WinRM connection's GSS calls use.
 * With a keytab or a password, pod runs MIT's kinit into a cache of its own
 * (a 0700 folder, removed on close): the password goes to kinit's stdin,
 * never into argv or the environment. Otherwise the existing cache is used as
 * it is (pod never renews or changes a user's cache).
 */
export class KerberosCredentials {
  #dir: string | undefined;

  constructor(
    private readonly options: KerberosOptions,
    private readonly username: string,
    private readonly password: Secret,
  ) {}

  get principal(): string {
    return principalOf(this.username, this.options.realm);
  }

  /** Where the credentials come from, for messages (never the secret). */
  get source(): "keytab" | "password" | "cache" {
    if (this.options.keytab) return "keytab";
    return this.password.reveal() ? "password" : "cache";
  }

  /** Fresh credentials for one handshake: kinit again (keytab, password), or the existing cache. */
  async acquire(timeoutMs: number): Promise<Krb5Env> {
    const config = this.#config();
    const source = this.source;
    if (source === "cache") {
      const ccache = this.options.ccache;
      return { ...(config ? { KRB5_CONFIG: config } : {}), ...(ccache ? { KRB5CCNAME: ccache } : {}) };
    }
    const ccache = `FILE:${path.join(this.#folder(), "ccache")}`;
    const args = [
      "-c",
      ccache,
      ...(source === "keytab" ? ["-k", "-t", this.options.keytab ?? ""] : []),
      this.principal,
    ];
    const env = { ...process.env, ...(config ? { KRB5_CONFIG: config } : {}), LC_ALL: "C" };
    await new Promise<void>((resolve, reject) => {
      const child = execFile("kinit", args, { env, timeout: timeoutMs }, (error, _stdout, stderr) => {
        if (error) reject(kinitError(error, String(stderr), this.principal, source));
        else resolve();
      });
      child.stdin?.end(source === "password" ? `${this.password.reveal()}\n` : "");
    });
    return { ...(config ? { KRB5_CONFIG: config } : {}), KRB5CCNAME: ccache };
  }

  /** Removes pod's own cache and configuration. */
  dispose(): void {
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }

  #folder(): string {
    this.#dir ??= mkdtempSync(path.join(tmpdir(), "pod-krb5-"));
    return this.#dir;
  }

  #config(): string | undefined {
    const { realm, kdc, krb5Config } = this.options;
    if (realm && kdc) {
      const file = path.join(this.#folder(), "krb5.conf");
      writeFileSync(file, krb5ConfFor(realm, kdc), { mode: 0o600 });
      return file;
    }
    return krb5Config;
  }
}
