# shellcheck shell=bash
# The lab's Windows Server 2022 guest (lab/windows-guest): a WinRM endpoint
# that behaves like a Server 2022 VM, compiled from the repo's TypeScript and
# run twice: as a host process on loopback (fast tests) and as the container
# pod-windows-2022 from the locally built image pod-guest-windows:2022.
# Also the clients we did not write: Debian's pywinrm 0.3.0 (+ an OpenSSL
# config enabling MD4 for its NTLM) and pywinrm 0.5.0 in a cached venv.

POD_WINRM_HTTP_ADDR="${POD_WINRM_HTTP_ADDR:-127.0.0.1:15985}"
POD_WINRM_HTTPS_ADDR="${POD_WINRM_HTTPS_ADDR:-127.0.0.1:15986}"
# A fixed, lab-only Administrator password; tests use it to prove it never leaks.
POD_WINDOWS_PASSWORD="${POD_WINDOWS_PASSWORD:-pod-Lab-Win2022-6b2e}"
POD_PYWINRM_SPEC="pywinrm==0.5.0 requests-ntlm==1.3.0 pyspnego==0.12.4"
WINGUEST_SRC="$LAB_DIR/windows-guest"
WINGUEST_DIR="$POD_CACHE/windows-guest"
WINGUEST_CONTAINER="pod-windows-2022"
WINGUEST_IMAGE="pod-guest-windows:2022"

winguest_source_hash() {
  (
    cd "$REPO_DIR"
    find lab/windows-guest/src provider/src/connections/winrm provider/src/common -name '*.ts' ! -name '*.test.ts' | sort
    echo provider/src/vsphere/soap/xml.ts lab/windows-guest/tsconfig.json tsconfig.json package-lock.json
  ) | (cd "$REPO_DIR" && xargs cat) | cat - <(echo "$POD_NODE_VERSION") | sha256sum | cut -c1-16
}

winguest_recipe_hash() {
  hash_of "$WINGUEST_SRC/Dockerfile" "$WINGUEST_SRC/guest-init" <(winguest_source_hash; debian_recipe_hash)
}

# tsc into $WINGUEST_DIR/dist (lab/windows-guest and the provider code it shares), plus saxes.
build_winguest_dist() {
  local want stamp="$WINGUEST_DIR/dist.hash" dist="$WINGUEST_DIR/dist"
  want=$(winguest_source_hash)
  [ -f "$dist/lab/windows-guest/src/main.js" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  rm -rf "$dist" && mkdir -p "$dist/node_modules"
  (cd "$REPO_DIR" && node_modules/.bin/tsc -p lab/windows-guest/tsconfig.json --outDir "$dist")
  cp -r "$REPO_DIR/node_modules/saxes" "$REPO_DIR/node_modules/xmlchars" "$dist/node_modules/"
  echo "$want" >"$stamp"
}

build_winguest_image() {
  local want ctx="$WINGUEST_DIR/image"
  want=$(winguest_recipe_hash)
  [ "$(image_recipe "$WINGUEST_IMAGE")" = "$want" ] && return 0
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$WINGUEST_SRC/Dockerfile" "$WINGUEST_SRC/guest-init" "$ctx/"
  cp -r "$WINGUEST_DIR/dist" "$ctx/app"
  cp "$POD_CACHE/node/node_modules/node/bin/node" "$ctx/node"
  DOCKER_BUILDKIT=0 docker build -q --build-arg "POD_RECIPE=$want" -t "$WINGUEST_IMAGE" "$ctx"
  rm -rf "$ctx"
}

# pywinrm 0.5.0 (pyspnego NTLM, with its own MD4) in a venv, next to Debian's 0.3.0.
install_pywinrm_venv() {
  local venv="$POD_CACHE/pywinrm-venv" stamp="$POD_CACHE/pywinrm-venv/.pod-spec"
  [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$POD_PYWINRM_SPEC" ] && return 0
  /usr/bin/python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
  rm -rf "$venv"
  /usr/bin/python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q --disable-pip-version-check $POD_PYWINRM_SPEC
  echo "$POD_PYWINRM_SPEC" >"$stamp"
}

# Debian's python3-ntlm-auth asks hashlib for MD4, which OpenSSL 3 keeps in its legacy provider.
write_openssl_legacy_conf() {
  mkdir -p "$POD_LAB_STATE/windows-guest"
  printf '%s\n' 'openssl_conf = openssl_init' '[openssl_init]' 'providers = provider_sect' '[provider_sect]' \
    'default = default_sect' 'legacy = legacy_sect' '[default_sect]' 'activate = 1' '[legacy_sect]' 'activate = 1' \
    >"$POD_LAB_STATE/windows-guest/openssl-legacy.cnf"
}

winguest_answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$@" 2>/dev/null)" = 401 ]; }

