# shellcheck shell=bash
# vcsim: govmomi's vSphere simulator, built from the Go module proxy by the
# small wrapper in lab/tools/vcsim, serving vim25 over TLS on loopback.

VCSIM_SRC="$LAB_DIR/tools/vcsim"

build_vcsim() {
  local want stamp="$POD_CACHE/bin/pod-vcsim.hash"
  want=$(hash_of "$VCSIM_SRC/go.mod" "$VCSIM_SRC/go.sum" "$VCSIM_SRC"/*.go <(go version))
  [ -x "$POD_CACHE/bin/pod-vcsim" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  (cd "$VCSIM_SRC" && go build -trimpath -o "$POD_CACHE/bin/pod-vcsim" .) >"$POD_LAB_STATE/logs/vcsim-build.log" 2>&1
  echo "$want" >"$stamp"
}

start_vcsim() {
  # A running vcsim is kept unless the binary was rebuilt since it started
  # (e.g. pod-vcsim gained the vAPI REST endpoint): then it is restarted.
  local built started="$POD_LAB_STATE/pids/vcsim.hash"
  built=$(cat "$POD_CACHE/bin/pod-vcsim.hash" 2>/dev/null)
  running_pid vcsim pod-vcsim >/dev/null && vcsim_answers && [ "$(cat "$started" 2>/dev/null)" = "$built" ] && return 0
  stop_vcsim
  # A new vcsim knows nothing of the containers an earlier one backed its VMs with.
  remove_vcsim_containers
  local log_file="$POD_LAB_STATE/logs/vcsim.log"
  # vcsim runs `docker` and `busybox` for container-backed VMs; VCSIM_BUSYBOX
  # names the lab's locally built image.
  VCSIM_BUSYBOX=busybox:latest setsid "$POD_CACHE/bin/pod-vcsim" -l "$POD_VCSIM_ADDR" \
    -tlscert "$POD_LAB_STATE/tls/server.pem" -tlskey "$POD_LAB_STATE/tls/server-key.pem" \
    -username "$POD_VCSIM_USER" >"$log_file" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$(pidfile vcsim)"
  echo "$built" >"$started"
  wait_for_log "$pid" "$log_file" "pod-vcsim ready" 100 0.2
}

remove_vcsim_containers() {
  local ids
  ids=$(docker ps -aq --filter "name=^vcsim-")
  [ -z "$ids" ] || docker rm -f -v $ids >/dev/null
}

vcsim_answers() { curl -sf --cacert "$POD_LAB_STATE/tls/ca.pem" "https://$POD_VCSIM_ADDR/about" >/dev/null; }

stop_vcsim() { stop_pid vcsim pod-vcsim; }

status_vcsim() {
  local state=down
  running_pid vcsim pod-vcsim >/dev/null && vcsim_answers && state=up
  status_line vcsim "govmomi v$POD_GOVMOMI_VERSION" "https://$POD_VCSIM_ADDR/sdk" "$state"
}
