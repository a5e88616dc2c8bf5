#!/usr/bin/env bash
# The pod lab: real components on this machine, from the project's own files.
#   lab.sh up      install, build (cached) and start everything; idempotent
#   lab.sh status  one line per component: name, version, endpoint, up/down
#   lab.sh down    stop what the lab started (recorded pids, labelled containers)
# Each step prints its duration; a failing step names itself and the fix, and
# leaves nothing that the next `lab.sh up` cannot recover from.
set -euo pipefail
LAB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$LAB_DIR")"
# shellcheck source=lab/env.sh
source "$LAB_DIR/env.sh"
# shellcheck source=lab/lib.sh
source "$LAB_DIR/lib.sh"
for f in "$LAB_DIR"/steps/*.sh; do
  # shellcheck source=/dev/null
  source "$f"
done

lab_up() {
  mkdir -p "$POD_CACHE/bin" "$POD_LAB_STATE/pids" "$POD_LAB_STATE/logs" "$POD_LAB_STATE/env.d"
  step preflight "free disk space under $POD_CACHE, or stop what holds the lab's ports" preflight
  step packages "check that apt-get can reach Debian's packages (apt-get update)" install_packages
  step node "check that npm can reach the npm registry" install_node
  step npm-deps "run 'npm ci' by hand to see the error" install_npm_deps
  step docker "see $POD_LAB_STATE/logs/dockerd.log" start_docker
  step images "see $POD_LAB_STATE/logs/images.log; a partial rootfs is rebuilt on the next run" build_images
  step tls "check that openssl is installed" make_tls
  step vcsim-build "see $POD_LAB_STATE/logs/vcsim-build.log (Go module proxy reachable?)" build_vcsim
  step vcsim "see $POD_LAB_STATE/logs/vcsim.log; is $POD_VCSIM_ADDR taken by another program?" start_vcsim
  step pulumi-build "see $POD_LAB_STATE/logs/pulumi-build.log (Go module proxy reachable?)" build_pulumi
  step pulumi-yaml-build "see $POD_LAB_STATE/logs/pulumi-yaml-build.log (Go module proxy reachable?)" build_pulumi_yaml
  step postgres "see $POD_CACHE/postgres/log/postgres.log and $POD_LAB_STATE/logs/postgres-initdb.log; is $POD_POSTGRES_ADDR taken?" start_postgres
  step vault-build "see $POD_LAB_STATE/logs/vault-build.log (Go module proxy reachable?)" build_vault
  step vault "see $POD_LAB_STATE/logs/vault.log; is $POD_VAULT_ADDR taken by another program?" start_vault
  step windows-guest "see $POD_LAB_STATE/logs/windows-guest-build.log and windows-guest.log; is $POD_WINRM_HTTP_ADDR taken?" up_windows_guest
  step kdc "see $POD_LAB_STATE/logs/kdc-build.log and kdc.log; is $POD_KDC_ADDR taken?" start_kdc
  step env-file "check that $POD_LAB_STATE is writable" write_env_file
  log "lab is up in $(elapsed_since "$LAB_T0")s; environment for tests: $POD_LAB_STATE/lab.env"
}

lab_status() {
  status_docker
  status_images
  status_vcsim
  status_pulumi
  status_pulumi_yaml
  status_postgres
  status_windows_guest
  status_kdc
  status_vault
}

lab_down() {
  stop_vcsim
  stop_windows_guest
  stop_kdc
  stop_postgres
  stop_vault
  remove_lab_containers
  stop_docker
  rm -f "$POD_LAB_STATE/lab.env"
  log "lab is down"
}

LAB_T0=$(now)
case "${1:-up}" in
  up) lab_up ;;
  bench-tools) step bench-tools "see $POD_LAB_STATE/logs/govc-build.log" install_bench_tools ;;
  up-deps)
    step node "check that npm can reach the npm registry" install_node
    step npm-deps "run 'npm ci' by hand to see the error" install_npm_deps
    ;;
  status) lab_status ;;
  down) lab_down ;;
  env) cat "$POD_LAB_STATE/lab.env" ;;
  # One step function on its own, e.g. `lab.sh only start_vault`, to bring up a
  # component without touching the ones already running.
  only)
    mkdir -p "$POD_CACHE/bin" "$POD_LAB_STATE/pids" "$POD_LAB_STATE/logs" "$POD_LAB_STATE/env.d"
    step "${2:?usage: lab.sh only <step-function>}" "see $POD_LAB_STATE/logs" "$2"
    ;;
  *) echo "usage: lab.sh up|up-deps|bench-tools|status|down|env|only <step-function>" >&2; exit 2 ;;
esac
