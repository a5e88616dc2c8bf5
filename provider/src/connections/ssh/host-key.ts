/**
 * Host key verification. Verified by default: a pinned SHA-256 fingerprint or
 * an OpenSSH known_hosts file; the policy says what to do with a key that is
 * not known (`strict`: refuse, `accept-new`: trust on first use and record it,
 * `insecure`: accept anything, said out loud). A changed key is always refused.
 * Unless told which file to use, pod looks keys up in its own known_hosts and
 * in ~/.ssh/known_hosts, and records new ones only in its own (see host-key-policy.ts).
 * A host with an `@cert-authority` line is asked for its host certificate
 * first, which is trusted when that CA signed it for this host
 * (host-certificate-trust.ts); ssh2 negotiates certificates with pod's patch
 * (provider/patches, applied on install by scripts/apply-ssh2-patch.js).
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { PodError } from "../../common/errors";
import { CERT_SUFFIX, CERTIFICATE_ALGORITHMS, certificateHostKeysSupported } from "./host-certificate";
import { verifyHostCertificate } from "./host-certificate-trust";
import { type HostKeyPolicy, parseHostKeyPolicy, podKnownHostsFile, userKnownHostsFile } from "./host-key-policy";
import { type KnownHostEntry, knownHostName, knownHostsLine, lookupKnownHost, parseKnownHosts } from "./known-hosts";

export type { HostKeyPolicy };

export interface HostKeyOptions {
  policy?: HostKeyPolicy;
  /** Pinned fingerprints in OpenSSH form, "SHA256:base64-without-padding"; any of them is accepted. */
  fingerprints?: string[];
  /**
   * The one known_hosts file to read and (accept-new) write. Default: keys are
   * looked up in pod's own file ($POD_KNOWN_HOSTS or ~/.config/pod/known_hosts)
   * and in ~/.ssh/known_hosts, and new ones are written to pod's own file only.
   * Ignored when fingerprints are pinned.
   */
  knownHostsFile?: string;
  /** Look the host up under this name instead (OpenSSH HostKeyAlias). */
  alias?: string;
}

