import * as https from "node:https";
import { PodError } from "../../common/errors";
import { networkError } from "../../common/network-error";
import { type TlsTrust, VerifyingAgent } from "../../common/tls";

export type { TlsTrust };

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

/** What the SOAP client sends requests through: HTTPS in production, a fake in unit tests. */
export interface SoapTransport {
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

/**
 * One keep-alive HTTPS connection pool to one server. The certificate is
 * checked before the first byte of any request is written, so a password in
 * a Login body never reaches an untrusted peer.
 */
export class HttpsTransport implements SoapTransport {
  readonly #agent: https.Agent;

  constructor(
    readonly host: string,
    readonly port: number,
    trust: TlsTrust,
  ) {
    this.#agent = new VerifyingAgent(trust, host, port, "vSphere", {
      keepAlive: true,
      maxSockets: 8,
      keepAliveMsecs: 30_000,
    });
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
