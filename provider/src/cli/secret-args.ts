/**
 * Secrets for `pod exec`, never as flags or words on pod's own command line
 * (where `ps` shows them): `--secret-env NAME` passes $NAME to the command's
 * environment, `--secret-stdin NAME` sends $NAME as its stdin, and an argv
 * word `{secret:NAME}` becomes $NAME. Each is a Secret, so results and audit
 * records show it as "***".
 */
import { PodError } from "../common/errors";
import { type MaybeSecret, Secret } from "../common/secret";

export interface SecretFlags {
  secretEnv?: string[];
  secretStdin?: string;
}

const WORD = /^\{secret:([A-Za-z_][A-Za-z0-9_]*)\}$/;

function fromEnv(name: string, env: NodeJS.ProcessEnv, what: string): Secret {
  const value = env[name];
  if (value === undefined) {
    throw new PodError("INVALID_INPUT", `${what} names $${name}, which is not set.`, {
      fix: `Export ${name} in pod's environment (e.g. read -rs ${name}; export ${name}).`,
    });
  }
  return new Secret(value);
}

export function secretInputs(argv: readonly string[], flags: SecretFlags, env: NodeJS.ProcessEnv = process.env) {
  const command: MaybeSecret[] = argv.map((word) => {
    const name = WORD.exec(word)?.[1];
    return name ? fromEnv(name, env, `The word ${word}`) : word;
  });
  const vars = Object.fromEntries((flags.secretEnv ?? []).map((n) => [n, fromEnv(n, env, "--secret-env")]));
  const stdin = flags.secretStdin ? fromEnv(flags.secretStdin, env, "--secret-stdin") : undefined;
  return { command, ...(Object.keys(vars).length ? { env: vars } : {}), ...(stdin ? { stdin } : {}) };
}
