import type { Duplex } from "node:stream";
import { PodError } from "../../common/errors";
import type { Secret } from "../../common/secret";
import type { TlsTrust } from "../../common/tls";
import { PoolEvents } from "../pool-events";
import { createAgent, type WinrmAgent } from "./agent";
import {
  ENCRYPTED_PROTOCOL,
  EncryptedBodyError,
  encryptedContentType,
  isEncryptedContentType,
  type MessageSealer,
  sealBody,
  unsealBody,
} from "./encryption";
import { type Endpoint, exchange, type RawReply, StaleConnection } from "./http-exchange";
import { KerberosCredentials } from "./kerberos/credentials";
import { kerberosHandshake } from "./kerberos/handshake";
import type { KerberosOptions } from "./kerberos/options";
import { tlsServerEndPoint, tlsServerEndPointData } from "./ntlm/channel-bindings";
import { NtlmClient, NtlmClientError, NtlmDowngradeError } from "./ntlm/client";
import { NtlmIntegrityError } from "./ntlm/session-security";
import { downgradeError, integrityError, replayRefusedError, unsealedReplyError } from "./ntlm-errors";

/**
 * HTTP(S) to one WinRM listener with its authentication:
 *  - basic: HTTPS only (a password in clear over HTTP is refused here, and
 *    Windows refuses it too unless AllowUnencrypted=true);
 *  - ntlm: NTLMv2 on a dedicated keep-alive socket; over HTTPS TLS protects
 *    the bodies and the NTLM response carries channel bindings (the server
 *    certificate's hash), so a TLS-intercepting proxy cannot relay it; over
 *    HTTP every body is sealed (MS-WSMV multipart/encrypted) and every reply
 *    must be sealed too: a plaintext reply on a sealed session is refused
 *    (UNSEALED_REPLY), never read. A CHALLENGE that offers less than
 *    128-bit sealing with key exchange and a timestamp is refused
 *    (NTLM_DOWNGRADE) before any password proof is sent.
 *  - kerberos: SPNEGO with a Kerberos ticket (kerberos/handshake.ts), mutual
 *    authentication required; over HTTP every body is encrypted with the
 *    Kerberos context (HTTP-Kerberos-session-encrypted), with the same
 *    refusals as NTLM's sealing (unencrypted or altered replies).
 * CredSSP is not implemented.
 * Requests are serialized: NTLM sealing is one RC4 stream per direction.
 * A 401 in the middle of a sealed session is resent (after one fresh
 * handshake) only for a replay-safe request: over plain HTTP anyone in the
 * path can forward a Command to the service and answer pod with 401, and a
 * resend would run it twice (see replayRefusedError).
 */
export type WinrmAuthKind = "ntlm" | "basic" | "kerberos";

export interface WinrmTransportOptions {
  host: string;
  port: number;
  https: boolean;
  path?: string;
  auth: WinrmAuthKind;
  /** "user", "DOMAIN\\user" or "user@domain". */
  username: string;
  password: Secret;
  tls?: TlsTrust;
  /** auth: kerberos only. */
  kerberos?: KerberosOptions;
}

/** How one request may be handled when the session fails under it. */
export interface PostOptions {
  /** Sending it twice does no harm (Identify, Create shell, Receive, Signal, Delete shell; not Command or Send). */
  replaySafe: boolean;
  /** The WS-Man operation, for error messages. */
  operation: string;
}

export interface WinrmReply {
  status: number;
  body: Buffer;
}

/** An authenticated connection: NTLM's session security or a Kerberos context. */
interface NtlmContext {
  socket: Duplex;
  session: MessageSealer;
  seal: boolean;
}

export class WinrmTransport {
  readonly #agent: WinrmAgent;
  readonly #endpoint: Endpoint;
  #ctx: NtlmContext | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #kerberos: KerberosCredentials | undefined;
  readonly stats = { requests: 0, handshakes: 0, reconnects: 0, failures: 0 };
  /** Reconnects and failed requests as they happen (for metrics). */
  readonly events: PoolEvents;

