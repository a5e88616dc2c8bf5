/**
 * An HTTP(S) peer on 127.0.0.1 that floods whoever asks: `/declared` announces
 * a 10 GiB body and sends 1 KiB of it; any other path sends an endless chunked
 * body as fast as the client reads. Tests of pod's reply bounds start one and
 * close it after.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

export const MiB = 1024 * 1024;
export const DECLARED_BYTES = 10 * 1024 * MiB;

export interface FloodingEndpoint {
  port: number;
  /** Bytes of the endless body written so far (reset by each request). */
  written(): number;
  /** Settles when the last endless response was closed (pod hung up). */
  closed(): Promise<void>;
  close(): void;
}

export async function startFloodingEndpoint(tls?: { cert: Buffer; key: Buffer }): Promise<FloodingEndpoint> {
  const server = tls ? https.createServer(tls) : http.createServer();
  let written = 0;
  let closed: Promise<void> = Promise.resolve();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    if (req.url === "/declared") {
      res.writeHead(200, { "Content-Length": String(DECLARED_BYTES) });
      res.write(Buffer.alloc(1024));
      return;
    }
    written = 0;
    closed = new Promise((resolve) => res.on("close", () => resolve()));
    const block = Buffer.alloc(64 * 1024, 0x3c);
    const pump = () => {
      while (!res.destroyed && res.write(block)) written += block.length;
      if (!res.destroyed) res.once("drain", pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    written: () => written,
    closed: () => closed,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
