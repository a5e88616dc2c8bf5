# shellcheck shell=bash
# PostgreSQL for shared Pulumi state: Debian's server binaries, a cluster of the
# lab's own (data directory under $POD_CACHE, not Debian's /var/lib/postgresql
# cluster), listening on 127.0.0.1 only, password auth (scram-sha-256) for every
# connection, and one database the Pulumi DIY backend keeps its stacks in
# (`pulumi login postgres://…`). The passwords are lab-only.

POD_POSTGRES_ADDR="${POD_POSTGRES_ADDR:-127.0.0.1:15432}"
POD_POSTGRES_USER="pod"
POD_POSTGRES_PASSWORD="${POD_POSTGRES_PASSWORD:-pod-lab-Postgres-3b9e}"
POD_POSTGRES_DB="pulumi_state"
PG_ROOT="$POD_CACHE/postgres"
PG_DATA="$PG_ROOT/data"

# The newest server Debian installed (postgresql depends on postgresql-NN).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# Runs a command as the postgres OS user (the server refuses root). $POD_CACHE
# may lie under a home directory that user cannot enter (root's is 0700): then
# the process alone gets CAP_DAC_READ_SEARCH, instead of loosening the host's
# directory modes.
as_postgres() {
  if runuser -u postgres -- test -x "$PG_ROOT" 2>/dev/null; then
    runuser -u postgres -- "$@"
  else
    setpriv --reuid=postgres --regid=postgres --init-groups \
      --inh-caps=+dac_read_search --ambient-caps=+dac_read_search -- "$@"
  fi
}

pg_url() {
  echo "postgres://$POD_POSTGRES_USER:$POD_POSTGRES_PASSWORD@$POD_POSTGRES_ADDR/$POD_POSTGRES_DB?sslmode=disable"
}

# psql as the cluster's superuser over TCP with its password (no trust, no peer auth).
pg_admin_psql() {
  PGPASSWORD="$(cat "$PG_ROOT/admin.pw")" psql -X -q -v ON_ERROR_STOP=1 -h "${POD_POSTGRES_ADDR%:*}" \
    -p "${POD_POSTGRES_ADDR##*:}" -U postgres "$@"
}

# The cluster, made once and kept (it holds stacks); remade when its recipe changes.
init_postgres() {
  local bin want stamp="$PG_ROOT/recipe.hash"
  bin=$(pg_bin)
  [ -n "$bin" ] || { log "PostgreSQL is not installed (apt-get install postgresql)"; return 1; }
  want=$(hash_of <(echo "$bin $POD_POSTGRES_ADDR $POD_POSTGRES_USER $POD_POSTGRES_DB v1"))
  [ -f "$PG_DATA/PG_VERSION" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
  stop_postgres
  rm -rf "$PG_DATA" && mkdir -p "$PG_DATA" "$PG_ROOT/run" "$PG_ROOT/log" || return 1
  # The superuser's password: random, readable by root only (initdb reads a copy as postgres).
  (umask 077 && openssl rand -hex 16 >"$PG_ROOT/admin.pw")
  install -m 0600 -o postgres /dev/null "$PG_ROOT/admin.pw.initdb"
  cat "$PG_ROOT/admin.pw" >"$PG_ROOT/admin.pw.initdb"
  chown postgres:postgres "$PG_DATA" "$PG_ROOT/run" "$PG_ROOT/log" && chmod 0700 "$PG_DATA" || return 1
  as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --pwfile="$PG_ROOT/admin.pw.initdb" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$POD_LAB_STATE/logs/postgres-initdb.log" 2>&1 || return 1
  rm -f "$PG_ROOT/admin.pw.initdb"
  # Loopback TCP only, scram for everyone; the socket lives in the lab's own run directory.
  cat >"$PG_DATA/pg_hba.conf" <<'HBA'
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
HBA
  [ $? -eq 0 ] && echo "$want" >"$stamp"
}

# Errors are checked one by one: lab.sh runs a step inside `if`, where set -e is off.
start_postgres() {
  init_postgres || return 1
  # The server writes its log as the postgres user, so it lives beside the cluster.
  local bin log_file="$PG_ROOT/log/postgres.log"
  bin=$(pg_bin)
  if ! postgres_answers >/dev/null; then
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$log_file" -w -t 60 start -o \
      "-c listen_addresses=${POD_POSTGRES_ADDR%:*} -p ${POD_POSTGRES_ADDR##*:} -c unix_socket_directories=$PG_ROOT/run -c password_encryption=scram-sha-256 -c max_connections=200" \
      >/dev/null || return 1
  fi
  # The state database and its owner (not a superuser), made when missing.
  pg_admin_psql -d postgres <<SQL
SELECT 'CREATE ROLE $POD_POSTGRES_USER LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$POD_POSTGRES_USER') \gexec
ALTER ROLE $POD_POSTGRES_USER PASSWORD '$POD_POSTGRES_PASSWORD';
SELECT 'CREATE DATABASE $POD_POSTGRES_DB OWNER $POD_POSTGRES_USER' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$POD_POSTGRES_DB') \gexec
SQL
  [ $? -eq 0 ] || return 1
  # For tests and `pod env`: the backend URL, not PULUMI_BACKEND_URL (the lab's default stays the file backend).
  cat >"$POD_LAB_STATE/env.d/postgres.env" <<ENV
POD_POSTGRES_ADDR=$POD_POSTGRES_ADDR
POD_POSTGRES_USER=$POD_POSTGRES_USER
POD_POSTGRES_PASSWORD=$POD_POSTGRES_PASSWORD
POD_POSTGRES_DB=$POD_POSTGRES_DB
POD_POSTGRES_BACKEND_URL=$(pg_url)
ENV
  postgres_answers >/dev/null
}

postgres_answers() {
  PGPASSWORD="$POD_POSTGRES_PASSWORD" psql -X -h "${POD_POSTGRES_ADDR%:*}" -p "${POD_POSTGRES_ADDR##*:}" \
    -U "$POD_POSTGRES_USER" -d "$POD_POSTGRES_DB" -tAc 'show server_version' 2>/dev/null
}

stop_postgres() {
  local bin
  bin=$(pg_bin)
  [ -n "$bin" ] && [ -f "$PG_DATA/postmaster.pid" ] || return 0
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -f "$POD_LAB_STATE/env.d/postgres.env"
}

status_postgres() {
  local v state=down
  v=$(postgres_answers) && state=up && v="PostgreSQL ${v%% *}"
  status_line postgres "${v:--}" "postgres://$POD_POSTGRES_ADDR/$POD_POSTGRES_DB" "$state"
}
