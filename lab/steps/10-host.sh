# shellcheck shell=bash
# Host prerequisites: disk, ports, Debian packages, Node 22, npm dependencies.

preflight() {
  mkdir -p "$POD_CACHE"
  local free_kb
  free_kb=$(df -Pk "$POD_CACHE" | awk 'NR==2 { print $4 }')
  if [ "$free_kb" -lt $((4 * 1024 * 1024)) ]; then
    log "only $((free_kb / 1024)) MiB free under $POD_CACHE; the lab needs 4 GiB"
    return 1
  fi
  if port_in_use "$POD_VCSIM_ADDR" && ! running_pid vcsim pod-vcsim >/dev/null; then
    log "$POD_VCSIM_ADDR is taken by a program the lab did not start (set POD_VCSIM_ADDR to move the lab)"
    return 1
  fi
}

# Debian packages the lab runs; installed only when missing.
install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v ss >/dev/null || missing+=(iproute2)
  command -v curl >/dev/null || missing+=(curl)
  command -v jq >/dev/null || missing+=(jq) # the Vault step reads `vault … -format=json`
  command -v ssh-agent >/dev/null || missing+=(openssh-client) # the agent-auth tests start one
  command -v dot >/dev/null || missing+=(graphviz) # `make layers-graph` renders docs/layers.svg
  /usr/bin/python3 -c 'import winrm' 2>/dev/null || missing+=(python3-winrm)
  [ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
}

# @pulumi/pulumi needs Node >= 22; the machine may have an older one, so the
# lab takes Node from the npm registry's own `node` package (it carries the binary).
install_node() {
  local dir="$POD_CACHE/node"
  if [ "$("$dir/node_modules/node/bin/node" --version 2>/dev/null)" = "v$POD_NODE_VERSION" ]; then
    return 0
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error --prefix . "node@$POD_NODE_VERSION" >/dev/null)
  [ "$("$dir/node_modules/node/bin/node" --version)" = "v$POD_NODE_VERSION" ]
}

install_npm_deps() {
  local stamp="$REPO_DIR/node_modules/.pod-lock-hash" want
  want=$(hash_of "$REPO_DIR/package-lock.json")
  if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  (cd "$REPO_DIR" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}
