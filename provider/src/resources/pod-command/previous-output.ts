/**
 * @pulumi/command's addPreviousOutputInEnv: update and delete see the last
 * run's stdout and stderr as PULUMI_COMMAND_STDOUT / PULUMI_COMMAND_STDERR
 * (only when not empty, as there). Secret-aware: when that output was secret
 * (secretOutputs, or a run that carried a secret), the values go as Secrets,
 * so audit records and errors show them as ***, and the new run's output is
 * treated as secret too (it may echo them).
 */
import { isSecret, type MaybeSecret, Secret } from "../../common/secret";
import type { PodCommandOutputs } from "./args";
import { fromWireCommand, outputIsSecret } from "./secret-parts";

export const PREVIOUS_STDOUT = "PULUMI_COMMAND_STDOUT";
export const PREVIOUS_STDERR = "PULUMI_COMMAND_STDERR";

export function previousOutputEnv(
  olds: PodCommandOutputs | undefined,
  wanted: boolean | undefined,
): Record<string, MaybeSecret> | undefined {
  if (!olds || wanted === false) return undefined;
  const secret =
    outputIsSecret(olds, fromWireCommand(olds.create)) ||
    (olds.update !== undefined && outputIsSecret(olds, fromWireCommand(olds.update)));
  const wrap = (value: string): MaybeSecret => (secret ? new Secret(value) : value);
  const env: Record<string, MaybeSecret> = {};
  if (olds.stdout) env[PREVIOUS_STDOUT] = wrap(olds.stdout);
  if (olds.stderr) env[PREVIOUS_STDERR] = wrap(olds.stderr);
  return Object.keys(env).length ? env : undefined;
}

export const anySecret = (env: Record<string, MaybeSecret> | undefined): boolean =>
  Object.values(env ?? {}).some(isSecret);