start_winguest_process() {
  local log_file="$POD_LAB_STATE/logs/windows-guest.log" recipe
  recipe=$(cat "$WINGUEST_DIR/dist.hash")
  if running_pid windows-guest pod-windows-guest >/dev/null && [ "$(cat "$POD_LAB_STATE/pids/windows-guest.recipe" 2>/dev/null)" = "$recipe" ] &&
    winguest_answers "http://$POD_WINRM_HTTP_ADDR/wsman"; then
    return 0
  fi
  stop_pid windows-guest pod-windows-guest
  if port_in_use "$POD_WINRM_HTTP_ADDR" || port_in_use "$POD_WINRM_HTTPS_ADDR"; then
    log "$POD_WINRM_HTTP_ADDR or $POD_WINRM_HTTPS_ADDR is taken by a program the lab did not start (set POD_WINRM_HTTP_ADDR/POD_WINRM_HTTPS_ADDR)"
    return 1
  fi
  POD_WINRM_HTTP="$POD_WINRM_HTTP_ADDR" POD_WINRM_HTTPS="$POD_WINRM_HTTPS_ADDR" POD_WINRM_TLS_DIR="$POD_LAB_STATE/tls" \
    POD_WINDOWS_NICS=synthetic POD_WINDOWS_HOSTNAME=WIN2022-LAB POD_WINDOWS_PASSWORD="$POD_WINDOWS_PASSWORD" \
    setsid node "$WINGUEST_DIR/dist/lab/windows-guest/src/main.js" pod-windows-guest >"$log_file" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$(pidfile windows-guest)"
  echo "$recipe" >"$POD_LAB_STATE/pids/windows-guest.recipe"
  wait_for_log "$pid" "$log_file" "WinRM HTTPS listening" 100 0.1
}

winguest_container_ip() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$WINGUEST_CONTAINER" 2>/dev/null; }

# A server certificate for the container's IP, signed by the lab CA (the guest's "enrolled" WinRM cert).
issue_winguest_cert() {
  local ip="$1" dir="$POD_LAB_STATE/windows-guest/tls"
  if [ -s "$dir/server.pem" ] && [ "$(cat "$dir/ip" 2>/dev/null)" = "$ip" ] && openssl x509 -checkend 86400 -noout -in "$dir/server.pem" >/dev/null; then
    return 0
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$ip" \
    -keyout "$dir/server-key.pem" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$ip" >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$POD_LAB_STATE/tls/ca.pem" -CAkey "$POD_LAB_STATE/tls/ca-key.pem" \
    -CAcreateserial -days 825 -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
  chmod 0600 "$dir/server-key.pem"
  echo "$ip" >"$dir/ip"
}

