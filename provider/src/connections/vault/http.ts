/**
 * Vault's HTTP API, one request at a time: JSON in, status and JSON out. The
 * status is data (the credential layer knows what a 403 or 404 means for the
 * call it made); only transport failures throw. The token travels in the
 * X-Vault-Token header as a Secret and is never part of a message.
 *
 * Hand-written over node:https rather than node-vault: pod needs four
 * endpoints, a CA file, a bounded body and errors that cannot carry the token
 * (node-vault's axios errors keep the request config, headers included).
 */
import * as https from "node:https";
import { PodError } from "../../common/errors";
import { readBounded } from "../../common/limits";
import { networkError } from "../../common/network-error";
import { revealValue, type Secret } from "../../common/secret";

export interface VaultEndpoint {
  /** "https://127.0.0.1:8200" (VAULT_ADDR). */
  address: string;
  /** PEM of the CA(s) that sign Vault's certificate (VAULT_CACERT); system roots otherwise. */
  ca?: string | Buffer;
  /** Enterprise namespace (VAULT_NAMESPACE). */
  namespace?: string;
  timeoutMs?: number;
}

export interface VaultResponse {
  status: number;
  body: VaultBody;
}

/** The parts of Vault's response envelope pod reads. */
export interface VaultBody {
  data?: Record<string, unknown> & { data?: Record<string, unknown>; metadata?: Record<string, unknown> };
  lease_id?: string;
  lease_duration?: number;
  renewable?: boolean;
  auth?: { client_token?: string; lease_duration?: number; renewable?: boolean };
  errors?: string[];
}

const MAX_BODY_BYTES = 1024 * 1024;

export function vaultRequest(
  endpoint: VaultEndpoint,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  options: { token?: Secret; body?: Record<string, unknown> } = {},
): Promise<VaultResponse> {
  const url = new URL(`/v1/${path.replace(/^\/+/, "")}`, endpoint.address);
  if (url.protocol !== "https:") {
    throw new PodError("INVALID_INPUT", `Vault's address ${endpoint.address} is not https.`, {
      fix: "Set VAULT_ADDR (or pod:vaultAddress) to the https:// address of the Vault server; pod sends tokens over TLS only.",
    });
  }
  const payload = options.body ? JSON.stringify(options.body) : undefined;
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.token) headers["x-vault-token"] = revealValue(options.token);
  if (endpoint.namespace) headers["x-vault-namespace"] = endpoint.namespace;
  if (payload) headers["content-type"] = "application/json";
  const port = Number(url.port || 443);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method, headers, ...(endpoint.ca ? { ca: endpoint.ca } : {}), timeout: endpoint.timeoutMs ?? 15_000 },
      (res) => {
        const refuse = () => new PodError("TOO_LARGE", `Vault's reply to ${method} ${url.pathname} exceeds 1 MiB.`);
        readBounded(res, MAX_BODY_BYTES, refuse).then(
          (raw) => resolve({ status: res.statusCode ?? 0, body: parse(raw) }),
          (e: Error) => reject(e instanceof PodError ? e : networkError(e, url.hostname, port)),
        );
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    req.on("error", (e) => reject(transportError(e, url, port)));
    req.end(payload);
  });
}

function parse(raw: Buffer): VaultBody {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString("utf8")) as VaultBody;
  } catch {
    return { errors: ["the reply was not JSON"] };
  }
}

function transportError(error: Error, url: URL, port: number): PodError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new PodError("TLS_UNTRUSTED", `Vault's TLS certificate at ${url.host} is not trusted (${code}).`, {
      fix: "Point VAULT_CACERT (or pod:vaultCaFile) at the PEM of the CA that signed Vault's certificate.",
      cause: error,
    });
  }
  const e = networkError(error, url.hostname, port);
  return new PodError(e.code, `Vault at ${url.host}: ${e.message}`, {
    fix: "Check VAULT_ADDR (or pod:vaultAddress) and that the Vault server runs and is unsealed.",
    cause: error,
    transient: e.transient,
  });
}
