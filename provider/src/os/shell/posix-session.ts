/**
 * The text a persistent POSIX shell is fed: its start command, one command
 * framed by end markers, and the script that ends one command's process tree.
 * Pure strings; connections/ssh/persistent-shell.ts speaks them.
 *
 * Each command runs as `(eval '<quoted>') </dev/null` so that:
 * - the shell's parser only ever sees one well-formed quoted word, whatever
 *   the command holds (an unbalanced quote or parenthesis cannot swallow the
 *   marker lines that follow);
 * - the subshell takes every `cd`, `export`, `umask`, `set` and `exit` with it,
 *   so nothing leaks into the next command;
 * - the command never reads the shell's own stdin (the protocol stream).
 */
import { assertEnvName, posixQuote, posixWrap } from "./posix";

/** Shells known to read a POSIX script from stdin; any other login shell gets /bin/sh. */
const POSIX_SHELLS = ["sh", "bash", "dash", "ash", "ksh", "mksh"];

/**
 * The exec request that starts the shell: the user's login shell when it is a
 * POSIX one (so commands parse as they do in exec mode), else /bin/sh.
 */
export function posixSessionStart(): string {
  return `case "\${SHELL##*/}" in ${POSIX_SHELLS.join("|")}) exec "$SHELL" ;; *) exec /bin/sh ;; esac`;
}

/** Written once after the start: prints the marker and the shell's PID on stdout, the marker on stderr. */
export function posixSessionHello(marker: string): string {
  return `printf '%s %s\\n' ${posixQuote(marker)} "$$"; printf '%s\\n' ${posixQuote(marker)} >&2\n`;
}

export interface SessionCommandOptions {
  env?: Readonly<Record<string, string>>;
  cwd?: string;
  /** Guest-side backstop: the command runs under `timeout` (see posixWrap). */
  timeoutSeconds?: number;
}

/**
 * One command, then `<marker> <exit status>` on stdout and `<marker>` on
 * stderr. No newline goes before the markers: everything before them is the
 * command's own output, byte for byte. Env values travel in this script on the
 * shell's stdin, never on a command line.
 */
export function posixSessionCommand(command: string, marker: string, options: SessionCommandOptions = {}): string {
  const exports = Object.entries(options.env ?? {}).map(([name, value]) => {
    assertEnvName(name);
    return `export ${name}=${posixQuote(value)}`;
  });
  const body = [
    ...exports,
    posixWrap(command, {
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
    }),
  ].join("\n");
  assertMarker(marker);
  // One line, echo (a builtin in every POSIX shell; the marker has no backslash or leading "-"):
  // bash reads a script from a pipe one byte per read(2), so every byte here costs the guest a
  // system call, per command.
  return `(eval ${posixQuote(body)}) </dev/null;echo ${marker} "$?";echo ${marker} >&2\n`;
}

/** A marker travels bare in an echo: letters, digits, "_" and "-", not first. */
function assertMarker(marker: string): void {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(marker)) throw new Error(`not a session marker: ${marker}`);
}

/**
 * Sends `signal` to every descendant of `pid` (not to `pid` itself): the
 * running command's subshell and whatever it started. One awk reads the
 * parent of every process from /proc and walks the tree, so no procps is
 * needed; run it on another channel while the shell is busy.
 */
export function posixKillTree(pid: number, signal: "TERM" | "KILL"): string {
  if (!Number.isInteger(pid) || pid < 2) throw new Error(`not a process id: ${pid}`);
  const walk = [
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so cut up to the last ") ".
    '{ pid = $1; sub(/^.*\\) /, ""); parent[pid] = $2 }',
    `END { n = 1; q[1] = "${pid}"; for (i = 1; i <= n; i++) for (p in parent) if (parent[p] == q[i]) { q[++n] = p; print p } }`,
  ].join(" ");
  return `pod_t=$(cat /proc/[0-9]*/stat 2>/dev/null | awk '${walk}'); [ -z "$pod_t" ] || kill -s ${signal} $pod_t 2>/dev/null; exit 0`;
}
