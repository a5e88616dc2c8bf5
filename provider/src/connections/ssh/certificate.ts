/**
 * OpenSSH user certificates (PROTOCOL.certkeys) over ssh2, which has no
 * certificate support of its own (mscdex/ssh2#551). A login with a
 * certificate is a publickey request whose key algorithm and key blob are
 * the certificate's ("ssh-ed25519-cert-v01@openssh.com", the signed blob)
 * while the signature inside is made by the plain key and named by its own
 * algorithm ("ssh-ed25519"). ssh2 writes one algorithm name in both places,
 * which OpenSSH refuses; so for a key carrying a certificate (marked below,
 * and only for those) the signed request is built here and sent through
 * ssh2's own packet writer. The query step and everything else stay ssh2's.
 *
 * Bridge, not fork: one method of ssh2's Protocol is wrapped, once, and
 * falls through to the original for every key without the marker.
 */
import { utils } from "ssh2";
import { PodError } from "../../common/errors";

const CERTIFICATE = Symbol("pod.sshCertificate");

interface CertificateInfo {
  /** "ssh-ed25519-cert-v01@openssh.com" */
  algorithm: string;
  blob: Buffer;
  /** The plain key's algorithm, which names the signature: "ssh-ed25519". */
  signatureAlgorithm: string;
}

type ParsedKey = Exclude<ReturnType<typeof utils.parseKey>, Error | unknown[]>;

const SUPPORTED: Record<string, string> = {
  // ed25519 only: its raw signature is already the SSH encoding (ECDSA's DER would need converting).
  "ssh-ed25519-cert-v01@openssh.com": "ssh-ed25519",
};

/** A fresh ed25519 key pair in OpenSSH formats (private key text, "ssh-ed25519 AAAA…" public line). */
export function freshKeyPair(): { privateKey: string; publicKey: string } {
  const pair = utils.generateKeyPairSync("ed25519");
  return { privateKey: pair.private, publicKey: pair.public };
}

/** The parsed private key, presenting the certificate (an OpenSSH "<algo>-cert-v01@openssh.com AAAA…" line). */
export function withCertificate(key: ParsedKey, certificateLine: string): ParsedKey {
  const [algorithm = "", base64 = ""] = certificateLine.trim().split(/\s+/);
  const signatureAlgorithm = SUPPORTED[algorithm];
  const blob = Buffer.from(base64, "base64");
  if (!signatureAlgorithm || blob.length < 4 || blob.toString("latin1", 4, 4 + blob.readUInt32BE(0)) !== algorithm) {
    throw new PodError("INVALID_INPUT", "The SSH certificate is not an ssh-ed25519-cert-v01@openssh.com certificate.", {
      fix: 'Give the certificate line as ssh-keygen -s or Vault\'s ssh/sign write it ("ssh-ed25519-cert-v01@openssh.com AAAA…").',
    });
  }
  if (key.type !== signatureAlgorithm) {
    throw new PodError(
      "INVALID_INPUT",
      `The SSH certificate is for a ${signatureAlgorithm} key, the private key is ${key.type}.`,
      {
        fix: "Give the certificate that was signed for this private key's public half.",
      },
    );
  }
  installCertificateAuth();
  // The wrapper inherits everything (ssh2's private marks included) and overrides what the wire shows.
  const wrapped = Object.create(key) as ParsedKey & { [CERTIFICATE]: CertificateInfo };
  Object.defineProperty(wrapped, "type", { value: algorithm });
  Object.defineProperty(wrapped, "getPublicSSH", { value: () => blob });
  wrapped[CERTIFICATE] = { algorithm, blob, signatureAlgorithm };
  return wrapped;
}

interface ProtocolInternals {
  _kex: { sessionID: Buffer };
  _authsQueue: string[];
  _packetRW: { write: { alloc(n: number): Buffer; allocStart: number; finalize(p: Buffer): Buffer } };
}
type AuthPk = (
  this: ProtocolInternals,
  username: string,
  key: unknown,
  keyAlgo?: string | SignCallback,
  cbSign?: SignCallback,
) => void;
type SignCallback = (data: Buffer, done: (signature: Buffer) => void) => void;

let installed = false;

function installCertificateAuth(): void {
  if (installed) return;
  installed = true;
  // ssh2 has no exports map; these are the modules its Client itself uses.
  const { Protocol } = { Protocol: require("ssh2/lib/protocol/Protocol.js") as { prototype: { authPK: AuthPk } } };
  const { sendPacket } = require("ssh2/lib/protocol/utils.js") as {
    sendPacket(proto: ProtocolInternals, packet: Buffer): void;
  };
  const original = Protocol.prototype.authPK;
  Protocol.prototype.authPK = function (this: ProtocolInternals, username, key, keyAlgo, cbSign) {
    const sign = typeof keyAlgo === "function" ? keyAlgo : cbSign;
    const cert = (key as { [CERTIFICATE]?: CertificateInfo } | undefined)?.[CERTIFICATE];
    if (!cert || !sign) return original.call(this, username, key, keyAlgo, cbSign);
    const request = Buffer.concat([
      Buffer.from([50]), // SSH_MSG_USERAUTH_REQUEST
      sshString(username),
      sshString("ssh-connection"),
      sshString("publickey"),
      Buffer.from([1]), // with a signature
      sshString(cert.algorithm),
      sshString(cert.blob),
    ]);
    sign(Buffer.concat([sshString(this._kex.sessionID), request]), (signature) => {
      const payload = Buffer.concat([
        request,
        sshString(Buffer.concat([sshString(cert.signatureAlgorithm), sshString(signature)])),
      ]);
      const packet = this._packetRW.write.alloc(payload.length);
      payload.copy(packet, this._packetRW.write.allocStart);
      this._authsQueue.push("publickey");
      sendPacket(this, this._packetRW.write.finalize(packet));
    });
  };
}

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
