import { inspect } from "node:util";

/**
 * A credential in memory. It prints, logs and serializes as "[secret]", and
 * its value is registered so that `redact` can scrub it from any text that
 * reached it anyway (a server echoing a password in an error, say).
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

const knownSecrets = new Set<string>();

/** Values shorter than this are too likely to be ordinary words to scrub. */
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
