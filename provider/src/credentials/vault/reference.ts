/**
 * A secret reference: `vault:<API path>#<field>`, e.g.
 * `vault:kv/data/lab/windows#password` (KV v2 reads go through `<mount>/data/`).
 * The reference is not itself secret: it is what state, config and logs hold;
 * the value it names is read at use time and never stored.
 */
import { PodError } from "../../common/errors";

export interface VaultRef {
  /** The API path after /v1/, e.g. "kv/data/lab/windows". */
  path: string;
  field: string;
  /** KV v2: a pinned version (`…?version=3#password`); the latest otherwise. */
  version?: number;
  /**
   * The reference as written. Not for messages: a reference handed in as a
   * Secret is registered for redaction, so messages name path and field.
   */
  text: string;
}

const PREFIX = "vault:";

export function isVaultRef(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

/** `vault:<mount>/sign/<role>` as a private key: a fresh key per use, signed by Vault's SSH engine. */
export interface SshSignRef {
  mount: string;
  role: string;
  text: string;
}

export function parseSshSignRef(text: string): SshSignRef | undefined {
  const m = /^vault:\/?([A-Za-z0-9_.\-/]+)\/sign\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  return m?.[1] && m[2] ? { mount: m[1], role: m[2], text: text.trim() } : undefined;
}

export function parseVaultRef(text: string): VaultRef {
  const m = /^vault:\/?([A-Za-z0-9_.\-/]+?)(?:\?version=(\d+))?#([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!m?.[1] || !m[3] || m[1].includes("..")) {
    throw new PodError("INVALID_INPUT", `"${text}" is not a Vault secret reference pod understands.`, {
      fix: 'Write it as vault:<path>#<field>, e.g. "vault:kv/data/lab/windows#password" (KV v2 paths include /data/).',
    });
  }
  return { path: m[1], field: m[3], ...(m[2] ? { version: Number(m[2]) } : {}), text: text.trim() };
}
