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
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) # shared Pulumi state (64-postgres.sh)
  /usr/bin/python3 -c 'import winrm' 2>/dev/null || missing+=(python3-winrm)
  # MIT Kerberos: the KDC (67-kdc.sh), kinit, and the headers the `kerberos` npm addon compiles against.
  command -v krb5kdc >/dev/null || missing+=(krb5-kdc)
  command -v kadmin.local >/dev/null || missing+=(krb5-admin-server)
  command -v kinit >/dev/null || missing+=(krb5-user)
  command -v krb5-config >/dev/null || missing+=(libkrb5-dev)
  command -v g++ >/dev/null || missing+=(g++ make)
  /usr/bin/python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv) # make sdk-proofs' venv
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
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$REPO_DIR" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
  kerberos_addon_built || build_kerberos_addon
}

# Native addons for WinRM Kerberos, compiled here because nothing else can be:
#  - the `kerberos` package (N-API) has an install script that npm 11 skips, and
#    its fallbacks would download a prebuilt binary or Node's headers, which this
#    network refuses;
#  - pod's own provider/native/gss-iov (GSS wrap/unwrap the package lacks, see
#    docs/credentials.md).
# Both with the node-gyp the lock pins, against Debian's libkrb5-dev and the machine's
# Node headers in /usr/include/node (N-API is ABI-stable: built with Node 20's headers,
# they load in the lab's Node 22).
NATIVE_ADDONS=(node_modules/kerberos:build/Release/kerberos.node provider/native/gss-iov:build/Release/gss_iov.node)

# Keyed by the sources, not only the binary's presence: an existing checkout whose gss_iov.c changed
# (a new export, channel bindings) must not keep loading the old build.
addon_source_hash() {
  (cd "$1" && cat binding.gyp ./*.c 2>/dev/null | sha256sum | cut -c1-16)
}

kerberos_addon_built() {
  local entry dir
  for entry in "${NATIVE_ADDONS[@]}"; do
    dir="$REPO_DIR/${entry%%:*}"
    [ -d "$dir" ] || continue
    [ -f "$dir/${entry#*:}" ] || return 1
    [ "$(cat "$dir/build/pod-source.hash" 2>/dev/null)" = "$(addon_source_hash "$dir")" ] || return 1
  done
}

build_kerberos_addon() {
  local entry dir missing=()
  # `make lint` (up-deps) runs before the packages step on a brand-new machine: install what the build needs.
  command -v krb5-config >/dev/null || missing+=(libkrb5-dev)
  command -v g++ >/dev/null || missing+=(g++)
  command -v make >/dev/null || missing+=(make)
  [ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
  mkdir -p "$POD_LAB_STATE/logs"
  [ -f /usr/include/node/node_api.h ] || { log "no Node headers in /usr/include/node (Debian: apt-get install nodejs or libnode-dev)"; return 1; }
  for entry in "${NATIVE_ADDONS[@]}"; do
    dir="$REPO_DIR/${entry%%:*}"
    [ -d "$dir" ] || continue
    [ ! -f "$dir/${entry#*:}" ] || [ "$(cat "$dir/build/pod-source.hash" 2>/dev/null)" != "$(addon_source_hash "$dir")" ] || continue
    (cd "$dir" && "$REPO_DIR/node_modules/.bin/node-gyp" rebuild --nodedir=/usr) \
      >"$POD_LAB_STATE/logs/native-addons.log" 2>&1 || { tail -20 "$POD_LAB_STATE/logs/native-addons.log" >&2; return 1; }
    addon_source_hash "$dir" >"$dir/build/pod-source.hash"
  done
  (cd "$REPO_DIR" && node -e 'require("kerberos"); require("./provider/native/gss-iov/build/Release/gss_iov.node")')
}
