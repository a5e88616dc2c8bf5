# shellcheck shell=bash
# HashiCorp Vault, built from the Go module proxy by the wrapper module in
# lab/tools/vault (upstream's go.mod replaces vault/api and vault/sdk with
# in-tree folders the module download lacks; the wrapper pins the published
# ones of the same release line). A server with file storage on loopback,
# TLS from the lab's CA; the step initialises it once (one key share),
# unseals it on every start and mounts what pod's tests use: KV v2 at kv/,
# AppRole, and the SSH secrets engine at ssh/ as a user certificate CA.

VAULT_SRC="$LAB_DIR/tools/vault"
POD_VAULT_ADDR="${POD_VAULT_ADDR:-127.0.0.1:18200}"
VAULT_DIR="$POD_LAB_STATE/vault"

build_vault() {
  local want stamp="$POD_CACHE/bin/vault.hash"
  want=$(hash_of "$VAULT_SRC/go.mod" "$VAULT_SRC/go.sum" "$VAULT_SRC/tools.go" <(go version))
  [ -x "$POD_CACHE/bin/vault" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  # Only the server's main package: building every package of the module
  # (or `go mod tidy`) drags in test-only imports whose versions clash.
  (cd "$VAULT_SRC" && go build -trimpath -ldflags "-s -w" -o "$POD_CACHE/bin/vault" github.com/hashicorp/vault) \
    >"$POD_LAB_STATE/logs/vault-build.log" 2>&1
  echo "$want" >"$stamp"
}

# The vault CLI against the lab's server, as its root (the step's own token).
lab_vault() {
  VAULT_ADDR="https://$POD_VAULT_ADDR" VAULT_CACERT="$POD_LAB_STATE/tls/ca.pem" \
    VAULT_TOKEN="$(cat "$VAULT_DIR/root-token" 2>/dev/null)" "$POD_CACHE/bin/vault" "$@"
}

vault_answers() {
  curl -sf --cacert "$POD_LAB_STATE/tls/ca.pem" "https://$POD_VAULT_ADDR/v1/sys/health?sealedcode=200&uninitcode=200" >/dev/null
}

start_vault() {
  mkdir -p "$VAULT_DIR/data" && chmod 0700 "$VAULT_DIR"
  if ! { running_pid vault "bin/vault" >/dev/null && vault_answers; }; then
    stop_vault
    cat >"$VAULT_DIR/server.hcl" <<HCL
storage "file" { path = "$VAULT_DIR/data" }
listener "tcp" {
  address       = "$POD_VAULT_ADDR"
  tls_cert_file = "$POD_LAB_STATE/tls/server.pem"
  tls_key_file  = "$POD_LAB_STATE/tls/server-key.pem"
}
api_addr      = "https://$POD_VAULT_ADDR"
disable_mlock = true
ui            = false
HCL
    local log_file="$POD_LAB_STATE/logs/vault.log"
    setsid "$POD_CACHE/bin/vault" server -config="$VAULT_DIR/server.hcl" >"$log_file" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$(pidfile vault)"
    wait_for_log "$pid" "$log_file" "Vault server started" 150 0.2
  fi
  init_vault
  configure_vault
  write_vault_env
}

# Once per data directory: one unseal key, kept beside the root token (0600,
# lab only). Every start unseals with it.
init_vault() {
  if ! [ -s "$VAULT_DIR/unseal-key" ]; then
    lab_vault operator init -key-shares=1 -key-threshold=1 -format=json >"$VAULT_DIR/init.json"
    chmod 0600 "$VAULT_DIR/init.json"
    jq -r '.unseal_keys_b64[0]' "$VAULT_DIR/init.json" >"$VAULT_DIR/unseal-key"
    jq -r '.root_token' "$VAULT_DIR/init.json" >"$VAULT_DIR/root-token"
    chmod 0600 "$VAULT_DIR/unseal-key" "$VAULT_DIR/root-token"
  fi
  # `vault status` exits 2 while sealed: read its JSON, not its exit code.
  local status
  status=$(lab_vault status -format=json 2>/dev/null || true)
  if jq -e '.sealed' <<<"$status" >/dev/null; then
    lab_vault operator unseal "$(cat "$VAULT_DIR/unseal-key")" >/dev/null
  fi
  local i
  for i in $(seq 50); do
    lab_vault status >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

# Idempotent: each mount is made only when missing.
configure_vault() {
  local mounts auths
  mounts=$(lab_vault secrets list -format=json)
  auths=$(lab_vault auth list -format=json)
  jq -e '."kv/"' <<<"$mounts" >/dev/null || lab_vault secrets enable -path=kv -version=2 kv >/dev/null
  jq -e '."ssh/"' <<<"$mounts" >/dev/null || lab_vault secrets enable -path=ssh ssh >/dev/null
  jq -e '."approle/"' <<<"$auths" >/dev/null || lab_vault auth enable approle >/dev/null
  # The SSH engine as a user-certificate CA (ed25519); its public key is what
  # guests list in TrustedUserCAKeys.
  lab_vault read -field=public_key ssh/config/ca >"$VAULT_DIR/ssh-user-ca.pub" 2>/dev/null ||
    lab_vault write -field=public_key ssh/config/ca generate_signing_key=true key_type=ed25519 >"$VAULT_DIR/ssh-user-ca.pub"
}

write_vault_env() {
  cat >"$POD_LAB_STATE/env.d/vault.env" <<ENV
VAULT_ADDR=https://$POD_VAULT_ADDR
VAULT_CACERT=$POD_LAB_STATE/tls/ca.pem
POD_VAULT_ROOT_TOKEN_FILE=$VAULT_DIR/root-token
POD_VAULT_SSH_CA_PUBLIC_KEY=$VAULT_DIR/ssh-user-ca.pub
ENV
}

stop_vault() { stop_pid vault "bin/vault"; }

status_vault() {
  local state=down v="-"
  [ -x "$POD_CACHE/bin/vault" ] && v=$("$POD_CACHE/bin/vault" version 2>/dev/null | awk '{print $1" "$2}' | tr -d ,)
  running_pid vault "bin/vault" >/dev/null && vault_answers &&
    lab_vault status -format=json 2>/dev/null | jq -e '.sealed == false' >/dev/null && state=up
  status_line vault "${v:--}" "https://$POD_VAULT_ADDR" "$state"
}
