import * as http from "node:http";
import * as https from "node:https";
import type { Duplex } from "node:stream";
import { PodError } from "../../common/errors";
import { DEFAULT_MAX_WINRM_REPLY_BYTES, tooLarge } from "../../common/limits";
import { networkError } from "../../common/network-error";

/**
 * One HTTP POST to a WinRM listener on the endpoint's keep-alive agent. The
 * body is built only once the agent has handed out a socket, so the caller
 * can check that it is the socket NTLM authenticated (and seal the body for
 * exactly that connection) before a single byte is written.
 */
export interface Endpoint {
  host: string;
  port: number;
  https: boolean;
  path: string;
  agent: http.Agent;
}

export interface RawReply {
  status: number;
  contentType: string;
  /** Every WWW-Authenticate header value, in order. */
  authenticate: string[];
  body: Buffer;
}

/** The socket is not the authenticated one (or a kept-alive socket was found closed); nothing was sent. */
export class StaleConnection extends Error {}

export const SOAP_CONTENT_TYPE = "application/soap+xml;charset=UTF-8";

export function exchange(
  endpoint: Endpoint,
  build: (socket: Duplex) => { headers: Record<string, string>; body: Buffer } | StaleConnection,
  timeoutMs: number,
  maxBytes = DEFAULT_MAX_WINRM_REPLY_BYTES,
): Promise<RawReply> {
  const { host, port } = endpoint;
  return new Promise((resolve, reject) => {
    const req = (endpoint.https ? https : http).request({
      host,
      port,
      method: "POST",
      path: endpoint.path,
      agent: endpoint.agent,
      timeout: timeoutMs,
      headers: { "Content-Type": SOAP_CONTENT_TYPE, "User-Agent": "pod WinRM client", Connection: "Keep-Alive" },
    });
    req.once("socket", (socket: Duplex) => {
      const built = build(socket);
      if (built instanceof StaleConnection) {
        req.destroy(built);
        return;
      }
      for (const [k, v] of Object.entries(built.headers)) req.setHeader(k, v);
      req.setHeader("Content-Length", built.body.length);
      req.end(built.body);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      const over = (size?: number) =>
        req.destroy(
          tooLarge(`The WinRM reply from ${host}:${port}`, maxBytes, "Check what answers at that address.", size),
        );
      const declared = Number(res.headers["content-length"]);
      if (declared > maxBytes) {
        over(declared);
        return;
      }
      res.on("data", (c: Buffer) => {
        received += c.length;
        if (received > maxBytes) over();
        else chunks.push(c);
      });
      res.on("error", (e) => reject(networkError(e, host, port)));
      res.on("end", () => {
        const authenticate: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i]?.toLowerCase() === "www-authenticate") authenticate.push(res.rawHeaders[i + 1] ?? "");
        }
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          authenticate,
          body: Buffer.concat(chunks),
        });
      });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
    req.on("error", (e) => {
      if (e instanceof PodError || e instanceof StaleConnection) return reject(e);
      // A kept-alive socket the server had just closed: nothing reached the service, retry once.
      if (req.reusedSocket && (e as NodeJS.ErrnoException).code === "ECONNRESET") return reject(new StaleConnection());
      reject(networkError(e, host, port));
    });
  });
}
