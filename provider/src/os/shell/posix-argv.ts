/**
 * Tells whether a command line is a plain argv that `timeout` may run itself,
 * without a second shell to parse it. Under a guest-side deadline the wrapper
 * (posixWrap) would otherwise start `timeout`, then `$SHELL -c`, then the
 * program: a whole shell start (a few ms on a busy guest) per command. For a
 * line of bare or single-quoted words, which is what posixArgv builds and what
 * a script becomes (`sh -c '…'`), the wrapper's own shell splits the words
 * exactly as `$SHELL -c` would, so `timeout` can exec the program directly.
 * Anything a shell would treat specially keeps the second shell.
 */

// A bare word (posix.ts SAFE), a single-quoted run, or posixQuote's escaped quote, repeated.
const WORD = String.raw`(?:[A-Za-z0-9_@%+:,./-]|'[^']*'|\\')+`;
const PLAIN_LINE = new RegExp(`^${WORD}(?: ${WORD})*$`);
const BARE_PROGRAM = /^[A-Za-z0-9_@%+:,./][A-Za-z0-9_@%+:,./-]*$/;

/**
 * Names a shell runs itself (builtins and keywords of sh, bash, dash, ash,
 * ksh, mksh and zsh): `timeout` would run a different program, or none.
 * Builtins that also exist as programs (echo, printf, test, kill, pwd) are
 * here too, since the two can differ (echo and backslashes).
 */
const SHELL_OWN = new Set(
  [
    // POSIX special builtins and keywords
    ". : break continue eval exec exit export readonly return set shift times trap unset",
    "! { } [[ ]] case do done elif else esac fi for function if in select then time until while",
    // regular builtins of sh, bash, dash, ash, ksh, mksh
    "[ alias bg bind builtin caller cd command compgen complete compopt coproc declare dirs disown echo enable",
    "false fc fg getopts hash help history jobs kill let local logout mapfile newgrp popd printf pushd pwd read",
    "readarray shopt source suspend test true type typeset ulimit umask unalias wait whence print",
    // zsh
    "autoload bindkey emulate float functions integer limit noglob nocorrect rehash setopt unlimit unsetopt",
    "where which zmodload",
  ].flatMap((line) => line.split(" ")),
);

/**
 * True when `command` is one simple command of bare or single-quoted words
 * whose program is not a shell builtin or keyword (a path with a `/` never
 * is): `timeout` may exec it as the shell would. Exit codes match the shell's
 * (127 not found, 126 not executable); only the wording of those two errors
 * on stderr differs.
 */
export function isPlainArgv(command: string): boolean {
  if (!PLAIN_LINE.test(command)) return false;
  const program = command.split(" ", 1)[0] ?? "";
  if (!BARE_PROGRAM.test(program)) return false; // a quoted or option-like first word: leave it to the shell
  return program.includes("/") || !SHELL_OWN.has(program);
}
