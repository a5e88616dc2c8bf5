/**
 * A change to the interface pod's SSH session runs through, applied without
 * cutting the branch pod sits on: the guest runs it detached (setsid nohup,
 * after a short delay so the starting command returns first), then waits for
 * a confirmation file; unless pod reconnects on the new address and creates
 * it within the deadline, the guest reverts to the recorded state by itself
 * (a dead-man switch, like `netplan try`).
 */
import { posixQuote as q } from "../../os/shell/posix";
import { linuxStepsScript } from "./commands";
import { LINUX_PATH } from "./read";

export interface DetachedPaths {
  script: string;
  log: string;
  state: string;
  ok: string;
}

export function detachedPaths(id: string): DetachedPaths {
  const base = `/tmp/pod-net-${id.replace(/[^A-Za-z0-9-]/g, "")}`;
  return { script: `${base}.sh`, log: `${base}.log`, state: `${base}.state`, ok: `${base}.ok` };
}

export interface DetachedOptions {
  id: string;
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
 * The script the guest runs detached; its progress goes to the state file:
 * applying, applied, confirmed — or reverted (a failed step, or no
 * confirmation in time). The log holds the apply's step output, then
 * `@@REVERT` and the revert's.
 */
export function detachedScript(o: DetachedOptions): string {
  const p = detachedPaths(o.id);
  const state = (word: string) => `echo ${word} > ${q(p.state)}`;
  return [
    "#!/bin/sh",
    LINUX_PATH,
    // sudo keeps the caller's umask 077: the login user must be able to read the state file.
    "umask 022",
    `sleep ${o.delaySeconds ?? 1}`,
    state("applying"),
    `if ( ${linuxStepsScript(o.apply)}\n ); then`,
    `  ${state("applied")}`,
    "  pod_i=0",
    `  while [ "$pod_i" -lt ${Math.ceil(o.confirmSeconds)} ]; do`,
    `    if [ -e ${q(p.ok)} ]; then ${state("confirmed")}; exit 0; fi`,
    "    sleep 1; pod_i=$((pod_i + 1))",
    "  done",
    "fi",
    "echo '@@REVERT'",
    `( ${linuxStepsScript(o.revert, { continueOnError: true })}\n )`,
    state("reverted"),
  ].join("\n");
}

/**
 * Writes the script and starts it in the background as root; prints
 * `@@STARTED` once it runs. The login user needs root or passwordless sudo.
 */
export function startDetachedScript(o: DetachedOptions): string {
  const p = detachedPaths(o.id);
  return [
    "umask 077",
    `rm -f ${q(p.ok)} ${q(p.state)}`,
    `printf '%s\\n' ${q(detachedScript(o))} > ${q(p.script)} || exit 1`,
    'if [ "$(id -u)" = 0 ]; then pod_sudo=""; else pod_sudo="sudo -n"; $pod_sudo true || exit 126; fi',
    'if command -v setsid >/dev/null 2>&1; then pod_setsid=setsid; else pod_setsid=""; fi',
    `$pod_sudo $pod_setsid nohup sh ${q(p.script)} > ${q(p.log)} 2>&1 < /dev/null &`,
    "echo @@STARTED",
  ].join("\n");
}

/** Run on the new address: confirms, waits for the guest to notice, prints the state and the apply log. */
export function confirmDetachedScript(id: string): string {
  const p = detachedPaths(id);
  return [
    `touch ${q(p.ok)}`,
    "pod_i=0",
    `while [ "$pod_i" -lt 50 ] && [ "$(cat ${q(p.state)} 2>/dev/null)" != confirmed ]; do sleep 0.1; pod_i=$((pod_i + 1)); done`,
    `echo "@@STATE $(cat ${q(p.state)} 2>/dev/null)"`,
    `cat ${q(p.log)} 2>/dev/null`,
  ].join("\n");
}

/** Prints the state and the log (to learn whether the guest reverted), then cleans up once it is final. */
export function detachedStatusScript(id: string, cleanup: boolean): string {
  const p = detachedPaths(id);
  return [
    `echo "@@STATE $(cat ${q(p.state)} 2>/dev/null)"`,
    `cat ${q(p.log)} 2>/dev/null`,
    ...(cleanup
      ? [
          `rm -f ${[p.script, p.log, p.state, p.ok].map(q).join(" ")} 2>/dev/null || sudo -n rm -f ${[p.script, p.log, p.state, p.ok].map(q).join(" ")} 2>/dev/null`,
          "true",
        ]
      : []),
  ].join("\n");
}

export function parseDetachedState(stdout: string): string {
  return /@@STATE (\S*)/.exec(stdout)?.[1] ?? "";
}
