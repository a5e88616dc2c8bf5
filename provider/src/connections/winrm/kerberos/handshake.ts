import { PodError } from "../../../common/errors";
import type { RawReply } from "../http-exchange";
import type { KerberosCredentials } from "./credentials";
import { type GssContext, type GssStep, loadGssIov } from "./gss-native";
import { gssInitError } from "./kerberos-errors";
import { withKrb5Env } from "./krb5-env";
import { KerberosSealer } from "./session";

/**
 * WinRM's Negotiate (SPNEGO) authentication with Kerberos, as Windows' winrs
 * and pywinrm do it: one empty-body POST carries the AP-REQ; the service
 * answers 200 with its AP-REP, which must verify (mutual authentication), so
 * a peer that is not the service holding HTTP/<host>'s key is refused before
 * anything is sent. Over HTTP the context must offer confidentiality: every
 * later body is encrypted with it. Over HTTPS the AP-REQ carries channel
 * bindings (RFC 5929 tls-server-end-point of the certificate pod verified),
 * so a TLS terminator with another certificate cannot relay the ticket: the
 * token is made once the TLS socket is up, from that socket's certificate.
 */
export interface HandshakeIo {
  target: string;
  /** HTTP/<spnHost> is the service principal. */
  spnHost: string;
  https: boolean;
  /**
   * POSTs an empty body on the socket the session will use, with the Authorization header
   * `authorize` returns once that socket is connected (and, over TLS, its certificate verified).
   */
  send(authorize: () => string): Promise<RawReply>;
  /** Over TLS: the channel bindings' application data for the verified server certificate. */
  channelBindings(): Buffer | undefined;
  authFailed(reply: RawReply, why: string): PodError;
}

export async function kerberosHandshake(
  credentials: KerberosCredentials,
  io: HandshakeIo,
  timeoutMs: number,
): Promise<KerberosSealer> {
  const env = await credentials.acquire(timeoutMs);
  const gss = loadGssIov();
  const spn = `HTTP/${io.spnHost}`;
  let context: GssContext | undefined;
  const authorize = () => {
    let first: GssStep;
    try {
      const bindings = io.https ? io.channelBindings() : undefined;
      if (io.https && !bindings) throw new PodError("INTERNAL", "No verified TLS certificate to bind Kerberos to.");
      [context, first] = withKrb5Env(env, () => {
        const c = gss.create(`HTTP@${io.spnHost}`, bindings);
        return [c, gss.step(c, null)] as const;
      });
    } catch (error) {
      if (error instanceof PodError) throw error;
      throw gssInitError(error as Error, io.target, credentials.principal, spn);
    }
    if (!first.token) throw new PodError("INTERNAL", "GSS-API produced no initial Kerberos token.");
    return `Negotiate ${first.token.toString("base64")}`;
  };
  const reply = await io.send(authorize);
  if (!context) throw new PodError("INTERNAL", "The Kerberos handshake sent no token.");
  if (reply.status === 401) throw io.authFailed(reply, "the service refused the Kerberos ticket");
  if (reply.status !== 200) {
    throw new PodError("PROTOCOL_ERROR", `Kerberos authentication with ${io.target} ended in HTTP ${reply.status}.`, {
      details: { status: reply.status },
    });
  }
  const token = reply.authenticate.map((h) => /^Negotiate\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h)?.[1]).find(Boolean);
  const mutualFailed = (why: string, cause?: unknown) =>
    new PodError("INTEGRITY_FAILED", `The WinRM service at ${io.target} did not prove it holds ${spn}: ${why}.`, {
      fix: "Something other than the service answered (or its keytab is stale): check the network path to the guest and the service principal's keys.",
      details: { spn },
      ...(cause ? { cause } : {}),
    });
  if (!token) throw mutualFailed("its reply carries no Kerberos token (mutual authentication)");
  let last: GssStep;
  try {
    const established = context;
    last = withKrb5Env(env, () => gss.step(established, Buffer.from(token, "base64")));
  } catch (error) {
    throw mutualFailed((error as Error).message, error);
  }
  if (!last.complete) throw mutualFailed("the Kerberos exchange did not complete");
  if (!io.https && !last.confidentiality) {
    throw new PodError("PROTOCOL_ERROR", `The Kerberos context with ${io.target} offers no encryption.`, {
      fix: "Use https (port 5986), or check the service's Kerberos settings.",
    });
  }
  return new KerberosSealer(gss, context);
}