  constructor(readonly options: WinrmTransportOptions) {
    if (options.auth === "basic" && !options.https) {
      throw new PodError(
        "INVALID_INPUT",
        `Basic authentication over plain HTTP to ${this.target} would send the password in clear.`,
        {
          fix: "Use https (port 5986) with Basic, or auth: ntlm over http (5985), which encrypts every message.",
        },
      );
    }
    this.events = new PoolEvents("winrm", this.target);
    if (options.auth === "kerberos") {
      this.#kerberos = new KerberosCredentials(options.kerberos ?? {}, options.username, options.password);
    }
    this.#agent = createAgent(options.https, options.tls ?? {}, options.host, options.port);
    this.#endpoint = {
      host: options.host,
      port: options.port,
      https: options.https,
      path: options.path ?? "/wsman",
      agent: this.#agent,
    };
  }

  get target(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /** POSTs one SOAP envelope and returns the (decrypted) reply; requests never overlap. */
  post(xml: string, timeoutMs: number, options: PostOptions): Promise<WinrmReply> {
    const run = this.#queue.then(() => this.#post(Buffer.from(xml, "utf8"), timeoutMs, options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.#ctx = undefined;
    this.#agent.destroy();
    this.#kerberos?.dispose();
  }

  async #post(body: Buffer, timeoutMs: number, options: PostOptions): Promise<WinrmReply> {
    this.stats.requests++;
    try {
      return this.options.auth === "basic"
        ? await this.#postBasic(body, timeoutMs)
        : await this.#postNtlm(body, timeoutMs, options);
    } catch (error) {
      this.stats.failures++;
      this.events.emit("failure");
      throw error;
    }
  }

  async #postBasic(body: Buffer, timeoutMs: number): Promise<WinrmReply> {
    const { user, domain } = splitUser(this.options.username);
    const name = domain ? `${domain}\\${user}` : user;
    const authorization = `Basic ${Buffer.from(`${name}:${this.options.password.reveal()}`).toString("base64")}`;
    for (let attempt = 0; ; attempt++) {
      try {
        const reply = await exchange(
          this.#endpoint,
          () => ({ headers: { Authorization: authorization }, body }),
          timeoutMs,
        );
        if (reply.status === 401) throw this.#authFailed(reply);
        return reply;
      } catch (error) {
        if (error instanceof StaleConnection && attempt === 0) continue;
        throw error;
      }
    }
  }

  async #postNtlm(body: Buffer, timeoutMs: number, options: PostOptions): Promise<WinrmReply> {
    for (let attempt = 0; ; attempt++) {
      // A context made for this very request: a 401 on it is an authentication failure, not a forgotten session.
      const fresh = this.#ctx === undefined;
      const ctx =
        this.#ctx ?? (await (this.#kerberos ? this.#handshakeKerberos(timeoutMs) : this.#handshake(timeoutMs)));
      let reply: RawReply;
      try {
        reply = await exchange(
          this.#endpoint,
          (socket) => {
            if (socket !== ctx.socket) return new StaleConnection();
            if (!ctx.seal) return { headers: {} as Record<string, string>, body };
            const contentType = encryptedContentType(ctx.session.protocol ?? ENCRYPTED_PROTOCOL);
            return { headers: { "Content-Type": contentType }, body: sealBody(ctx.session, body) };
          },
          timeoutMs,
        );
      } catch (error) {
        // Whatever happened, the RC4 streams may now disagree: authenticate afresh next time.
        this.#ctx = undefined;
        if (error instanceof StaleConnection && attempt === 0) {
          this.stats.reconnects++;
          this.events.emit("reconnect");
          continue;
        }
        throw error;
      }
      if (reply.status === 401) {
        this.#ctx = undefined;
        if (fresh || attempt > 0) throw this.#authFailed(reply);
        // Over plain HTTP the 401 may be forged by someone who forwarded the request to the service (it ran):
        // only a request that may run twice is resent. Over HTTPS the 401 is the service's own (nothing ran).
        if (ctx.seal && !options.replaySafe) throw replayRefusedError(this.target, options.operation);
        // The service forgot the context (restart, connection recycled): one fresh handshake.
        continue;
      }
      if (!ctx.seal) return reply;
      if (!isEncryptedContentType(reply.contentType, ctx.session.protocol)) {
        // Only an attacker (or a broken service) answers a sealed request in clear: drop the session.
        this.#ctx = undefined;
        throw unsealedReplyError(this.target, reply);
      }
      try {
        return { status: reply.status, body: unsealBody(ctx.session, reply.body) };
      } catch (error) {
        this.#ctx = undefined;
        if (error instanceof EncryptedBodyError || error instanceof NtlmIntegrityError) {
          throw integrityError(this.target, error);
        }
        throw error;
      }
    }
  }

  /** One empty-body POST with the Kerberos AP-REQ; the reply's AP-REP must verify. */
  async #handshakeKerberos(timeoutMs: number): Promise<NtlmContext> {
    if (!this.#kerberos) throw new PodError("INTERNAL", "Kerberos handshake without Kerberos credentials.");
    this.stats.handshakes++;
    let socket: Duplex | undefined;
    const session = await kerberosHandshake(
      this.#kerberos,
      {
        target: this.target,
        spnHost: this.options.kerberos?.spnHost ?? this.options.host,
        https: this.options.https,
        send: async (authorize) => {
          // The token is made on the connected socket (the bindings need its certificate); an error making
          // it ends the request before anything is written, and is what the caller sees.
          let failed: unknown;
          try {
            return await exchange(
              this.#endpoint,
              (s) => {
                socket = s;
                try {
                  return { headers: { Authorization: authorize() }, body: Buffer.alloc(0) };
                } catch (error) {
                  failed = error;
                  return new StaleConnection();
                }
              },
              timeoutMs,
            );
          } catch (error) {
            throw failed ?? error;
          }
        },
        channelBindings: () => {
          const certificate = this.options.https ? this.#agent.peerCertificate : undefined;
          return certificate ? tlsServerEndPointData(certificate) : undefined;
        },
        authFailed: (reply, why) => this.#authFailed(reply, why),
      },
      timeoutMs,
    );
    if (!socket) throw new PodError("INTERNAL", "Kerberos handshake finished without a socket.");
    this.#ctx = { socket, session, seal: !this.options.https };
    return this.#ctx;
  }

  /** Empty-body POSTs carrying NEGOTIATE, then AUTHENTICATE, on one socket (as pywinrm and Windows' winrs do). */
  async #handshake(timeoutMs: number): Promise<NtlmContext> {
    this.stats.handshakes++;
    const { user, domain } = splitUser(this.options.username);
    const client = new NtlmClient({
      user,
      domain,
      password: () => this.options.password.reveal(),
      channelBindings: () => {
        const certificate = this.options.https ? this.#agent.peerCertificate : undefined;
        return certificate ? tlsServerEndPoint(certificate) : undefined;
      },
    });
    let socket: Duplex | undefined;
    const negotiate = `Negotiate ${client.negotiate().toString("base64")}`;
    const first = await exchange(
      this.#endpoint,
      (s) => {
        socket = s;
        return { headers: { Authorization: negotiate }, body: Buffer.alloc(0) };
      },
      timeoutMs,
    );
    const token = first.authenticate
      .map((h) => /^(?:Negotiate|NTLM)\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h)?.[1])
      .find(Boolean);
    if (first.status !== 401 || !token) {
      if (first.status === 401) throw this.#authFailed(first, "the service did not answer the NTLM negotiation");
      throw new PodError(
        "PROTOCOL_ERROR",
        `The WinRM service at ${this.target} answered the NTLM negotiation with HTTP ${first.status}.`,
        {
          details: { status: first.status },
        },
      );
    }
    let authenticate: string;
    try {
      authenticate = `Negotiate ${client.authenticate(Buffer.from(token, "base64")).toString("base64")}`;
    } catch (error) {
      if (error instanceof NtlmDowngradeError) {
        throw downgradeError(this.target, error);
      }
      const reason = error instanceof NtlmClientError ? error.message : (error as Error).message;
      throw new PodError("PROTOCOL_ERROR", `The NTLM challenge from ${this.target} is unusable: ${reason}.`, {
        cause: error,
      });
    }
    const second = await exchange(
      this.#endpoint,
      (s) => {
        if (s !== socket) return new StaleConnection();
        return { headers: { Authorization: authenticate }, body: Buffer.alloc(0) };
      },
      timeoutMs,
    );
    if (second.status === 401) throw this.#authFailed(second);
    if (second.status !== 200) {
      throw new PodError("PROTOCOL_ERROR", `NTLM authentication with ${this.target} ended in HTTP ${second.status}.`, {
        details: { status: second.status },
      });
    }
    if (!socket) throw new PodError("INTERNAL", "NTLM handshake finished without a socket.");
    this.#ctx = { socket, session: client.session, seal: !this.options.https };
    return this.#ctx;
  }

  #authFailed(reply: RawReply, why?: string): PodError {
    const offered = reply.authenticate.map((h) => h.split(/\s+/)[0]).join(", ") || "none";
    const scheme = { basic: "Basic", ntlm: "NTLM", kerberos: "Kerberos" }[this.options.auth];
    return new PodError(
      "AUTH_FAILED",
      `The WinRM service at ${this.target} rejected ${scheme} authentication for "${this.options.username}" (HTTP 401${why ? `: ${why}` : ""}; it offers: ${offered}).`,
      {
        fix:
          this.options.auth === "kerberos"
            ? `The service refused a valid ticket for ${this.#kerberos?.principal}: check that the account may use WinRM and that kerberos.spnHost names this guest.${this.options.https ? " Over https a valid ticket is also refused when the channel binding does not match: a TLS-intercepting proxy sits between pod and the guest." : ""}`
            : this.options.auth === "basic"
              ? 'Check the user name and password. Basic works only for local accounts and must be enabled (winrm set winrm/config/service/auth @{Basic="true"}); use auth: ntlm for domain accounts.'
              : `Check the user name (DOMAIN\\user for domain accounts) and password. A local account other than the built-in Administrator also needs LocalAccountTokenFilterPolicy=1.${this.options.https ? " Over https a right password is also refused when the channel binding does not match: a TLS-intercepting proxy sits between pod and the guest." : ""}`,
        details: { status: 401, offered, auth: this.options.auth },
      },
    );
  }
}

/** "DOMAIN\\user" and "user@domain" as Windows reads them; a bare name is a local account. */
export function splitUser(username: string): { user: string; domain: string } {
  const slash = username.indexOf("\\");
  if (slash >= 0) return { domain: username.slice(0, slash), user: username.slice(slash + 1) };
  const at = username.lastIndexOf("@");
  if (at > 0) return { user: username.slice(0, at), domain: username.slice(at + 1) };
  return { user: username, domain: "" };
}
