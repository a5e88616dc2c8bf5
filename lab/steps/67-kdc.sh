# shellcheck shell=bash
# The lab's Kerberos realm POD.LAB: MIT Kerberos from Debian (krb5kdc), on
# 127.0.0.1 only, with its own configuration and database under
# $POD_CACHE/kdc. Everything here reads KRB5_CONFIG / KRB5_KDC_PROFILE, never
# the machine's /etc/krb5.conf. No kadmind: principals are made with
# kadmin.local straight in the database.
#   user     pod-user@POD.LAB           (password below; also a keytab)
#   service  HTTP/win2022-lab.pod.lab@POD.LAB  (keytab for the Windows guest's acceptor)
# The database is a cache keyed by this recipe; a restart reuses it.

POD_KDC_ADDR="${POD_KDC_ADDR:-127.0.0.1:18888}"
POD_KDC_REALM="POD.LAB"
POD_KDC_USER="pod-user"
# A fixed, lab-only password; tests use it to prove it never leaks.
POD_KDC_USER_PASSWORD="${POD_KDC_USER_PASSWORD:-pod-Lab-Krb5-4c9a}"
POD_KDC_SERVICE_HOST="win2022-lab.pod.lab"
KDC_DIR="$POD_CACHE/kdc"
# pywinrm's Kerberos transport (its vendored requests-kerberos) needs pykerberos, a small C
# extension built here against libkrb5-dev; a venv of its own, so the shared pywinrm venv stays as it is.
POD_PYWINRM_KERBEROS_SPEC="pywinrm==0.5.0 pykerberos==1.2.4"

kdc_recipe_hash() {
  hash_of "$LAB_DIR/steps/67-kdc.sh" <(echo "$POD_KDC_ADDR $POD_KDC_USER_PASSWORD"; krb5-config --version 2>/dev/null)
}

