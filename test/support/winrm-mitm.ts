import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join } from "node:path";
import * as tls from "node:tls";
import { promisify } from "node:util";

/**
 * Attackers between pod and a WinRM listener, started by a test on 127.0.0.1
 * and closed after it. Each records every byte it forwards in both
 * directions (`capture()`), so a test can prove what crossed the wire.
 *
 *  - startHttpMitm: an HTTP proxy that keeps one upstream connection per
 *    client connection (NTLM authenticates the TCP connection) and may
 *    rewrite the NTLM CHALLENGE or replace replies (forgery);
 *  - startTlsInterceptor: terminates TLS with its own certificate and opens
 *    a new TLS connection to the listener, passing the bytes through
 *    unchanged (what a corporate TLS-inspecting proxy, or an attacker with a
 *    certificate from a trusted CA, does).
 */
export interface Upstream {
  host: string;
  port: number;
}

export interface ForwardedReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface HttpMitmOptions {
  upstream: Upstream;
  /** Rewrites the NTLM token in a 401's WWW-Authenticate (the CHALLENGE). */
  rewriteChallenge?: (token: Buffer) => Buffer;
  /** Called for each reply with a body (n counts from 1); a return value replaces what the client gets. */
  rewriteReply?: (n: number, reply: ForwardedReply) => ForwardedReply | undefined;
  /** Called for each request with a body (n counts from 1); a return value is answered instead of forwarding it. */
  answerRequest?: (n: number) => ForwardedReply | undefined;
}

/** The NTLM 401 a service sends when it does not know the connection's context (what a forger sends too). */
export const FORGED_401: ForwardedReply = {
  status: 401,
  headers: { "www-authenticate": "Negotiate", server: "Microsoft-HTTPAPI/2.0" },
  body: Buffer.alloc(0),
};

export interface Mitm {
  port: number;
  capture(): Buffer;
  /** Authorization header values the client sent, in order. */
  authorizations: string[];
  /** Requests with a body (sealed WS-Man messages), in order: forwarded to the listener, or answered by the proxy. */
  bodies: { forwarded: boolean; bytes: number }[];
  close(): Promise<void>;
}

export async function startHttpMitm(options: HttpMitmOptions): Promise<Mitm> {
  const chunks: Buffer[] = [];
  const authorizations: string[] = [];
  const agents = new WeakMap<Socket, http.Agent>();
  const bodies: Mitm["bodies"] = [];
  let replies = 0;
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      const requestBody = Buffer.concat(body);
      chunks.push(Buffer.from(`${req.method} ${req.url}\r\n${JSON.stringify(req.headers)}\r\n`), requestBody);
      if (req.headers.authorization) authorizations.push(req.headers.authorization);
      if (requestBody.length > 0) {
        const answer = options.answerRequest?.(bodies.length + 1);
        bodies.push({ forwarded: !answer, bytes: requestBody.length });
        if (answer) {
          res.writeHead(answer.status, { ...answer.headers, "content-length": String(answer.body.length) });
          res.end(answer.body);
          return;
        }
      }
      let agent = agents.get(req.socket);
      if (!agent) {
        const created = new http.Agent({ keepAlive: true, maxSockets: 1 });
        agents.set(req.socket, created);
        req.socket.once("close", () => created.destroy());
        agent = created;
      }
      const headers = { ...req.headers, host: `${options.upstream.host}:${options.upstream.port}` };
      const up = http.request({ ...options.upstream, method: req.method, path: req.url, headers, agent }, (upRes) => {
        const parts: Buffer[] = [];
        upRes.on("data", (c: Buffer) => parts.push(c));
        upRes.on("end", () => {
          let reply: ForwardedReply = {
            status: upRes.statusCode ?? 502,
            headers: upRes.headers,
            body: Buffer.concat(parts),
          };
          chunks.push(Buffer.from(`${reply.status}\r\n${JSON.stringify(reply.headers)}\r\n`), reply.body);
          const challenge = /^(Negotiate|NTLM) ([A-Za-z0-9+/=]+)$/.exec(
            String(reply.headers["www-authenticate"] ?? ""),
          );
          if (reply.status === 401 && challenge && options.rewriteChallenge) {
            const token = options.rewriteChallenge(Buffer.from(challenge[2] ?? "", "base64"));
            reply = {
              ...reply,
              headers: { ...reply.headers, "www-authenticate": `${challenge[1]} ${token.toString("base64")}` },
            };
          }
          if (reply.body.length > 0 && options.rewriteReply) reply = options.rewriteReply(++replies, reply) ?? reply;
          const out = { ...reply.headers, "content-length": String(reply.body.length) };
          delete out["transfer-encoding"];
          res.writeHead(reply.status, out).end(reply.body);
        });
      });
      up.on("error", () => res.destroy());
      up.end(requestBody);
    });
  });
  return listening(server, chunks, authorizations, bodies);
}

export interface TlsInterceptorOptions {
  upstream: Upstream;
  /** The interceptor's own certificate and key (PEM). */
  cert: Buffer;
  key: Buffer;
  /** CA the interceptor trusts for the real listener. */
  upstreamCa: Buffer;
}

export async function startTlsInterceptor(options: TlsInterceptorOptions): Promise<Mitm> {
  const chunks: Buffer[] = [];
  const server = tls.createServer({ cert: options.cert, key: options.key }, (client) => {
    const upstream = tls.connect({ ...options.upstream, ca: options.upstreamCa });
    client.on("data", (c: Buffer) => chunks.push(c));
    upstream.on("data", (c: Buffer) => chunks.push(c));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  return listening(server, chunks, [], []);
}

function listening(
  server: http.Server | tls.Server,
  chunks: Buffer[],
  authorizations: string[],
  bodies: Mitm["bodies"],
): Promise<Mitm> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        capture: () => Buffer.concat(chunks),
        authorizations,
        bodies,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Another certificate for 127.0.0.1 from the given CA, written under `dir`: pod trusts it, as it would a
 * real attacker's certificate from a CA the user trusts (or a corporate TLS-inspecting proxy's).
 */
export async function issueInterceptorCert(
  dir: string,
  caFile: string,
  caKeyFile: string,
): Promise<{ cert: Buffer; key: Buffer }> {
  const run = promisify(execFile);
  const [key, csr, cert, ext] = ["key.pem", "req.csr", "cert.pem", "ext.cnf"].map((f) => join(dir, f)) as [
    string,
    string,
    string,
    string,
  ];
  writeFileSync(ext, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  const request = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1"];
  await run("openssl", ["req", ...request, "-keyout", key, "-out", csr]);
  const serial = ["-CAserial", join(dir, "ca.srl"), "-CAcreateserial"];
  await run(
    "openssl",
    ["x509", "-req", "-in", csr, "-CA", caFile, "-CAkey", caKeyFile, ...serial].concat([
      "-days",
      "1",
      "-extfile",
      ext,
      "-out",
      cert,
    ]),
  );
  return { cert: readFileSync(cert), key: readFileSync(key) };
}
