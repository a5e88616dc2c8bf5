# shellcheck shell=bash
# Docker engine (Debian's docker.io). Started only if none answers; a daemon
# the lab did not start is used and left alone by `lab.sh down`.

start_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  local log_file="$POD_LAB_STATE/logs/dockerd.log" i
  # A dockerd killed hard leaves its pid file behind and refuses to start.
  [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null && rm -f /var/run/docker.pid
  setsid dockerd >"$log_file" 2>&1 </dev/null &
  echo $! >"$(pidfile dockerd)"
  for i in $(seq 120); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$(pidfile dockerd)")" 2>/dev/null || break
    sleep 0.5
  done
  tail -5 "$log_file" >&2
  return 1
}

stop_docker() { stop_pid dockerd dockerd; }

# Containers the lab created: labelled ones, and vcsim's container-backed VMs.
remove_lab_containers() {
  docker info >/dev/null 2>&1 || return 0
  local ids
  ids=$( { docker ps -aq --filter "label=$POD_LAB_LABEL"; docker ps -aq --filter "name=^vcsim-"; } | sort -u)
  [ -z "$ids" ] || { docker rm -f -v $ids >/dev/null; log "removed $(echo "$ids" | wc -l) lab container(s)"; }
}

status_docker() {
  local v
  if v=$(docker version --format '{{.Server.Version}}' 2>/dev/null); then
    status_line docker "$v" unix:///var/run/docker.sock up
  else
    status_line docker "-" unix:///var/run/docker.sock down
  fi
}
