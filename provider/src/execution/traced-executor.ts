/**
 * The executor with a span around every command (batches included: they go
 * through run()). The span names the target and transport, never the
 * command's arguments, which may hold secrets passed as plain strings.
 */

import { withSpan } from "../observability/tracing";
import type { PodCommand } from "./command";
import { CommandExecutor, type ExecTarget, type RunOptions } from "./executor";
import type { CommandResult } from "./result";

export class TracedExecutor extends CommandExecutor {
  override run<D = unknown>(
    target: ExecTarget,
    command: PodCommand,
    options: RunOptions<D> = {},
  ): Promise<CommandResult<D>> {
    const attributes = {
      "pod.target": target.name ?? target.connection.target,
      "pod.transport": target.connection.transport,
      ...(options.correlationId ? { "pod.correlation_id": options.correlationId } : {}),
    };
    return withSpan("pod.command", attributes, async (span) => {
      const result = await super.run(target, command, options);
      span.setAttribute("pod.exit_code", result.exitCode ?? -1);
      span.setAttribute("pod.success", result.success);
      if (result.os) span.setAttribute("pod.os", result.os);
      return result;
    });
  }
}
