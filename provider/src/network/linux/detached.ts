/**
 * A change to the interface pod's SSH session runs through, applied without
 * cutting the branch pod sits on: the guest runs it detached (setsid nohup,
 * after a short delay so the starting command returns first), then waits for
 * a confirmation file; unless pod reconnects on the new address and creates
 * it within the deadline, the guest reverts to the recorded state by itself
 * (a dead-man switch, like `netplan try`).
 */
import { PodError } from "../../common/errors";
import { posixQuote as q } from "../../os/shell/posix";
import { linuxStepsScript } from "./commands";
import { LINUX_PATH } from "./read";

/**
 * The apply's files live in a directory `mktemp -d` made for the login user
 * (0700, random name): no other local user can plant the confirmation file,
 * or a symlink for root's state writes to follow, as they could with fixed
 * /tmp names. The root-run script checks that ownership before it acts.
 */
export const DETACHED_DIR = /^\/tmp\/pod-net\.[A-Za-z0-9]{10}$/;

export interface DetachedPaths {
  dir: string;
  script: string;
  log: string;
  state: string;
  ok: string;
}

export function detachedPaths(dir: string): DetachedPaths {
  if (!DETACHED_DIR.test(dir)) {
    throw new PodError("INTERNAL", "The guest reported a detached-apply directory pod did not ask for.", {
      fix: "Check the guest's mktemp; pod expects /tmp/pod-net.XXXXXXXXXX.",
    });
  }
  return { dir, script: `${dir}/apply.sh`, log: `${dir}/log`, state: `${dir}/state`, ok: `${dir}/ok` };
}

export interface DetachedOptions {
  /** Commands that make the change (run as root). */
  apply: string[];
  /** Commands that restore the state before it. */
  revert: string[];
  /** How long the guest waits for the confirmation before reverting. */
  confirmSeconds: number;
  /** Seconds between the start command returning and the change (default 1). */
  delaySeconds?: number;
}

/**
 * The script the guest runs detached, as root, with its directory and the
 * login user's uid as arguments; its progress goes to the state file:
 * applying, applied, confirmed — or reverted (a failed step, or no
 * confirmation in time). The log holds the apply's step output, then
 * `@@REVERT` and the revert's. It refuses to act in a directory that is not
 * the login user's own 0700 one, and counts only a confirmation that user made.
 */
export function detachedScript(o: DetachedOptions): string {
  const state = (word: string) => `echo ${word} > "$pod_dir/state"`;
  return [
    "#!/bin/sh",
    LINUX_PATH,
    'pod_dir=$1; pod_uid=$2; case "$pod_uid" in ""|*[!0-9]*) exit 1;; esac',
    'if [ -L "$pod_dir" ] || [ ! -d "$pod_dir" ] || [ "$(stat -c \'%u %a\' "$pod_dir")" != "$pod_uid 700" ]; then',
    "  echo '@@UNSAFE directory'; exit 1",
    "fi",
    // sudo keeps the caller's umask 077: the login user must be able to read the state file.
    "umask 022",
    `sleep ${o.delaySeconds ?? 1}`,
    state("applying"),
    `if ( ${linuxStepsScript(o.apply)}\n ); then`,
    `  ${state("applied")}`,
    "  pod_i=0",
    `  while [ "$pod_i" -lt ${Math.ceil(o.confirmSeconds)} ]; do`,
    `    if [ -f "$pod_dir/ok" ] && [ ! -L "$pod_dir/ok" ] && [ "$(stat -c %u "$pod_dir/ok")" = "$pod_uid" ]; then ${state("confirmed")}; exit 0; fi`,
    "    sleep 1; pod_i=$((pod_i + 1))",
    "  done",
    "fi",
    "echo '@@REVERT'",
    `( ${linuxStepsScript(o.revert, { continueOnError: true })}\n )`,
    state("reverted"),
  ].join("\n");
}

/**
 * Makes the private directory, writes the script and starts it in the
 * background as root; prints `@@DIR <dir>` and `@@STARTED` once it runs.
 * The login user needs root or passwordless sudo.
 */
export function startDetachedScript(o: DetachedOptions): string {
  return [
    "umask 077",
    "pod_dir=$(mktemp -d /tmp/pod-net.XXXXXXXXXX) || exit 1",
    'chmod 700 "$pod_dir" || exit 1',
    `printf '%s\\n' ${q(detachedScript(o))} > "$pod_dir/apply.sh" || exit 1`,
    'echo "@@DIR $pod_dir"',
    "pod_uid=$(id -u)",
    'if [ "$pod_uid" = 0 ]; then pod_sudo=""; else pod_sudo="sudo -n"; $pod_sudo true || exit 126; fi',
    'if command -v setsid >/dev/null 2>&1; then pod_setsid=setsid; else pod_setsid=""; fi',
    '$pod_sudo $pod_setsid nohup sh "$pod_dir/apply.sh" "$pod_dir" "$pod_uid" > "$pod_dir/log" 2>&1 < /dev/null &',
    "echo @@STARTED",
  ].join("\n");
}

/** The directory the start script made, as it reported it; checked against the pattern pod asked mktemp for. */
export function parseDetachedDir(stdout: string): string {
  return detachedPaths(/^@@DIR (\S+)$/m.exec(stdout)?.[1] ?? "").dir;
}

/** Run on the new address: confirms, waits for the guest to notice, prints the state and the apply log. */
export function confirmDetachedScript(dir: string): string {
  const p = detachedPaths(dir);
  return [
    `touch ${q(p.ok)}`,
    "pod_i=0",
    `while [ "$pod_i" -lt 50 ] && [ "$(cat ${q(p.state)} 2>/dev/null)" != confirmed ]; do sleep 0.1; pod_i=$((pod_i + 1)); done`,
    `echo "@@STATE $(cat ${q(p.state)} 2>/dev/null)"`,
    `cat ${q(p.log)} 2>/dev/null`,
  ].join("\n");
}

/** Prints the state and the log (to learn whether the guest reverted), then cleans up once it is final. */
export function detachedStatusScript(dir: string, cleanup: boolean): string {
  const p = detachedPaths(dir);
  return [
    `echo "@@STATE $(cat ${q(p.state)} 2>/dev/null)"`,
    `cat ${q(p.log)} 2>/dev/null`,
    ...(cleanup ? [`rm -rf -- ${q(p.dir)} 2>/dev/null || sudo -n rm -rf -- ${q(p.dir)} 2>/dev/null`, "true"] : []),
  ].join("\n");
}

export function parseDetachedState(stdout: string): string {
  return /@@STATE (\S*)/.exec(stdout)?.[1] ?? "";
}
