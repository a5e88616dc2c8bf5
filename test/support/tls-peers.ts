/**
 * Adversarial peers a test starts on 127.0.0.1 and closes after: a socket that
 * accepts and says nothing, a TCP proxy the test flips from silent to
 * forwarding, and a TLS server that records every byte of application data it
 * is sent (to prove that nothing was).
 */
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";

export interface Peer {
  port: number;
  /** TCP connections accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}

function closer(server: Server, sockets: Set<Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/**
 * A TCP proxy to `target` ("host:port"): silent until forward() is called
 * (connections accepted while silent stay silent for ever), forwarding after.
 */
export async function startSwitchableProxy(target: string): Promise<Peer & { forward(): void }> {
  const [host = "127.0.0.1", port = "443"] = target.split(":");
  const sockets = new Set<Socket>();
  let forwarding = false;
  const peer = { port: 0, accepted: 0, forward: () => {}, close: async () => {} };
  const server = createServer((client) => {
    peer.accepted++;
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    if (!forwarding) return; // accepted, then nothing: no TLS ServerHello, no close
    const upstream = connect({ host, port: Number(port) });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  peer.port = await listen(server);
  peer.forward = () => {
    forwarding = true;
  };
  peer.close = closer(server, sockets);
  return peer;
}

/** A socket that accepts and says nothing. */
export async function startSilentPeer(): Promise<Peer> {
  const sockets = new Set<Socket>();
  const peer = { port: 0, accepted: 0, close: async () => {} };
  const server = createServer((socket) => {
    peer.accepted++;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  peer.port = await listen(server);
  peer.close = closer(server, sockets);
  return peer;
}

/** A fresh self-signed certificate for 127.0.0.1 (openssl, as the lab makes its own CA). */
export function selfSignedCert(): { cert: string; key: string; thumbprint: string } {
  const dir = mkdtempSync(join(tmpdir(), "pod-peer-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=pod-test-peer",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const cert = readFileSync(join(dir, "cert.pem"), "utf8");
    const key = readFileSync(join(dir, "key.pem"), "utf8");
    return { cert, key, thumbprint: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsRecorder extends Peer {
  thumbprint: string;
  /** Application data received, all connections together. */
  received(): Buffer;
  /** Resolves once every connection accepted so far has closed on the peer's side (all its bytes are in). */
  drained(): Promise<void>;
}

/**
 * A TLS server with its own certificate that records every decrypted byte and
 * answers each request with an empty 404, so a client that trusts it goes on
 * until its own code stops it.
 */
export async function startTlsRecorder(): Promise<TlsRecorder> {
  const { cert, key, thumbprint } = selfSignedCert();
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const open = new Set<Promise<void>>();
  const peer = {
    port: 0,
    accepted: 0,
    thumbprint,
    received: () => Buffer.concat(chunks),
    drained: async () => {
      await Promise.all(open);
    },
    close: async () => {},
  };
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.on("data", (data: Buffer) => {
      chunks.push(data);
      if (data.includes("\r\n\r\n")) socket.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    });
    socket.on("error", () => undefined);
  });
  server.on("connection", (socket: Socket) => {
    peer.accepted++;
    sockets.add(socket);
    open.add(new Promise((resolve) => socket.once("close", () => resolve())));
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", () => undefined);
  peer.port = await listen(server);
  peer.close = closer(server, sockets);
  return peer;
}

/** A well-formed SHA-256 pin ("AA:BB:…") derived from, and so never equal to, the peer's. */
export function wrongThumbprint(thumbprint: string): string {
  const hex = createHash("sha256").update(thumbprint).digest("hex").toUpperCase();
  return hex.match(/.{2}/g)?.join(":") ?? "";
}
