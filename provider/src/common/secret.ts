import { createHmac, randomBytes } from "node:crypto";
import { inspect } from "node:util";

/**
 * A credential in memory. It prints, logs and serializes as "[secret]", and
 * its value is registered so that `redact` can scrub it from any text that
 * reached it anyway (a server echoing a password in an error, say).
 *
 * Redaction of what pod itself renders (argv words, environment values,
 * stdin) goes by the marker, the Secret type, not by searching text: a
 * command's description shows each Secret part as "***" whatever its length.
 * `redact` is the second line of defence for text pod did not build.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    registerSecretValue(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[secret]";
  }

  toJSON(): string {
    return "[secret]";
  }

  [inspect.custom](): string {
    return "[secret]";
  }
}

/** The library's wrapper: `["mysql", "-p", secret(pw)]`, `{ env: { TOKEN: secret(t) } }`. */
export function secret(value: string | Secret): Secret {
  return toSecret(value);
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

/** A value pod renders: plain text, or a Secret shown as "***". */
export type MaybeSecret = string | Secret;

/** How descriptions (audit records, results, errors) show a value: a Secret is always "***". */
export function display(value: MaybeSecret): string {
  return isSecret(value) ? "***" : value;
}

export function revealValue(value: MaybeSecret): string {
  return isSecret(value) ? value.reveal() : value;
}

const knownSecrets = new Set<string>();

/**
 * Values shorter than this are too likely to be ordinary words to scrub from
 * free text (a 3-letter password "pod" would mangle every message); they are
 * still redacted wherever pod renders them itself, by the Secret marker.
 */
const MIN_SECRET_LENGTH = 4;

export function registerSecretValue(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
}

/** Replaces every known secret value in `text` with "***". */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join("***");
  }
  return out;
}

export function toSecret(value: string | Secret): Secret {
  return value instanceof Secret ? value : new Secret(value);
}

// Per process: fingerprints are comparable within a process, never across or against a guess list.
const FINGERPRINT_KEY = randomBytes(32);

/** A keyed hash of a secret's value, for cache keys that must tell secrets apart without holding them. */
export function secretFingerprint(value: Secret): string {
  return createHmac("sha256", FINGERPRINT_KEY).update(value.reveal()).digest("base64url");
}
