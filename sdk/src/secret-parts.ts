/**
 * Pulumi secrets inside a PodCommand's argv, script, environment or stdin
 * become { secret } markers. A dynamic provider receives inputs with secrets
 * unwrapped (it cannot accept them), so without the marker pod could not know
 * which word to show as "***". The marked value stays a Pulumi secret, so it
 * is still encrypted in state and shown as [secret] in diffs.
 */
import * as pulumi from "@pulumi/pulumi";

type Text = string | { secret: string };
type Script = { script: pulumi.Input<Text>; shell: pulumi.Input<string> };

const isPlain = (v: unknown): v is object =>
  typeof v === "object" && v !== null && !pulumi.Output.isInstance(v) && !(v instanceof Promise);

const mark = (v: Text): Text => (typeof v === "string" ? { secret: v } : v);

/** Marks what a resolved, secret value holds: every text in it. */
function markAll(v: unknown): unknown {
  if (typeof v === "string") return { secret: v };
  if (Array.isArray(v)) return v.map((w) => mark(w as Text));
  if (isPlain(v) && "script" in v) return { ...v, script: mark((v as { script: Text }).script) };
  if (isPlain(v) && !("secret" in v)) {
    return Object.fromEntries(Object.entries(v).map(([k, w]) => [k, mark(w as Text)])); // an environment
  }
  return v;
}

/** A value that is a Pulumi secret comes out marked (and still secret); any other as it was. */
function whenSecret<T>(value: pulumi.Input<T>, transform: (v: T) => unknown): pulumi.Output<unknown> {
  const o = pulumi.output(value) as pulumi.Output<T>;
  return pulumi.output(pulumi.isSecret(o)).apply((secret) => (secret ? o.apply(transform) : o));
}

export function markText(value: unknown): pulumi.Output<unknown> {
  return whenSecret(value as pulumi.Input<Text>, mark);
}

/** An argv marks word by word; a script as a whole; a command that is one secret Output, entirely. */
export function markCommand(command: unknown): unknown {
  if (command === undefined) return undefined;
  if (Array.isArray(command)) return command.map(markText);
  if (isPlain(command) && "script" in command) {
    const s = command as Script;
    return { ...s, script: markText(s.script) };
  }
  return whenSecret(command as pulumi.Input<unknown>, markAll);
}

export function markEnvironment(env: unknown): unknown {
  if (env === undefined) return undefined;
  if (isPlain(env)) {
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, markText(v)]));
  }
  // An Output of a whole map is secret when any value in it was: then every value is marked.
  return whenSecret(env as pulumi.Input<unknown>, markAll);
}

/** Marks the secret parts of a resource's inputs in place (only PodCommand runs guest commands). */
export function markSecretParts(type: string, props: Record<string, unknown>): void {
  if (type !== "PodCommand") return;
  for (const key of ["create", "update", "delete"]) if (props[key] !== undefined) props[key] = markCommand(props[key]);
  if (props.environment !== undefined) props.environment = markEnvironment(props.environment);
  if (props.stdin !== undefined) props.stdin = markText(props.stdin);
}