install_kdc_packages() {
  local missing=()
  command -v krb5kdc >/dev/null || missing+=(krb5-kdc)
  command -v kadmin.local >/dev/null || missing+=(krb5-admin-server)
  command -v kinit >/dev/null || missing+=(krb5-user)
  command -v krb5-config >/dev/null || missing+=(libkrb5-dev)
  [ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
}

# krb5.conf for clients (pod, kinit, pywinrm): the realm on loopback, no DNS games.
write_krb5_conf() {
  cat >"$KDC_DIR/krb5.conf" <<CONF
[libdefaults]
  default_realm = $POD_KDC_REALM
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-cts-hmac-sha1-96
[realms]
  $POD_KDC_REALM = {
    kdc = $POD_KDC_ADDR
  }
[domain_realm]
  .pod.lab = $POD_KDC_REALM
  pod.lab = $POD_KDC_REALM
CONF
  cat >"$KDC_DIR/kdc.conf" <<CONF
[kdcdefaults]
  kdc_listen = $POD_KDC_ADDR
  kdc_tcp_listen = $POD_KDC_ADDR
[realms]
  $POD_KDC_REALM = {
    database_name = $KDC_DIR/db/principal
    key_stash_file = $KDC_DIR/db/stash
    acl_file = $KDC_DIR/kadm5.acl
    max_life = 10h
    max_renewable_life = 1d
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
[logging]
  kdc = FILE:$POD_LAB_STATE/logs/kdc.log
CONF
  : >"$KDC_DIR/kadm5.acl"
}

kdc_env() { env KRB5_CONFIG="$KDC_DIR/krb5.conf" KRB5_KDC_PROFILE="$KDC_DIR/kdc.conf" "$@"; }

# The realm's database, principals and keytabs (cached by recipe).
build_kdc() {
  local want stamp="$KDC_DIR/recipe.hash"
  install_kdc_packages
  want=$(kdc_recipe_hash)
  [ -f "$KDC_DIR/db/principal" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  stop_kdc
  rm -rf "$KDC_DIR" && mkdir -p "$KDC_DIR/db" "$POD_LAB_STATE/logs"
  chmod 0700 "$KDC_DIR"
  write_krb5_conf
  {
    # The master key is random and read from stdin: the stash file holds it, nobody types it.
    local master
    master=$(head -c 24 /dev/urandom | base64)
    printf '%s\n%s\n' "$master" "$master" | kdc_env kdb5_util create -s -r "$POD_KDC_REALM"
    # kadmin.local reads the password from stdin when -pw is absent: it never shows in argv.
    printf '%s\n%s\n' "$POD_KDC_USER_PASSWORD" "$POD_KDC_USER_PASSWORD" |
      kdc_env kadmin.local -r "$POD_KDC_REALM" -q "addprinc +requires_preauth $POD_KDC_USER"
    kdc_env kadmin.local -r "$POD_KDC_REALM" -q "addprinc -randkey HTTP/$POD_KDC_SERVICE_HOST"
    kdc_env kadmin.local -r "$POD_KDC_REALM" -q "ktadd -k $KDC_DIR/http.keytab HTTP/$POD_KDC_SERVICE_HOST"
    kdc_env kadmin.local -r "$POD_KDC_REALM" -q "ktadd -norandkey -k $KDC_DIR/user.keytab $POD_KDC_USER"
  } >"$POD_LAB_STATE/logs/kdc-build.log" 2>&1 || { tail -5 "$POD_LAB_STATE/logs/kdc-build.log" >&2; return 1; }
  chmod 0600 "$KDC_DIR"/*.keytab
  echo "$want" >"$stamp"
}

kdc_answers() {
  local ccache
  ccache=$(mktemp)
  KRB5CCNAME="FILE:$ccache" kdc_env kinit -k -t "$KDC_DIR/user.keytab" "$POD_KDC_USER@$POD_KDC_REALM" >/dev/null 2>&1
  local rc=$?
  rm -f "$ccache"
  return $rc
}

install_pywinrm_kerberos_venv() {
  local venv="$POD_CACHE/pywinrm-krb-venv"
  [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.pod-spec" 2>/dev/null)" = "$POD_PYWINRM_KERBEROS_SPEC" ] && return 0
  rm -rf "$venv"
  {
    /usr/bin/python3 -m venv "$venv"
    # shellcheck disable=SC2086
    "$venv/bin/pip" install -q --disable-pip-version-check $POD_PYWINRM_KERBEROS_SPEC
  } >"$POD_LAB_STATE/logs/pywinrm-krb-venv.log" 2>&1 || { tail -5 "$POD_LAB_STATE/logs/pywinrm-krb-venv.log" >&2; return 1; }
  echo "$POD_PYWINRM_KERBEROS_SPEC" >"$venv/.pod-spec"
}

start_kdc() {
  build_kdc
  install_pywinrm_kerberos_venv
  local log_file="$POD_LAB_STATE/logs/kdc.log" recipe pid
  recipe=$(cat "$KDC_DIR/recipe.hash")
  if running_pid kdc krb5kdc >/dev/null && [ "$(cat "$POD_LAB_STATE/pids/kdc.recipe" 2>/dev/null)" = "$recipe" ] && kdc_answers; then
    write_kdc_env
    return 0
  fi
  stop_kdc
  if port_in_use "$POD_KDC_ADDR"; then
    log "$POD_KDC_ADDR is taken by a program the lab did not start (set POD_KDC_ADDR)"
    return 1
  fi
  : >"$log_file"
  KRB5_CONFIG="$KDC_DIR/krb5.conf" KRB5_KDC_PROFILE="$KDC_DIR/kdc.conf" \
    setsid krb5kdc -n -r "$POD_KDC_REALM" >>"$log_file" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$(pidfile kdc)"
  echo "$recipe" >"$POD_LAB_STATE/pids/kdc.recipe"
  wait_for_log "$pid" "$log_file" "commencing operation" 100 0.1
  kdc_answers || { log "the KDC at $POD_KDC_ADDR started but refuses the lab user's keytab"; return 1; }
  write_kdc_env
}

# Settings for tests: env.d/kdc.env (lab.env appends it).
write_kdc_env() {
  mkdir -p "$POD_LAB_STATE/env.d"
  cat >"$POD_LAB_STATE/env.d/kdc.env" <<ENV
POD_PYWINRM_KERBEROS_PYTHON=$POD_CACHE/pywinrm-krb-venv/bin/python
POD_KDC_ADDR=$POD_KDC_ADDR
POD_KDC_REALM=$POD_KDC_REALM
POD_KDC_KRB5_CONFIG=$KDC_DIR/krb5.conf
POD_KDC_USER=$POD_KDC_USER@$POD_KDC_REALM
POD_KDC_USER_PASSWORD=$POD_KDC_USER_PASSWORD
POD_KDC_USER_KEYTAB=$KDC_DIR/user.keytab
POD_KDC_HTTP_KEYTAB=$KDC_DIR/http.keytab
POD_KDC_SERVICE_HOST=$POD_KDC_SERVICE_HOST
POD_KDC_LOG=$POD_LAB_STATE/logs/kdc.log
ENV
}

stop_kdc() {
  stop_pid kdc krb5kdc
  rm -f "$POD_LAB_STATE/pids/kdc.recipe" "$POD_LAB_STATE/env.d/kdc.env"
}

status_kdc() {
  local v state=down
  v=$(krb5-config --version 2>/dev/null | sed 's/^Kerberos 5 release /MIT krb5 /') || v="-"
  running_pid kdc krb5kdc >/dev/null && kdc_answers && state=up
  status_line kdc "${v:--} ($POD_KDC_REALM)" "tcp/$POD_KDC_ADDR" "$state"
  v=$("$POD_CACHE/pywinrm-krb-venv/bin/python" -c 'import kerberos, importlib.metadata as m; print(m.version("pykerberos"))' 2>/dev/null) || v="-"
  status_line pykerberos "$v (pywinrm Kerberos)" "$POD_CACHE/pywinrm-krb-venv" "$([ "$v" = - ] && echo down || echo up)"
}
