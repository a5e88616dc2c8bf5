import { ENCRYPTED_PROTOCOL, KERBEROS_ENCRYPTED_PROTOCOL } from "../../../provider/src/connections/winrm/encryption";
import type { GssIov } from "../../../provider/src/connections/winrm/kerberos/gss-native";
import { KerberosSealer } from "../../../provider/src/connections/winrm/kerberos/session";

/**
 * The guest's Kerberos side, as a domain-joined Windows' WinRM service: an
 * SPNEGO (or raw Kerberos) token under "Negotiate" or "Kerberos" is accepted
 * with the keytab of HTTP/<host> (KRB5_KTNAME), in one round trip; the AP-REP
 * goes back for mutual authentication, and the context then decrypts requests
 * and encrypts replies, as HTTP-SPNEGO-session-encrypted under Negotiate and
 * HTTP-Kerberos-session-encrypted under Kerberos (MS-WSMV 2.2.9.1). The principal's
 * name before "@" is the account that owns the shells. Each login and each
 * refusal is logged; tests read those lines. On a TLS listener the AP-REQ
 * must carry channel bindings equal to this listener's certificate's (as
 * Windows with Extended Protection set to Strict): MIT's acceptor refuses
 * different ones itself, and a ticket with none is refused here.
 */
export interface AcceptedKerberos {
  principal: string;
  user: string;
  session: KerberosSealer;
  /** The acceptor's reply token (AP-REP inside SPNEGO). */
  token: Buffer;
}

export function acceptKerberos(
  gss: GssIov,
  scheme: "negotiate" | "kerberos",
  token: Buffer,
  client: string,
  log: (line: string) => void,
  channelBindings?: Buffer,
): AcceptedKerberos | undefined {
  try {
    const context = gss.create(undefined, channelBindings);
    const step = gss.step(context, token);
    if (!step.complete || !step.token || !step.user) {
      log(`refused Kerberos from ${client}: the exchange needs another round trip (not offered)`);
      return undefined;
    }
    if (channelBindings && !step.channelBound) {
      log(`refused Kerberos from ${client} (${step.user}): no channel bindings (Extended Protection is required)`);
      return undefined;
    }
    log(`Kerberos authenticated ${step.user} from ${client} (confidentiality: ${step.confidentiality ? "yes" : "no"})`);
    if (channelBindings) log(`Kerberos channel bindings verified for ${step.user} from ${client}`);
    const user = step.user.split("@")[0] ?? step.user;
    const protocol = scheme === "kerberos" ? KERBEROS_ENCRYPTED_PROTOCOL : ENCRYPTED_PROTOCOL;
    return { principal: step.user, user, session: new KerberosSealer(gss, context, protocol), token: step.token };
  } catch (error) {
    log(`Kerberos authentication failed from ${client}: ${(error as Error).message}`);
    return undefined;
  }
}
