import * as http from "node:http";
import * as https from "node:https";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";
import { PodError } from "../../common/errors";
import { normalizeThumbprint, type TlsTrust } from "../../vsphere/soap/transport";

/**
 * One keep-alive socket per WinRM endpoint. NTLM authenticates the TCP
 * connection (and its RC4 streams live with it), so requests are strictly
 * serial on a single socket; the transport notices when the agent had to
 * open a new one. Over HTTPS the certificate is checked before the socket is
 * handed out (same rules as the vSphere transport: CA or system roots by
 * default, a pinned SHA-256 thumbprint, or an explicit `insecure`), so no
 * credential is ever written to an untrusted peer.
 */
export type WinrmAgent = http.Agent & { peerCertificate?: Buffer };

const KEEP_ALIVE = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, keepAliveMsecs: 30_000 };

export function createAgent(useTls: boolean, trust: TlsTrust, host: string, port: number): WinrmAgent {
  return useTls ? new VerifyingAgent(trust, host, port) : new http.Agent(KEEP_ALIVE);
}

class VerifyingAgent extends https.Agent {
  peerCertificate?: Buffer;

  constructor(
    readonly trust: TlsTrust,
    readonly host: string,
    readonly port: number,
  ) {
    super(KEEP_ALIVE);
  }

  override createConnection(
    options: http.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | undefined {
    const socket = tls.connect({
      ...(options as tls.ConnectionOptions),
      ...(this.trust.ca ? { ca: this.trust.ca } : {}),
      // An IP address is not a valid SNI name; Node warns if it is sent.
      ...(isIp(this.host) ? { servername: "" } : { servername: this.host }),
      rejectUnauthorized: false, // verified below, before the socket is used
    });
    const done = callback ?? (() => undefined);
    socket.once("error", (e) => done(e, socket));
    socket.once("secureConnect", () => {
      const problem = this.verify(socket);
      if (problem) {
        socket.destroy();
        done(problem, socket);
        return;
      }
      this.peerCertificate = socket.getPeerCertificate().raw;
      done(null, socket);
    });
    return undefined;
  }

  private verify(socket: tls.TLSSocket): PodError | undefined {
    if (this.trust.insecure) return undefined;
    const seen = normalizeThumbprint(socket.getPeerCertificate().fingerprint256 ?? "");
    if (this.trust.thumbprint) {
      if (seen === normalizeThumbprint(this.trust.thumbprint)) return undefined;
      return untrusted(this.host, this.port, seen, "its SHA-256 thumbprint does not match the pinned one");
    }
    if (socket.authorized) return undefined;
    return untrusted(this.host, this.port, seen, String(socket.authorizationError ?? "verification failed"));
  }
}

const isIp = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(":");

function untrusted(host: string, port: number, thumbprint: string, reason: string): PodError {
  return new PodError(
    "TLS_UNTRUSTED",
    `The TLS certificate of the WinRM listener ${host}:${port} is not trusted (${reason}). Its SHA-256 thumbprint is ${thumbprint}.`,
    {
      fix: `If that is the guest's WinRM certificate, pin it with thumbprint "${thumbprint}" or trust its CA (ca); insecure: true skips the check (labs only).`,
      details: { thumbprint, reason },
    },
  );
}
