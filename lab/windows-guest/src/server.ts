import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import {
  ENCRYPTED_PROTOCOL,
  encryptedContentType,
  isEncryptedContentType,
  type MessageSealer,
  sealBody,
  unsealBody,
} from "../../../provider/src/connections/winrm/encryption";
import type { GssIov } from "../../../provider/src/connections/winrm/kerberos/gss-native";
import { MessageType, NTLMSSP_SIGNATURE } from "../../../provider/src/connections/winrm/ntlm/constants";
import { acceptKerberos } from "./kerberos-acceptor";
import type { Machine } from "./machine";
import { NtlmAcceptor } from "./ntlm-acceptor";
import type { ShellTable } from "./shells";
import { faultEnvelope, identifyResponse } from "./wsman-messages";
import { serve } from "./wsman-service";

/**
 * The HTTP side of the guest's WinRM listeners, configured like a default
 * Windows Server 2022 plus Basic enabled for HTTPS:
 *  - auth: Negotiate (raw NTLMSSP tokens; SPNEGO/Kerberos too when the guest
 *    has a keytab, see kerberos-acceptor.ts) authenticates the TCP
 *    connection; Basic per request;
 *  - HTTP (5985) with AllowUnencrypted=false: Basic is refused (401) and an
 *    unsealed body after NTLM gets HTTP 500 with an empty body; bodies are
 *    multipart/encrypted NTLM-sealed, and so are the responses;
 *  - HTTPS (5986): TLS protects the bodies; Basic or NTLM; NTLM channel
 *    bindings are checked against this listener's certificate when the
 *    client sends them (Extended Protection, CbtHardeningLevel Relaxed);
 *  - wsmid:Identify with header WSMANIDENTIFY: unauthenticated needs no auth.
 */
export interface ListenerOptions {
  machine: Machine;
  shells: ShellTable;
  password: () => string;
  tls: boolean;
  /** MsvAvChannelBindings of this listener's certificate (tls-server-end-point), for TLS listeners. */
  channelBindings?: Buffer;
  /** MaxEnvelopeSizekb × 1024 (Windows' default is 500 KB). */
  maxEnvelopeBytes?: number;
  /** Kerberos (SPNEGO) acceptance with the keytab of KRB5_KTNAME; absent: Kerberos tokens are refused. */
  kerberos?: GssIov;
  /**
   * TLS listeners: the channel bindings' application data of this listener's certificate
   * ("tls-server-end-point:" + hash) that a Kerberos AP-REQ must carry (Extended Protection, Strict).
   */
  kerberosBindings?: Buffer;
  log: (line: string) => void;
}

interface ConnectionAuth {
  pending?: NtlmAcceptor;
  user?: string;
  session?: MessageSealer;
  /** The first encrypted message of a session is logged (tests read it). */
  announced?: boolean;
}

const SOAP = "application/soap+xml;charset=UTF-8";
const USER = "Administrator";

