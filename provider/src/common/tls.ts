import type * as http from "node:http";
import * as https from "node:https";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";
import { PodError } from "./errors";

/**
 * How to trust a TLS server. Verified by default (system roots, or `ca`);
 * `thumbprint` pins the SHA-256 of the leaf certificate instead; only an
 * explicit `insecure: true` with neither of them skips the check.
 */
export interface TlsTrust {
  ca?: string | Buffer;
  thumbprint?: string;
  insecure?: boolean;
  /**
   * How long the TCP connect and TLS handshake of one new socket may take
   * (default 30 s). A peer that accepts and then says nothing would otherwise
   * hang the call, and every caller queued behind it, for ever.
   */
  handshakeTimeoutMs?: number;
}

export const DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS = 30_000;

/** "AA:BB:…" or "aabb…" → "AA:BB:…", so pins compare whatever way users paste them. */
export function normalizeThumbprint(value: string): string {
  const hex = value.replace(/[^0-9a-f]/gi, "").toUpperCase();
  return hex.match(/.{2}/g)?.join(":") ?? "";
}

const isIp = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(":");

/**
 * An HTTPS agent that checks the server's certificate before the socket is
 * handed to a request, so no byte (a Login body, WinRM credentials) is ever
 * written to an untrusted peer.
 */
export class VerifyingAgent extends https.Agent {
  /** DER of the last verified peer certificate (WinRM channel bindings need it). */
  peerCertificate?: Buffer;

  constructor(
    readonly trust: TlsTrust,
    readonly host: string,
    readonly port: number,
    /** How messages name the server: "vSphere", "the WinRM listener", … */
    readonly what: string,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(
    options: http.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | undefined {
    const socket = tls.connect({
      ...(options as tls.ConnectionOptions),
      ...(this.trust.ca ? { ca: this.trust.ca } : {}),
      // An IP address is not a valid SNI name; Node warns if it is sent.
      servername: isIp(this.host) ? "" : this.host,
      rejectUnauthorized: false, // verified below, before the socket is used
    });
    const limitMs = this.trust.handshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS;
    let settled = false;
    // The agent hears exactly one outcome: a verified socket, an error, or the timeout.
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      callback?.(error, socket);
    };
    const timer = setTimeout(() => {
      socket.on("error", () => undefined); // late errors of a socket nobody uses any more
      socket.destroy();
      finish(this.#timedOut(limitMs));
    }, limitMs);
    socket.once("error", (e) => finish(e));
    socket.once("secureConnect", () => {
      const problem = this.#verify(socket);
      if (problem) {
        socket.destroy();
        finish(problem);
        return;
      }
      this.peerCertificate = socket.getPeerCertificate().raw;
      finish(null);
    });
    return undefined;
  }

  #verify(socket: tls.TLSSocket): PodError | undefined {
    const seen = normalizeThumbprint(socket.getPeerCertificate().fingerprint256 ?? "");
    // A pin (or a CA) always wins over insecure, whichever way both ended up here.
    if (this.trust.thumbprint) {
      if (seen === normalizeThumbprint(this.trust.thumbprint)) return undefined;
      return this.#untrusted(seen, "its SHA-256 thumbprint does not match the pinned one");
    }
    if (this.trust.insecure && !this.trust.ca) return undefined;
    if (socket.authorized) return undefined;
    return this.#untrusted(seen, String(socket.authorizationError ?? "verification failed"));
  }

  #timedOut(limitMs: number): PodError {
    return new PodError(
      "TIMEOUT",
      `No TLS handshake with ${this.what} ${this.host}:${this.port} within ${limitMs} ms: it accepted the connection and then said nothing.`,
      {
        fix: "Check that the address and port are the server's TLS endpoint (a proxy or firewall may be holding the connection), or raise handshakeTimeoutMs.",
        details: { host: this.host, port: this.port, handshakeTimeoutMs: limitMs },
      },
    );
  }

  #untrusted(thumbprint: string, reason: string): PodError {
    return new PodError(
      "TLS_UNTRUSTED",
      `The TLS certificate of ${this.what} ${this.host}:${this.port} is not trusted (${reason}). Its SHA-256 thumbprint is ${thumbprint}.`,
      {
        fix: `If that is the server's certificate, pin it with thumbprint "${thumbprint}", or trust its CA; insecure: true skips the check (labs only).`,
        details: { thumbprint, reason },
      },
    );
  }
}
