/**
 * Whether a host certificate vouches for the host pod dialled, as OpenSSH's
 * `@cert-authority` does: signed by a CA key listed for this host, a host
 * (not user) certificate, inside its validity window, naming the host among
 * its principals, with no critical option pod does not know, and neither
 * the certificate, its key nor its CA marked @revoked. Pure: no I/O.
 *
 * Stricter than OpenSSH in one place: a certificate with no principals is
 * refused (OpenSSH takes it as valid for every host the CA is trusted for).
 */
import { PodError } from "../../common/errors";
import { caSignatureValid, type OpenSshCertificate, parseCertificate } from "./host-certificate";
import type { KnownHostEntry } from "./known-hosts";

export interface HostCertificateContext {
  /** "host:port", for messages. */
  where: string;
  /** The name the certificate must list: the host as dialled, or its HostKeyAlias (lower case, as OpenSSH). */
  principal: string;
  /** The @cert-authority entries whose host patterns match this host. */
  authorities: KnownHostEntry[];
  /** The @revoked entries that match this host. */
  revoked: KnownHostEntry[];
  now?: Date;
  /** Clock skew allowed on either side of the validity window. */
  skewSeconds?: number;
}

const HOST_CERT = 2;
const DEFAULT_SKEW = 60;

export function verifyHostCertificate(blob: Buffer, context: HostCertificateContext): OpenSshCertificate {
  const { where } = context;
  const invalid = (why: string, fix: string, details: Record<string, unknown> = {}, cause?: unknown) =>
    new PodError("HOST_CERT_INVALID", `The host certificate of ${where} ${why}.`, {
      fix,
      details: { host: where, ...details },
      ...(cause ? { cause } : {}),
    });
  const reissue =
    "Re-issue the guest's host certificate (ssh-keygen -s ca -h -n <host> …, or Vault's ssh/sign with cert_type=host) and restart its sshd.";

  let cert: OpenSshCertificate;
  try {
    cert = parseCertificate(blob);
  } catch (error) {
    throw invalid(`is malformed (${(error as Error).message})`, reissue, {}, error);
  }
  const ids = { keyId: cert.keyId, serial: cert.serial.toString() };
  const listed = (entries: KnownHostEntry[], key: Buffer) => entries.some((e) => e.key.equals(key));
  for (const [what, key] of [
    ["certificate", blob],
    ["host key", cert.publicKey],
    ["CA key", cert.signatureKey],
  ] as const) {
    if (listed(context.revoked, key)) {
      throw new PodError("HOST_KEY_MISMATCH", `The ${what} of ${where}'s host certificate is marked @revoked.`, {
        fix: "The guest presents a revoked key or CA: re-issue its host key and certificate from a CA that is not revoked, or suspect a man-in-the-middle.",
        details: { host: where, ...ids },
      });
    }
  }
  if (!listed(context.authorities, cert.signatureKey)) {
    throw new PodError("HOST_KEY_MISMATCH", `The host certificate of ${where} is signed by a CA not trusted for it.`, {
      fix: `Add that CA's public key as "@cert-authority <host pattern> <key>" to known_hosts if you trust it; otherwise suspect a man-in-the-middle. Trusted for ${where}: ${context.authorities.map((a) => `${a.file ?? "known_hosts"}:${a.line}`).join(", ")}.`,
      details: { host: where, ...ids },
    });
  }
  let signed: boolean;
  try {
    signed = caSignatureValid(cert);
  } catch (error) {
    throw invalid(`has a CA signature pod cannot check (${(error as Error).message})`, reissue, ids, error);
  }
  if (!signed)
    throw invalid("carries a CA signature that does not verify", "Suspect tampering; re-issue the certificate.", ids);
  if (cert.certType !== HOST_CERT) {
    throw invalid(
      "is a user certificate, not a host certificate",
      "Sign the host key with ssh-keygen -h (or cert_type=host in Vault).",
      ids,
    );
  }
  const now = BigInt(Math.floor((context.now ?? new Date()).getTime() / 1000));
  const skew = BigInt(context.skewSeconds ?? DEFAULT_SKEW);
  if (now + skew < cert.validAfter) {
    throw invalid(
      `is not valid yet (from ${isoDate(cert.validAfter)})`,
      "Check the clocks of this machine and the guest, or re-issue the certificate.",
      ids,
    );
  }
  if (now - skew >= cert.validBefore) {
    throw invalid(`expired at ${isoDate(cert.validBefore)}`, reissue, ids);
  }
  if (!cert.principals.includes(context.principal)) {
    const names = cert.principals.length ? cert.principals.join(", ") : "no principals";
    throw invalid(
      `is for ${names}, not "${context.principal}"`,
      `Dial the guest by a name the certificate lists, or re-issue it with -n ${context.principal}.`,
      { ...ids, principals: cert.principals },
    );
  }
  if (cert.criticalOptions.length) {
    throw invalid(
      `has critical options pod does not know (${cert.criticalOptions.join(", ")})`,
      "Re-issue the host certificate without critical options.",
      ids,
    );
  }
  return cert;
}

const FOREVER = 0xffff_ffff_ffff_ffffn;
function isoDate(seconds: bigint): string {
  if (seconds >= FOREVER) return "forever";
  return new Date(Number(seconds) * 1000).toISOString();
}