start_winguest_container() {
  local image_id running ip i
  image_id=$(docker image inspect -f '{{.Id}}' "$WINGUEST_IMAGE")
  running=$(docker inspect -f '{{.State.Running}} {{.Image}}' "$WINGUEST_CONTAINER" 2>/dev/null || true)
  if [ "$running" != "true $image_id" ]; then
    docker rm -f "$WINGUEST_CONTAINER" >/dev/null 2>&1 || true
    docker run -d --name "$WINGUEST_CONTAINER" --hostname win2022-pod --label "$POD_LAB_LABEL" \
      -e VMX_GUESTINFO_POD_PASSWORD="$POD_WINDOWS_PASSWORD" "$WINGUEST_IMAGE" >/dev/null
  fi
  ip=$(winguest_container_ip)
  [ -n "$ip" ] || { log "container $WINGUEST_CONTAINER has no IP address"; return 1; }
  issue_winguest_cert "$ip"
  if ! winguest_answers --cacert "$POD_LAB_STATE/tls/ca.pem" "https://$ip:5986/wsman"; then
    docker cp "$POD_LAB_STATE/windows-guest/tls/server-key.pem" "$WINGUEST_CONTAINER:/etc/pod-winrm/tls/server-key.pem"
    docker cp "$POD_LAB_STATE/windows-guest/tls/server.pem" "$WINGUEST_CONTAINER:/etc/pod-winrm/tls/server.pem"
  fi
  for i in $(seq 100); do
    winguest_answers --cacert "$POD_LAB_STATE/tls/ca.pem" "https://$ip:5986/wsman" && winguest_answers "http://$ip:5985/wsman" && return 0
    sleep 0.2
  done
  docker logs --tail 5 "$WINGUEST_CONTAINER" >&2
  return 1
}

up_windows_guest() {
  local log_file="$POD_LAB_STATE/logs/windows-guest-build.log"
  mkdir -p "$WINGUEST_DIR"
  {
    build_winguest_dist && build_winguest_image && install_pywinrm_venv && write_openssl_legacy_conf
  } >"$log_file" 2>&1 || { tail -20 "$log_file" >&2; return 1; }
  start_winguest_process
  start_winguest_container
}

stop_windows_guest() {
  stop_pid windows-guest pod-windows-guest
  rm -f "$POD_LAB_STATE/pids/windows-guest.recipe"
  if docker info >/dev/null 2>&1 && docker inspect "$WINGUEST_CONTAINER" >/dev/null 2>&1; then
    docker rm -f "$WINGUEST_CONTAINER" >/dev/null && log "removed $WINGUEST_CONTAINER"
  fi
}

status_windows_guest() {
  local state=down ip v
  running_pid windows-guest pod-windows-guest >/dev/null && winguest_answers "http://$POD_WINRM_HTTP_ADDR/wsman" && state=up
  status_line windows-guest "WinRM (host process)" "http://$POD_WINRM_HTTP_ADDR/wsman" "$state"
  state=down
  ip=$(winguest_container_ip || true)
  [ -n "$ip" ] && winguest_answers "http://$ip:5985/wsman" && state=up
  status_line windows-guest "$WINGUEST_IMAGE" "http://${ip:-?}:5985/wsman" "$state"
  v=$("$POD_CACHE/pywinrm-venv/bin/python" -c 'import winrm, importlib.metadata as m; print(m.version("pywinrm"))' 2>/dev/null) || v="-"
  status_line pywinrm "$v (venv), 0.3.0 (Debian)" "$POD_CACHE/pywinrm-venv" "$([ "$v" = - ] && echo down || echo up)"
}

# Lines for lab.env (90-env.sh).
windows_guest_env() {
  local ip
  ip=$(winguest_container_ip || true)
  cat <<ENV
POD_WINRM_HTTP=$POD_WINRM_HTTP_ADDR
POD_WINRM_HTTPS=$POD_WINRM_HTTPS_ADDR
POD_WINRM_CA_FILE=$POD_LAB_STATE/tls/ca.pem
POD_WINDOWS_USER=Administrator
POD_WINDOWS_PASSWORD=$POD_WINDOWS_PASSWORD
POD_WINDOWS_CONTAINER=$WINGUEST_CONTAINER
POD_WINDOWS_GUEST_LOG=$POD_LAB_STATE/logs/windows-guest.log
POD_WINDOWS_CONTAINER_IP=$ip
POD_PYWINRM03_PYTHON=/usr/bin/python3
POD_PYWINRM_VENV_PYTHON=$POD_CACHE/pywinrm-venv/bin/python
POD_OPENSSL_LEGACY_CONF=$POD_LAB_STATE/windows-guest/openssl-legacy.cnf
ENV
}
