/**
 * The identity of a way into a guest, for sharing connections: EVERY field
 * of the access description (transport, host, port, user, auth method,
 * host-key policy and pins, TLS trust, container, VM, the vSphere endpoint
 * behind guest operations …) goes into it, secrets included. So a caller
 * with another password, another user, another transport or a stricter
 * host-key policy never gets someone else's connection.
 *
 * Secrets must not sit in a map key, and a plain hash of a password can be
 * guessed offline; the whole description is therefore folded through
 * HMAC-SHA256 with a key drawn at random once per process and never stored.
 * The readable prefix names only transport, user and host.
 */
import { createHmac, randomBytes } from "node:crypto";
import { Secret } from "./secret";

const PROCESS_KEY = randomBytes(32);

/** Observability hooks: they change what is reported, never what the connection does or may do. */
const IGNORED = new Set(["log", "onCall", "wrapCall"]);

const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

/** A stable text for any value: keys sorted, secrets revealed (only ever into the HMAC), functions by identity. */
function canonical(value: unknown): unknown {
  if (value instanceof Secret) return { $secret: value.reveal() };
  if (Buffer.isBuffer(value)) return { $bytes: value.toString("base64") };
  if (typeof value === "function") {
    if (!functionIds.has(value)) functionIds.set(value, nextFunctionId++);
    return { $function: functionIds.get(value) };
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => v !== undefined && !IGNORED.has(k))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/** "transport:user@where#<hmac of everything>"; the same access gives the same key within this process. */
export function accessKey(access: { transport: string } & Record<string, unknown>): string {
  const mac = createHmac("sha256", PROCESS_KEY)
    .update(JSON.stringify(canonical(access)))
    .digest("hex");
  const user = access.username ?? access.user ?? "";
  const where = access.host ?? access.container ?? access.vm ?? "";
  return `${access.transport}:${String(user)}@${String(where)}#${mac}`;
}
