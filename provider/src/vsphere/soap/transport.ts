import * as https from "node:https";
import { Readable } from "node:stream";
import { PodError } from "../../common/errors";
import { DEFAULT_MAX_SOAP_RESPONSE_BYTES, tooLarge } from "../../common/limits";
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
  /** A Readable is streamed (give Content-Length in headers): large uploads are never held whole. */
  body?: string | Buffer | Readable;
  timeoutMs: number;
  /** Bytes of body read into memory (default 64 MiB); a longer body is refused with TOO_LARGE. */
  maxBytes?: number;
  /**
   * Takes the body chunk by chunk instead (the response's `bytes` stay empty and
   * no bound applies: the receiver keeps what it wants); for 2xx replies only.
   * `declared` is the Content-Length when the server sent one. Return false to stop reading.
   */
  onBody?: (chunk: Buffer, declared: number | undefined) => boolean | undefined;
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
    // One session serves every resource of a Pulumi provider process, and a call can hold its
    // socket for long: a WaitForUpdatesEx long poll per task being waited on, a read of a VM
    // that vcsim holds while its guest stops. With 8 sockets, N guests created or destroyed in
    // parallel went through in waves of 8; with 64 the engine's --parallel is the limit.
    this.#agent = new VerifyingAgent(trust, host, port, "vSphere", {
      keepAlive: true,
      maxSockets: 64,
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
          const reply = (bytes: Buffer) =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString("utf8"), bytes });
          const length = Number(res.headers["content-length"]);
          const declared = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
          const limit = req.maxBytes ?? DEFAULT_MAX_SOAP_RESPONSE_BYTES;
          // An error reply is read (bounded) as a body, never handed to the receiver as content.
          const status = res.statusCode ?? 0;
          const onBody = status >= 200 && status < 300 ? req.onBody : undefined;
          const refuse = (size?: number) => {
            res.destroy();
            reject(
              tooLarge(
                `The response to ${req.method} ${req.path.split("?")[0]} from ${this.host}`,
                limit,
                "Ask for less at once (fewer objects or properties per call), or raise the bound.",
                size,
              ),
            );
          };
          if (!onBody && declared !== undefined && declared > limit) return refuse(declared);
          const chunks: Buffer[] = [];
          let total = 0;
          res.on("data", (c: Buffer) => {
            if (onBody) {
              if (onBody(c, declared) === false) {
                res.destroy();
                reply(Buffer.alloc(0));
              }
              return;
            }
            total += c.length;
            if (total > limit) refuse();
            else chunks.push(c);
          });
          res.on("end", () => reply(Buffer.concat(chunks)));
          res.on("error", (e) => reject(networkError(e, this.host, this.port)));
        },
      );
      r.on("timeout", () => r.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
      r.on("error", (e) => reject(e instanceof PodError ? e : networkError(e, this.host, this.port)));
      const body = req.body;
      if (body instanceof Readable) {
        body.on("error", (e) => r.destroy(e));
        body.pipe(r);
      } else r.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
