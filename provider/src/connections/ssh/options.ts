/** What an SSH connection needs: where, who, how to trust the host, and pool/dial limits. */
import type { PosixWrapOptions } from "../../os/shell/posix";
import type { SshAuthOptions } from "./auth";
import type { HostKeyOptions } from "./host-key";
import type { PoolLimits } from "./pool-limits";

/** Builds the guest-side command line from a command and its env, cwd and deadline. */
export type CommandWrapper = (command: string, options: PosixWrapOptions) => string;

export type SshSessionMode = "exec" | "persistent";

export interface SshConnectionOptions extends SshAuthOptions {
  host: string;
  port?: number;
  hostKey?: HostKeyOptions;
  /** Reach the host through this one (direct-tcpip, like `ssh -J`). */
  jump?: SshConnectionOptions;
  pool?: Partial<PoolLimits>;
  /** Dial attempts in all before UNREACHABLE; -1 = unlimited (default 10). */
  dialErrorLimit?: number;
  /** One attempt's limit: TCP connect, handshake and login (default 15000). */
  perDialTimeoutMs?: number;
  /** Backoff between dial attempts: full jitter, base·2^n capped (defaults 250 ms, 5000 ms). */
  dialBackoff?: { baseDelayMs?: number; maxDelayMs?: number };
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /**
   * Guest-side wrapper for env, cwd and the deadline (default: POSIX sh, see
   * os/shell/posix.ts). Env values go first on stdin (posixEnvInput), never on
   * the command line; a wrapper must read them from there. Set null for guests
   * whose shell is not POSIX (Windows OpenSSH): env then goes as SSH env
   * requests and the deadline is enforced by signal and channel close only.
   */
  wrapper?: CommandWrapper | null;
  /**
   * "exec" (default): a new SSH channel per command. "persistent": commands run
   * one after another in long-lived shells (see persistent-shell.ts), which saves
   * the channel's open/close round trips; needs a POSIX shell on the guest.
   * Commands with stdin or a pty still take an exec channel.
   */
  sessionMode?: SshSessionMode;
  /** Persistent mode: shells open at once, each on a channel of its own (default 4). */
  persistentShells?: number;
  /** Between TERM and KILL at a timeout (default 2000). */
  killGraceMs?: number;
  /** Progress lines ("Dial 2/10 … retrying"); never contains a secret. */
  log?: (message: string) => void;
}
