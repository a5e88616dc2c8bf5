/**
 * Pulumi's Automation API opened for pod environments: a LocalWorkspace on a
 * program directory (the program's own node_modules serve its dynamic
 * providers, for `up` and `destroy` alike), with the backend and environment
 * the caller chose, and Automation API errors turned into PodErrors.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import {
  CommandError,
  ConcurrentUpdateError,
  LocalWorkspace,
  type Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation";
import { PodError } from "../../common/errors";

export interface WorkspaceOptions {
  /** A Pulumi backend URL (file://, postgres://, s3://…); default: PULUMI_BACKEND_URL or the CLI's login. */
  backendUrl?: string;
  /** Extra environment for the Pulumi CLI and the program (vSphere credentials, passphrase…). */
  env?: Record<string, string>;
}

/**
 * Pulumi 3.260's PostgreSQL backend opens at most 2 × GOMAXPROCS connections but lists stacks with
 * 10 workers that each hold one while asking for another: with more stacks than connections,
 * `pulumi stack ls --all` hangs for ever (4 connections on 2 cores, seen here with 6 stacks).
 * Until that is fixed upstream, pod lists with no more workers than cores, unless told otherwise.
 */
const DIY_PARALLEL = String(Math.max(1, availableParallelism()));

function envVars(options: WorkspaceOptions): Record<string, string> {
  return {
    ...(process.env.PULUMI_DIY_BACKEND_PARALLEL ? {} : { PULUMI_DIY_BACKEND_PARALLEL: DIY_PARALLEL }),
    ...options.env,
    ...(options.backendUrl ? { PULUMI_BACKEND_URL: options.backendUrl } : {}),
  };
}

/** The absolute program directory, which must hold a Pulumi.yaml. */
export function programDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(resolve(abs, "Pulumi.yaml")) && !existsSync(resolve(abs, "Pulumi.yml"))) {
    throw new PodError("INVALID_INPUT", `${abs} is not a Pulumi program (no Pulumi.yaml).`, {
      fix: "Pass --program the directory that holds the program's Pulumi.yaml (with its dependencies installed).",
    });
  }
  return abs;
}

export function openStack(name: string, program: string, options: WorkspaceOptions, create: boolean): Promise<Stack> {
  const args = { stackName: name, workDir: programDir(program) };
  const opts = { envVars: envVars(options) };
  return create ? LocalWorkspace.createOrSelectStack(args, opts) : LocalWorkspace.selectStack(args, opts);
}

/** A workspace of no project, for listing every project's stacks on the backend. */
export function backendWorkspace(options: WorkspaceOptions): Promise<LocalWorkspace> {
  return LocalWorkspace.create({
    envVars: envVars(options),
    projectSettings: { name: "pod-env", runtime: "nodejs" },
  });
}

/** Last lines of the CLI's stderr: enough to say why, without the whole log (Pulumi masks secrets in it). */
function tail(text: string, lines = 12): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

export function toEnvError(error: unknown, env: string, op: string): PodError {
  if (error instanceof PodError) return error;
  if (error instanceof ConcurrentUpdateError) {
    return new PodError("IN_USE", `Environment ${env} is locked by another update (${op} refused).`, {
      fix: "Wait for the other `pulumi up`/`pod env` on this environment to finish, then retry.",
      cause: error,
    });
  }
  if (error instanceof StackNotFoundError) {
    return new PodError("NOT_FOUND", `Environment ${env} does not exist on this backend.`, {
      fix: "Check the name with `pod env ls` and the backend (--backend or PULUMI_BACKEND_URL).",
      cause: error,
    });
  }
  const text = error instanceof CommandError ? tail(error.message) : String((error as Error)?.message ?? error);
  return new PodError("DEPLOYMENT_FAILED", `pod env ${op} ${env} failed:\n${text}`, {
    fix: `Read the Pulumi output above; \`pod env down ${env}\` removes what the environment holds.`,
    cause: error,
  });
}
