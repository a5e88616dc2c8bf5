/**
 * `pod env`: lab environments per branch over Pulumi's Automation API (the
 * work is in execution/environments; this file only parses flags and prints).
 * Progress goes to stderr, one line per resource step, so `--json` on stdout
 * stays machine-readable.
 */
import { hostname } from "node:os";
import type { Command } from "commander";
import { PodError } from "../../common/errors";
import type { EnvironmentInfo, EnvironmentOutcome, Environments } from "../../execution/environments/environments";
import { shortDuration } from "../../execution/environments/metadata";
import { printError, sanitize, table } from "../output";

const collect = (value: string, previous: string[]) => [...previous, value];
const out = (text: string) => process.stdout.write(`${text}\n`);

interface EnvFlags {
  backend?: string;
  concurrency: string;
}

function parseConfig(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf("=");
      if (eq <= 0) {
        throw new PodError("INVALID_INPUT", `--config ${pair} is not key=value.`, {
          fix: "Write --config key=value (e.g. --config vlanId=130); secrets go in the environment, never in flags.",
        });
      }
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    }),
  );
}

function concurrency(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new PodError("INVALID_INPUT", `--concurrency ${text} is not a positive whole number.`, {
      fix: "Give how many environments may deploy at once, e.g. --concurrency 4.",
    });
  }
  return n;
}

function rows(envs: EnvironmentInfo[], now: Date): (string | number)[][] {
  return envs.map((e) => [
    e.name,
    e.owner,
    shortDuration(now.getTime() - Date.parse(e.createdAt)),
    e.expiresAt ? (e.expired ? "EXPIRED" : `in ${shortDuration(Date.parse(e.expiresAt) - now.getTime())}`) : "never",
    e.resources,
    e.lastResult,
  ]);
}

function printOutcomes(outcomes: EnvironmentOutcome[], json: boolean, verb: string): number {
  const failed = outcomes.filter((o) => !o.ok);
  if (json)
    out(JSON.stringify({ results: outcomes, summary: { total: outcomes.length, failed: failed.length } }, null, 2));
  else {
    for (const o of outcomes)
      out(sanitize(o.ok ? `${o.name}: ${verb}` : `${o.name}: [${o.error?.code}] ${o.error?.message}`));
    out(`${outcomes.length - failed.length}/${outcomes.length} ${verb}`);
  }
  return failed.length ? 1 : 0;
}

export function registerEnvCommands(program: Command): void {
  const isJson = () => program.opts<{ json?: boolean }>().json ?? false;
  // Loaded on use: the Automation API costs about half a second of every `pod` start otherwise.
  const environments = async (flags: { backend?: string }) => {
    const { Environments } = await import("../../execution/environments/environments");
    return new Environments({
      ...(flags.backend ? { backendUrl: flags.backend } : {}),
      onProgress: (env, line) => process.stderr.write(sanitize(`[${env}] ${line}\n`)),
    });
  };
  /** An action over the environments of the chosen backend, loaded when the action runs. */
  const run =
    <A extends unknown[]>(fn: (envs: Environments, json: boolean, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      const json = isJson();
      try {
        process.exitCode = await fn(await environments(flags()), json, ...args);
      } catch (error) {
        process.exitCode = printError(error, json);
      }
    };

  const env = program
    .command("env")
    .description("lab environments (one Pulumi stack each) on any backend: up, ls, down, gc")
    .option("--backend <url>", "Pulumi backend (file://, postgres://, s3://…); default $PULUMI_BACKEND_URL")
    .option("-c, --concurrency <n>", "environments deployed or destroyed at once", "4");
  const flags = () => env.opts<EnvFlags>();

  env
    .command("up <names...>")
    .description("create or update environments from a Pulumi program (several names: in parallel, bounded)")
    .requiredOption("-p, --program <dir>", "the Pulumi program's directory (its dependencies installed)")
    .option("--config <key=value>", "plain stack config (repeatable); secrets come from the environment", collect, [])
    .option("--ttl <duration>", "expire after this long (4h, 30m, 1h30m); `pod env gc` destroys expired ones")
    .option("--owner <name>", "who owns it (default $POD_ENV_OWNER, else user@host)")
    .action(
      run(
        async (
          envs,
          json,
          names: string[],
          opts: { program: string; config: string[]; ttl?: string; owner?: string },
        ) => {
          const owner = opts.owner ?? process.env.POD_ENV_OWNER ?? `${process.env.USER ?? "unknown"}@${hostname()}`;
          const config = parseConfig(opts.config);
          const specs = names.map((name) => ({
            name,
            program: opts.program,
            owner,
            config,
            ...(opts.ttl ? { ttl: opts.ttl } : {}),
          }));
          const outcomes = await envs.upMany(specs, concurrency(flags().concurrency));
          return printOutcomes(outcomes, json, "up");
        },
      ),
    );

  env
    .command("ls")
    .description("environments: name, owner, age, expiry, resources, last result")
    .action(
      run(async (envs, json) => {
        const list = await envs.list();
        if (json) out(JSON.stringify(list, null, 2));
        else out(table(["NAME", "OWNER", "AGE", "EXPIRES", "RESOURCES", "LAST RESULT"], rows(list, new Date())));
        return 0;
      }),
    );

  env
    .command("down <names...>")
    .description("destroy environments and remove their stacks")
    .option("-p, --program <dir>", "the program to destroy with (default: the directory recorded at up)")
    .action(
      run(async (envs, json, names: string[], opts: { program?: string }) => {
        const outcomes = await envs.downMany(names, concurrency(flags().concurrency), opts.program);
        return printOutcomes(outcomes, json, "down");
      }),
    );

  env
    .command("gc")
    .description("destroy every expired environment, in parallel (bounded by --concurrency)")
    .option("-p, --program <dir>", "the program to destroy with (default: the directory recorded at up)")
    .action(
      run(async (envs, json, opts: { program?: string }) => {
        const outcomes = await envs.gc(concurrency(flags().concurrency), opts.program);
        return printOutcomes(outcomes, json, "removed");
      }),
    );
}
