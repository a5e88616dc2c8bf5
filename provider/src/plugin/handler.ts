/** What the plugin's gRPC server asks of each resource type (values here are revealed: no secret wrappers). */
import type { CheckFailure } from "../resources/shared/validate";
import type { ResourceDiff } from "./detailed-diff";

export type Props = Record<string, unknown>;

export interface StepContext {
  urn: string;
  /** The engine's customTimeouts for this step, in ms; undefined when none was set. */
  timeoutMs?: number | undefined;
  /** A line to the engine's log for this resource (shown by `pulumi up`, kept in --event-log). */
  log(message: string): void;
  /** Aborted when the engine sends Cancel (Ctrl-C). */
  signal: AbortSignal;
}

export interface ReadOutcome {
  id: string;
  outs: Props;
  /** Inputs to store; given on import (state had none), undefined on refresh (the old inputs stay). */
  inputs?: Props;
}

export interface CheckOutcome {
  failures: CheckFailure[];
  /** Inputs the resource adds to the program's (PodCopy's content hash, which diff needs: it gets assets without content). */
  added?: Props;
}

export interface ResourceHandler {
  /** Wire inputs made plain; a resource may turn secrets into its own markers. */
  plainInputs(wire: Props): Props;
  /** Top-level outputs to store encrypted, beyond those whose inputs held a secret. */
  secretOutputs(inputs: Props): string[];
  check(news: Props): Promise<CheckOutcome>;
  diff(olds: Props, news: Props): ResourceDiff;
  create(inputs: Props, ctx: StepContext): Promise<{ id: string; outs: Props }>;
  /** Refresh when `outs` is given; import or `get` when state holds nothing yet. Undefined: gone. */
  read(id: string, outs: Props | undefined, ctx: StepContext): Promise<ReadOutcome | undefined>;
  update(id: string, olds: Props, news: Props, ctx: StepContext): Promise<Props>;
  delete(id: string, outs: Props, ctx: StepContext): Promise<void>;
}

/** The URN the plugin passes down for audit correlation is not state. */
export function withoutUrn(outs: unknown): Props {
  const { pulumiUrn: _u, ...rest } = outs as Props;
  return rest;
}
