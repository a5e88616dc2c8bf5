import type { TransportKind } from "../common/transport";
import type { OutputTruncation } from "../connections/types";

/**
 * The normalized result of one command, the same shape for every OS and
 * transport. `success` is exitCode ∈ acceptedExitCodes and not timed out;
 * a failed command is a result, not an exception (only transport failures throw).
 */
export interface CommandResult<D = unknown> {
  /** The command as the user gave it (argv joined, or the script's first line). */
  command: string;
  host: string;
  transport: TransportKind;
  /** The OS type the command ran on, when known. */
  os?: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  success: boolean;
  timedOut: boolean;
  durationMs: number;
  /**
   * Present when the output went past the run's maxOutputBytes: bytes dropped
   * from each stream (stdout/stderr above hold the first maxOutputBytes).
   */
  truncated?: OutputTruncation;
  /** stdout parsed by the requested parser (JSON, ip -j, os-release, key=value, PowerShell JSON). */
  data?: D;
}
