/**
 * Property values as the Pulumi engine sends them to a provider that
 * accepts secrets: a secret is an object tagged with the "special signature"
 * key; an unknown (preview) is a sentinel string the resources already
 * tolerate. The engine below never sees a wrapper: values are revealed at
 * this boundary, and outputs are wrapped again on the way back.
 */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

type Json = unknown;

export function isWireSecret(value: Json): value is { value: Json } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG] === SECRET_SIG;
}

export function wireSecret(value: Json): Json {
  return isWireSecret(value) ? value : { [SIG]: SECRET_SIG, value };
}

/**
 * Every secret wrapper removed. `onSecret` decides what a revealed secret
 * becomes (PodCommand turns the words of a command into { secret } markers).
 */
export function reveal(value: Json, onSecret: (inner: Json) => Json = (inner) => inner): Json {
  if (isWireSecret(value)) return onSecret(reveal(value.value));
  if (Array.isArray(value)) return value.map((v) => reveal(v, onSecret));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v, onSecret)]));
  }
  return value;
}

/** True when a secret wrapper sits anywhere inside `value`. */
export function holdsSecret(value: Json): boolean {
  if (isWireSecret(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

/** Top-level properties that held a secret anywhere inside, in these inputs. */
export function secretKeys(inputs: Record<string, Json>): string[] {
  return Object.keys(inputs).filter((k) => holdsSecret(inputs[k]));
}

/**
 * Outputs as state stores them: each listed top-level property wrapped
 * whole, so state holds it encrypted; undefined values dropped (a Struct
 * cannot carry them).
 */
export function wrapOutputs(outs: Record<string, Json>, secret: Iterable<string>): Record<string, Json> {
  const keys = new Set(secret);
  return Object.fromEntries(
    Object.entries(outs)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, keys.has(k) ? wireSecret(v) : v]),
  );
}