/** "SHA256:…" as `ssh-keygen -l -E sha256` prints it. */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type named inside an SSH public key blob ("ssh-ed25519", …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString("latin1");
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function normalizeFingerprint(value: string): string {
  const fp = value.trim().replace(/=+$/, "");
  if (!FINGERPRINT.test(fp)) {
    throw new PodError("INVALID_INPUT", `"${value}" is not an OpenSSH SHA-256 fingerprint.`, {
      fix: "Give it as `ssh-keygen -l -E sha256 -f <key.pub>` prints it: SHA256: followed by 43 base64 characters.",
    });
  }
  return fp;
}

const DEFAULT_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/**
 * Like OpenSSH: certificates first when a CA is trusted for the host, then the
 * key types we already know for it, so a known host is not "changed".
 */
export function preferredHostKeyAlgorithms(knownTypes: string[], certificates = false): string[] {
  const first = knownTypes.flatMap((t) => (t === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [t]));
  const plain = [...first.filter((a) => DEFAULT_ALGORITHMS.includes(a)), ...DEFAULT_ALGORITHMS];
  return [...new Set([...(certificates ? CERTIFICATE_ALGORITHMS : []), ...plain])];
}

export interface HostKeyVerifier {
  /** Host key algorithms to offer, known types first. */
  algorithms: string[];
  /** Decides on the presented key; throws the PodError that refuses it. */
  verify(keyBlob: Buffer): Promise<{ fingerprint: string; learned: boolean }>;
}

export async function createHostKeyVerifier(host: string, port: number, options: HostKeyOptions = {}) {
  // A typo ("Strict") must never fall through to a weaker policy, whoever the caller is.
  const policy = parseHostKeyPolicy(options.policy ?? "strict", "The host key policy");
  const where = `${host}:${port}`;
  const name = options.alias ?? knownHostName(host, port);
  const pins = options.fingerprints?.map(normalizeFingerprint);
  const file = options.knownHostsFile ?? podKnownHostsFile();
  const readFrom = options.knownHostsFile ? [file] : [file, userKnownHostsFile()];
  const entries = policy === "insecure" || pins?.length ? [] : await readKnownHosts(readFrom);
  const { trusted, revoked, authorities } = lookupKnownHost(entries, name);
  const certificates = authorities.length > 0 && certificateHostKeysSupported();
  // Why a host with a trusted CA still showed a plain key pod does not know.
  const noCertificates = !authorities.length
    ? ""
    : certificates
      ? " known_hosts trusts a host CA for it, but its sshd presented no host certificate (HostCertificate in sshd_config)."
      : " known_hosts trusts a host CA for it, but this ssh2 lacks pod's host-certificate patch (reinstall @pod-lab/provider with install scripts enabled).";

  const unknown = (fingerprint: string, keyType: string) =>
    new PodError(
      "HOST_KEY_UNKNOWN",
      `The host key of ${where} is not known (${keyType} ${fingerprint}).${noCertificates}`,
      {
        fix: `Check ${fingerprint} out of band (VM console, \`docker logs\`, \`ssh-keygen -l -f /etc/ssh/ssh_host_*_key.pub\` on the guest), then pin it as the host key fingerprint, add it to ${file}, or choose the 'accept-new' host key policy.`,
        details: { host: where, fingerprint, keyType, policy },
      },
    );
  const changed = (fingerprint: string, keyType: string, expected: string[], why: string) =>
    new PodError("HOST_KEY_MISMATCH", `The host key of ${where} ${why} (got ${keyType} ${fingerprint}).`, {
      fix: "If the guest was re-created or its keys regenerated on purpose, update the pinned fingerprint or known_hosts entry; otherwise suspect a man-in-the-middle and do not connect.",
      details: { host: where, fingerprint, keyType, expected, policy },
    });

  let learning: Promise<unknown> = Promise.resolve();
  const verifier: HostKeyVerifier = {
    algorithms: preferredHostKeyAlgorithms([...new Set(trusted.map((e) => e.keyType))], certificates),
    async verify(keyBlob) {
      const fingerprint = sha256Fingerprint(keyBlob);
      const keyType = keyTypeOf(keyBlob);
      if (policy === "insecure") return { fingerprint, learned: false };
      if (pins?.length) {
        if (pins.includes(fingerprint)) return { fingerprint, learned: false };
        throw changed(fingerprint, keyType, pins, "does not match the pinned fingerprint");
      }
      if (keyType.endsWith(CERT_SUFFIX)) {
        const cert = verifyHostCertificate(keyBlob, {
          where,
          principal: (options.alias ?? host).toLowerCase(),
          authorities,
          revoked,
        });
        return { fingerprint: sha256Fingerprint(cert.publicKey), learned: false };
      }
      if (revoked.some((e) => e.key.equals(keyBlob))) {
        throw changed(fingerprint, keyType, [], `is marked @revoked in ${sourceOf(revoked)}`);
      }
      if (trusted.some((e) => e.key.equals(keyBlob))) return { fingerprint, learned: false };
      if (trusted.length) {
        const expected = trusted.map((e) => sha256Fingerprint(e.key));
        throw changed(fingerprint, keyType, expected, `has changed since it was recorded in ${sourceOf(trusted)}`);
      }
      if (policy === "strict") throw unknown(fingerprint, keyType);
      // accept-new: trust on first use and remember it the way OpenSSH does; one
      // learning at a time, so parallel first connections write one line.
      const learn = learning.then(async () => {
        if (trusted.some((e) => e.key.equals(keyBlob))) return false;
        if (trusted.length) {
          const expected = trusted.map((e) => sha256Fingerprint(e.key));
          throw changed(fingerprint, keyType, expected, `has changed since it was recorded in ${sourceOf(trusted)}`);
        }
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        await appendFile(file, `${knownHostsLine(name, keyType, keyBlob)}\n`, { mode: 0o600 });
        trusted.push({ hosts: name, keyType, key: keyBlob, line: 0, file });
        return true;
      });
      learning = learn.catch(() => false);
      return { fingerprint, learned: await learn };
    },
  };
  return verifier;
}

/** Every usable entry of the files, each tagged with its file (a missing file has none). */
async function readKnownHosts(files: string[]): Promise<KnownHostEntry[]> {
  const perFile = await Promise.all(
    files.map(async (f) => parseKnownHosts(await readFile(f, "utf8").catch(() => "")).map((e) => ({ ...e, file: f }))),
  );
  return perFile.flat();
}

const sourceOf = (entries: KnownHostEntry[]): string =>
  [...new Set(entries.map((e) => (e.line ? `${e.file ?? "known_hosts"}:${e.line}` : (e.file ?? "known_hosts"))))].join(
    ", ",
  );
