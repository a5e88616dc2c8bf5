/**
 * From the wire form ({ secret } markers, see args.ts) to the engine's Secret
 * values, at the resource boundary: below here, secrets are typed, never
 * found by searching text.
 */
import { isSecret, type MaybeSecret, Secret } from "../../common/secret";
import { hasSecretParts, type PodCommand } from "../../execution/command";
import type { PodCommandInputs } from "./args";

type Text = string | { secret: string };

export function fromWire(value: Text): MaybeSecret {
  return typeof value === "string" ? value : new Secret(value.secret);
}

/** An argv or { script, shell } with its Secrets; a bare script (string or secret) runs in the guest's own shell. */
export function fromWireCommand(command: PodCommandInputs["create"]): PodCommand | MaybeSecret {
  if (Array.isArray(command)) return command.map(fromWire);
  if (typeof command === "string" || "secret" in command) return fromWire(command);
  return { script: fromWire(command.script), shell: command.shell };
}

export function environmentOf(inputs: PodCommandInputs): Record<string, MaybeSecret> | undefined {
  if (!inputs.environment) return undefined;
  return Object.fromEntries(Object.entries(inputs.environment).map(([k, v]) => [k, fromWire(v)]));
}

/**
 * Output is secret when the user said so, or when the run carried a secret:
 * a command that got one may echo it, so its stderr stays out of errors.
 */
export function outputIsSecret(inputs: PodCommandInputs, command: PodCommand | MaybeSecret): boolean {
  const env = Object.values(environmentOf(inputs) ?? {});
  const stdin = inputs.stdin === undefined ? undefined : fromWire(inputs.stdin);
  const commandHasSecret =
    typeof command === "string" || isSecret(command) ? isSecret(command) : hasSecretParts(command);
  return inputs.secretOutputs === true || commandHasSecret || env.some(isSecret) || isSecret(stdin);
}
