/**
 * OpenSSH known_hosts: `[marker] hostpatterns keytype base64key [comment]`.
 * Host patterns are comma lists with `*`/`?` wildcards and `!` negation,
 * `[host]:port` for ports other than 22, or hashed `|1|salt|hmac-sha1`.
 * `@revoked` lines refuse a key (or a certificate, its key or its CA);
 * `@cert-authority` lines name CA keys whose host certificates are trusted
 * for the matching hosts (host-certificate-trust.ts).
 */
import { createHmac } from "node:crypto";

export interface KnownHostEntry {
  marker?: "@revoked" | "@cert-authority";
  hosts: string;
  keyType: string;
  key: Buffer;
  line: number;
  /** The file it was read from (set by the reader when it reads more than one). */
  file?: string;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith("@") ? fields.shift() : undefined;
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64) return;
    if (marker !== undefined && marker !== "@revoked" && marker !== "@cert-authority") return;
    entries.push({ ...(marker ? { marker } : {}), hosts, keyType, key: Buffer.from(b64, "base64"), line: index + 1 });
  });
  return entries;
}

/** The name OpenSSH looks a host up by: `host`, or `[host]:port` when the port is not 22. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

function hashedMatches(field: string, name: string): boolean {
  const [, magic, salt, hash] = field.split("|");
  if (magic !== "1" || !salt || !hash) return false;
  const mac = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
  return mac === hash;
}

export function hostPatternsMatch(hosts: string, name: string): boolean {
  if (hosts.startsWith("|")) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(",")) {
    const negated = pattern.startsWith("!");
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false; // a negated match rules the whole line out
      matched = true;
    }
  }
  return matched;
}

/** The entries that apply to `name`: trusted keys, revoked ones and trusted host CAs. */
export function lookupKnownHost(entries: KnownHostEntry[], name: string) {
  const matching = entries.filter((e) => hostPatternsMatch(e.hosts, name));
  return {
    trusted: matching.filter((e) => e.marker === undefined),
    revoked: matching.filter((e) => e.marker === "@revoked"),
    authorities: matching.filter((e) => e.marker === "@cert-authority"),
  };
}

/** A known_hosts line for a newly accepted key (plain host name, as `accept-new` writes it). */
export function knownHostsLine(name: string, keyType: string, key: Buffer): string {
  return `${name} ${keyType} ${key.toString("base64")}`;
}
