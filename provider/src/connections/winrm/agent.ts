import * as http from "node:http";
import { type TlsTrust, VerifyingAgent } from "../../common/tls";

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
  return useTls ? new VerifyingAgent(trust, host, port, "the WinRM listener", KEEP_ALIVE) : new http.Agent(KEEP_ALIVE);
}
