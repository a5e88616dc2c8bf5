# shellcheck shell=bash
# Helpers shared by the lab steps.

now() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { echo "[lab] $*" >&2; }

# step NAME FIX FUNCTION...: run one step, print its duration, and on failure
# name the step and what to do about it.
step() {
  local name="$1" fix="$2" t0
  shift 2
  t0=$(now)
  if ! "$@"; then
    log "step '$name' FAILED after $(elapsed_since "$t0")s. Fix: $fix"
    exit 1
  fi
  log "step $name: $(elapsed_since "$t0")s"
}

# hash_of FILE...: a content hash used as a cache key.
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# Recorded process ids: a pid counts only if it is alive and still runs the
# program we started (pids are reused), so stale files never stop a restart.
pidfile() { echo "$POD_LAB_STATE/pids/$1.pid"; }
running_pid() {
  local f pid
  f=$(pidfile "$1")
  [ -f "$f" ] || return 1
  pid=$(cat "$f")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q -- "$2" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
    return 0
  fi
  rm -f "$f"
  return 1
}

stop_pid() {
  local name="$1" match="$2" pid i
  pid=$(running_pid "$name" "$match") || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$(pidfile "$name")"
  log "stopped $name (pid $pid)"
}

# wait_for_log PID LOG PATTERN TRIES INTERVAL: until LOG shows PATTERN (0), or
# PID exits or the tries run out (1, with the log's tail on stderr). Right
# after the fork /proc/PID/cmdline may still say bash or setsid, so this only
# asks whether PID lives, not what it runs.
wait_for_log() {
  local pid="$1" log_file="$2" pattern="$3" tries="$4" interval="$5" i
  for i in $(seq "$tries"); do
    grep -q "$pattern" "$log_file" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep "$interval"
  done
  tail -5 "$log_file" >&2
  return 1
}

port_in_use() { ss -Hltn "sport = :${1##*:}" 2>/dev/null | grep -q .; }

apt_install() {
  if [ -z "${POD_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    POD_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

status_line() { printf '%-14s %-28s %-34s %s\n' "$1" "$2" "$3" "$4"; }