export function createListener(options: ListenerOptions, tlsOptions?: https.ServerOptions): http.Server {
  const connections = new WeakMap<Socket, ConnectionAuth>();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const conn = connections.get(req.socket) ?? {};
    connections.set(req.socket, conn);
    handle(req, res, conn, options).catch((error: unknown) => {
      options.log(`internal error: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500, { "Content-Length": 0 }).end();
      else res.destroy();
    });
  };
  const server = tlsOptions ? https.createServer(tlsOptions, handler) : http.createServer(handler);
  // HTTP.sys keeps idle connections for 2 minutes; NTLM needs them kept.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.requestTimeout = 0;
  return server;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function challenge(res: ServerResponse, tokenHeader?: string): void {
  res.setHeader("WWW-Authenticate", tokenHeader ? [tokenHeader] : ["Negotiate", 'Basic realm="WSMAN"']);
  res.writeHead(401, { "Content-Length": 0, Server: "Microsoft-HTTPAPI/2.0" }).end();
}

function passwordMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** "Administrator", ".\Administrator", "HOST\Administrator" are the same local account. */
function localUser(name: string, machine: Machine): string | undefined {
  const [domain, user] = name.includes("\\") ? (name.split("\\", 2) as [string, string]) : ["", name];
  const d = domain.toUpperCase();
  if (d !== "" && d !== "." && d !== machine.hostname.toUpperCase()) return undefined;
  return user.toLowerCase() === USER.toLowerCase() ? USER : undefined;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  conn: ConnectionAuth,
  o: ListenerOptions,
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (!/^\/wsman\/?$/i.test(path)) {
    res.writeHead(404, { "Content-Length": 0 }).end();
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405, { Allow: "POST", "Content-Length": 0 }).end();
    return;
  }
  const maxBytes = o.maxEnvelopeBytes ?? 512_000;
  const body = await readBody(req, maxBytes * 2);
  const client = req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "";
  if (!body) {
    res.writeHead(413, { "Content-Length": 0 }).end();
    return;
  }
  if (String(req.headers.wsmanidentify ?? "").toLowerCase() === "unauthenticated") {
    send(res, 200, Buffer.from(identifyResponse()), SOAP);
    return;
  }

  const authorization = req.headers.authorization;
  let user: string | undefined;
  if (authorization) {
    const [scheme = "", token = ""] = authorization.split(/\s+/, 2);
    const kind = scheme.toLowerCase();
    if (kind === "basic") {
      conn.user = undefined;
      conn.session = undefined;
      if (!o.tls) {
        o.log(`refused Basic over HTTP from ${client} (AllowUnencrypted=false)`);
        return challenge(res);
      }
      const decoded = Buffer.from(token, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      const name = localUser(decoded.slice(0, colon), o.machine);
      if (colon < 0 || !name || !passwordMatches(decoded.slice(colon + 1), o.password())) {
        o.log(`Basic authentication failed for "${decoded.slice(0, Math.max(0, colon))}" from ${client}`);
        return challenge(res);
      }
      user = name;
    } else if (kind === "negotiate" || kind === "ntlm" || (kind === "kerberos" && o.kerberos)) {
      const raw = Buffer.from(token, "base64");
      if (raw.length < 12 || !raw.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) {
        conn.user = undefined;
        conn.session = undefined;
        if (!o.kerberos) {
          o.log(`refused a non-NTLM ${scheme} token from ${client} (SPNEGO/Kerberos are not offered)`);
          return challenge(res);
        }
        const accepted = acceptKerberos(
          o.kerberos,
          kind === "kerberos" ? "kerberos" : "negotiate",
          raw,
          client,
          o.log,
          o.kerberosBindings,
        );
        if (!accepted) return challenge(res);
        conn.user = accepted.user;
        conn.session = accepted.session;
        conn.announced = false;
        user = accepted.user;
        // The AP-REP (mutual authentication) rides on this request's answer, whatever its status.
        res.setHeader("WWW-Authenticate", `${scheme} ${accepted.token.toString("base64")}`);
      } else {
        const type = raw.readUInt32LE(8);
        if (type === MessageType.Negotiate) {
          conn.user = undefined;
          conn.session = undefined;
          conn.pending = new NtlmAcceptor({
            computerName: o.machine.hostname,
            lookup: (u) => (u.toLowerCase() === USER.toLowerCase() ? o.password() : undefined),
            ...(o.channelBindings ? { channelBindings: o.channelBindings } : {}),
          });
          const reply = conn.pending.challenge(raw);
          return challenge(res, `${scheme} ${reply.toString("base64")}`);
        }
        if (type !== MessageType.Authenticate || !conn.pending) return challenge(res);
        try {
          const accepted = conn.pending.accept(raw);
          // Tests read this line to see, from the guest's side, whether a client bound its authentication.
          o.log(`NTLM authenticated ${USER} from ${client} (channel bindings: ${accepted.channelBindings})`);
          conn.user = USER;
          conn.session = accepted.session;
          conn.announced = false;
          user = USER;
        } catch (error) {
          o.log(`NTLM authentication failed from ${client}: ${(error as Error).message}`);
          conn.pending = undefined;
          return challenge(res);
        } finally {
          conn.pending = undefined;
        }
      }
    } else return challenge(res);
  } else if (conn.user) user = conn.user;
  if (!user) return challenge(res);

  if (body.length === 0) {
    // The empty POST that completes an NTLM handshake (pywinrm, winrs).
    res.writeHead(200, { "Content-Length": 0, Server: "Microsoft-HTTPAPI/2.0" }).end();
    return;
  }
  const protocol = conn.session?.protocol ?? ENCRYPTED_PROTOCOL;
  const encrypted = isEncryptedContentType(req.headers["content-type"], protocol);
  let xml: Buffer;
  if (encrypted) {
    if (!conn.session) {
      res.writeHead(400, { "Content-Length": 0 }).end();
      return;
    }
    try {
      xml = unsealBody(conn.session, body);
      const mechanism = conn.session.variableSignature ? "Kerberos" : "NTLM";
      const framing = protocol.replace(/^application\//, "");
      if (!conn.announced) o.log(`encrypted ${mechanism} session (${framing}) with ${user} from ${client}`);
      conn.announced = true;
    } catch (error) {
      o.log(`cannot unseal a message from ${client}: ${(error as Error).message}`);
      conn.user = undefined;
      conn.session = undefined;
      res.writeHead(400, { "Content-Length": 0, Connection: "close" }).end();
      return;
    }
  } else if (!o.tls) {
    // AllowUnencrypted=false: Windows answers an unsealed body with an empty 500.
    res.writeHead(500, { "Content-Length": 0, Server: "Microsoft-HTTPAPI/2.0" }).end();
    return;
  } else xml = body;

  const cancel = new AbortController();
  res.on("close", () => cancel.abort());
  const host = req.headers.host ?? "localhost";
  const result =
    xml.length > maxBytes
      ? {
          status: 500,
          xml: faultEnvelope(
            {
              code: "s:Sender",
              subcode: "w:EncodingLimit",
              reason:
                "The WS-Management service cannot process the request because the request size exceeded the configured MaxEnvelopeSize quota. ",
              wsmanCode: "2150859025",
              machine: o.machine.hostname,
            },
            undefined,
          ),
        }
      : await serve(xml.toString("utf8"), {
          machine: o.machine,
          shells: o.shells,
          user,
          clientIp: client,
          endpoint: `${o.tls ? "https" : "http"}://${host}/wsman`,
          cancel: cancel.signal,
          maxEnvelopeBytes: maxBytes,
        });
  if (res.destroyed) return;
  const out = Buffer.from(result.xml, "utf8");
  if (encrypted && conn.session) send(res, result.status, sealBody(conn.session, out), encryptedContentType(protocol));
  else send(res, result.status, out, SOAP);
}

function send(res: ServerResponse, status: number, body: Buffer, contentType: string): void {
  res
    .writeHead(status, { "Content-Type": contentType, "Content-Length": body.length, Server: "Microsoft-HTTPAPI/2.0" })
    .end(body);
}
