import type * as http from "node:http";
import * as https from "node:https";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";
import { PodError } from "../../common/errors";

/**
 * How to trust the server. Verified by default (system roots, or `ca`);
 * `thumbprint` pins the SHA-256 of the leaf certificate instead; only an
 * explicit `insecure: true` skips the check.
 */
export interface TlsTrust {
  ca?: string | Buffer;
  thumbprint?: string;
  insecure?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  bytes: Buffer;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT";
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
}

/** "AA:BB:…" or "aabb…" → "AA:BB:…", so pins compare whatever way users paste them. */
export function normalizeThumbprint(value: string): string {
  const hex = value.replace(/[^0-9a-f]/gi, "").toUpperCase();
  return hex.match(/.{2}/g)?.join(":") ?? "";
}

/**
 * One keep-alive HTTPS connection pool to one server. The certificate is
 * checked before the first byte of any request is written, so a password in
 * a Login body never reaches an untrusted peer.
 */
export class HttpsTransport {
  readonly #agent: https.Agent;

  constructor(
    readonly host: string,
    readonly port: number,
    trust: TlsTrust,
  ) {
    this.#agent = new VerifyingAgent(trust, host, port);
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const r = https.request(
        {
          host: this.host,
          port: this.port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          agent: this.#agent,
          timeout: req.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const bytes = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString("utf8"), bytes });
          });
          res.on("error", (e) => reject(networkError(e, this.host, this.port)));
        },
      );
      r.on("timeout", () => r.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
      r.on("error", (e) => reject(e instanceof PodError ? e : networkError(e, this.host, this.port)));
      r.end(req.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

class VerifyingAgent extends https.Agent {
  constructor(
    readonly trust: TlsTrust,
    readonly host: string,
    readonly port: number,
  ) {
    super({ keepAlive: true, maxSockets: 8, keepAliveMsecs: 30_000 });
  }

  override createConnection(
    options: http.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | undefined {
    const socket = tls.connect({
      ...(options as tls.ConnectionOptions),
      ...(this.trust.ca ? { ca: this.trust.ca } : {}),
      rejectUnauthorized: false, // checked below, before the socket is handed out
    });
    const done = callback ?? (() => undefined);
    socket.once("error", (e) => done(e, socket));
    socket.once("secureConnect", () => {
      const problem = this.verify(socket);
      if (problem) {
        socket.destroy();
        done(problem, socket);
      } else {
        done(null, socket);
      }
    });
    return undefined;
  }

  private verify(socket: tls.TLSSocket): PodError | undefined {
    if (this.trust.insecure) return undefined;
    const cert = socket.getPeerCertificate();
    const seen = normalizeThumbprint(cert.fingerprint256 ?? "");
    if (this.trust.thumbprint) {
      if (seen === normalizeThumbprint(this.trust.thumbprint)) return undefined;
      return untrusted(this.host, this.port, seen, "its SHA-256 thumbprint does not match the pinned one");
    }
    if (socket.authorized) return undefined;
    return untrusted(this.host, this.port, seen, String(socket.authorizationError ?? "verification failed"));
  }
}

function untrusted(host: string, port: number, thumbprint: string, reason: string): PodError {
  return new PodError(
    "TLS_UNTRUSTED",
    `The TLS certificate of ${host}:${port} is not trusted (${reason}). Its SHA-256 thumbprint is ${thumbprint}.`,
    {
      fix: `If that is your server's certificate, pin it with thumbprint "${thumbprint}", or trust its CA (caFile); insecure: true skips the check (labs only).`,
      details: { thumbprint, reason },
    },
  );
}

const TRANSIENT = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN", "ENETUNREACH"]);

export function networkError(error: Error, host: string, port: number): PodError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENOTFOUND") {
    return new PodError("UNREACHABLE", `Cannot reach ${host}:${port} (${code}).`, {
      fix: "Check the host name and port, and that the server is running and reachable from here.",
      details: { errno: code },
      cause: error,
      transient: code === "ECONNREFUSED",
    });
  }
  if (code === "ETIMEDOUT") {
    return new PodError("TIMEOUT", `No answer from ${host}:${port} in time.`, {
      fix: "Check that the server is up and not overloaded, or raise the timeout.",
      details: { errno: code },
      cause: error,
      transient: true,
    });
  }
  return new PodError("CONNECTION_LOST", `The connection to ${host}:${port} failed: ${error.message}.`, {
    details: { errno: code },
    cause: error,
    transient: TRANSIENT.has(code),
  });
}
