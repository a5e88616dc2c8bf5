/**
 * POSIX sh dialect: quoting, environment and working-directory prefixes, and
 * the wrappers connections use to end a command on the guest. Pure strings.
 */
import { PodError } from "../../common/errors";
import { isPlainArgv } from "./posix-argv";

// Characters that never need quoting. `=` is left out on purpose: an unquoted
// `A=b` as the first word is an assignment, not a program name.
const SAFE = /^[A-Za-z0-9_@%+:,./-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assertNoNul(value: string, what: string): void {
  if (value.includes("\0")) {
    throw new PodError("INVALID_INPUT", `${what} contains a NUL character, which no shell can pass on.`, {
      fix: "Remove the NUL character.",
    });
  }
}

/** Quotes one word for sh: safe words stay bare, the rest go in single quotes. */
export function posixQuote(word: string): string {
  assertNoNul(word, "A command argument");
  if (word.length > 0 && SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An argv as one sh command line; every word is quoted, so metacharacters stay literal. */
export function posixArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new PodError("INVALID_INPUT", "The command is empty.", { fix: "Give a program name." });
  return argv.map(posixQuote).join(" ");
}

export function assertEnvName(name: string): void {
  if (!ENV_NAME.test(name)) {
    throw new PodError("INVALID_INPUT", `"${name}" is not a valid environment variable name.`, {
      fix: "Use letters, digits and underscores, not starting with a digit.",
    });
  }
}

/** `export A='x' B='y'`: applies to every command that follows, compound ones included. */
export function posixEnvPrefix(env: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(env).map(([name, value]) => {
    assertEnvName(name);
    return `${name}=${posixQuote(value)}`;
  });
  return pairs.length ? `export ${pairs.join(" ")}` : "";
}

/** `cd` first and stop when it fails, so the command never runs in the wrong place. */
export function posixCwdPrefix(cwd: string): string {
  return `cd -- ${posixQuote(cwd)} || exit 1`;
}

export interface PosixWrapOptions {
  /**
   * Names of environment variables whose values arrive first on stdin, one
   * line each (see posixEnvInput): values never appear on a command line,
   * where `ps` and /proc/<pid>/cmdline show them to every local user.
   */
  envFromStdin?: readonly string[];
  cwd?: string;
  /** Guest-side deadline: the command's process group is ended after it. */
  timeoutSeconds?: number;
  /** Seconds between TERM and KILL at the deadline. */
  killAfterSeconds?: number;
}

// Bytes that travel as themselves in an env line; everything else (and "\\") as a \0ooo escape for printf %b.
const ENV_LINE_SAFE = /^[\x20-\x5b\x5d-\x7e]$/;

/**
 * The stdin lines that carry environment values to posixWrap's prelude, in
 * the order of `names`. Each value is one line of printable ASCII: other bytes
 * (line breaks, UTF-8, "\\") become octal escapes that `printf %b`, a shell
 * builtin, turns back into bytes, so no process ever has a value in its argv.
 */
export function posixEnvInput(env: Readonly<Record<string, string>>, names: readonly string[]): Buffer {
  const lines = names.map((name) => {
    assertEnvName(name);
    const value = env[name] ?? "";
    assertNoNul(value, `The value of ${name}`);
    let line = "";
    for (const byte of Buffer.from(value, "utf8")) {
      const ch = String.fromCharCode(byte);
      line += ENV_LINE_SAFE.test(ch) ? ch : `\\0${byte.toString(8).padStart(3, "0")}`;
    }
    return `${line}\n`;
  });
  return Buffer.from(lines.join(""), "latin1");
}

/**
 * Reads each named variable from stdin (one line each, posixEnvInput's form)
 * and exports it. `read` takes a pipe byte by byte, so the command's own stdin
 * follows untouched. A missing line ends the run with 125 before the command.
 */
export function posixEnvPrelude(names: readonly string[]): string[] {
  const lines = names.flatMap((name) => {
    assertEnvName(name);
    return [
      "IFS= read -r pod_v || exit 125",
      // Every "\\" in a line starts an escape: a line without one is the value as it is, and
      // skips printf's $( ), a fork per variable. The trailing x survives $( )'s removal of
      // trailing newlines; it is cut off after.
      `case $pod_v in *\\\\*) pod_v=$(printf '%bx' "$pod_v"); pod_v=\${pod_v%x} ;; esac; export ${name}="$pod_v"`,
    ];
  });
  return lines.length ? [...lines, "unset pod_v"] : [];
}

/**
 * Wraps a command line for a POSIX guest. With a deadline, the command runs
 * under coreutils/busybox `timeout`, which ends its whole process group even
 * when the client that started it is gone (a dropped SSH connection does not
 * end a command without a PTY). The user's login shell ($SHELL) still parses
 * the command, as it would without the wrapper; `exec` keeps the wrapper's PID,
 * so a signal sent to the session reaches `timeout`, which forwards it. A
 * plain argv (posix-argv.ts) is exec'd: by `timeout` itself, without that
 * shell, or by this shell, without the extra fork some shells make for the
 * last command of a subshell or eval.
 */
export function posixWrap(command: string, options: PosixWrapOptions = {}): string {
  const lines: string[] = [];
  if (options.cwd !== undefined) lines.push(posixCwdPrefix(options.cwd));
  if (options.envFromStdin?.length) lines.push(...posixEnvPrelude(options.envFromStdin));
  if (options.timeoutSeconds === undefined) {
    // exec: a shell (bash 5.2 in a subshell, after `cd`, under eval) may otherwise fork once more and wait.
    lines.push(isPlainArgv(command) ? `exec ${command}` : command);
    return lines.join("\n");
  }
  const seconds = Math.max(1, Math.ceil(options.timeoutSeconds));
  const killAfter = Math.max(1, Math.ceil(options.killAfterSeconds ?? 5));
  const deadline = `timeout -k ${killAfter} ${seconds}`;
  if (isPlainArgv(command)) {
    // This shell splits the words as $SHELL -c would: one shell start fewer per command.
    // The command appears once, so the line grows by a constant (the guest's 128 KiB argument limit).
    lines.push(
      `if command -v timeout >/dev/null 2>&1; then set -- ${deadline}; else set --; fi`,
      `exec "$@" ${command}`,
    );
    return lines.join("\n");
  }
  const shell = `"\${SHELL:-/bin/sh}"`;
  lines.push(
    `pod_cmd=${posixQuote(command)}`,
    `if command -v timeout >/dev/null 2>&1; then exec ${deadline} ${shell} -c "$pod_cmd"; fi`,
    `exec ${shell} -c "$pod_cmd"`,
  );
  return lines.join("\n");
}

/**
 * Kills every process whose environment holds `name=value`. Docker has no API
 * to signal an exec'd process, so the exec carries a marker variable, which its
 * children inherit, and a second exec ends them all by that marker.
 */
export function posixKillByEnvMarker(name: string, value: string, signal = "KILL"): string {
  assertEnvName(name);
  const needle = posixQuote(`${name}=${value}`);
  return [
    "for d in /proc/[0-9]*; do",
    `  if tr '\\000' '\\n' < "$d/environ" 2>/dev/null | grep -qx -- ${needle}; then kill -${signal} "\${d#/proc/}" 2>/dev/null; fi`,
    "done",
    "exit 0",
  ].join("\n");
}

/** `sh -c '<script>'` / `bash -c '<script>'`. */
export function posixShellScript(shell: "sh" | "bash", script: string): string {
  return `${shell} -c ${posixQuote(script)}`;
}
