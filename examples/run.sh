#!/usr/bin/env bash
# Runs a Pulumi command on an example against the lab:
#   examples/run.sh <example> up|preview|refresh|destroy|output [pulumi args…]
# Builds pod, installs the example's dependencies, selects (or creates) the
# stack and writes the lab's vSphere settings into its config.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lab/env.sh
source "$REPO_DIR/lab/env.sh"
example="${1:?usage: examples/run.sh <example> <command> [args…]}"
command="${2:-up}"
shift 2 || shift $#
dir="$REPO_DIR/examples/$example"
[ -f "$dir/Pulumi.yaml" ] || { echo "no example called $example" >&2; exit 2; }
stack="${POD_STACK:-dev}"

(cd "$REPO_DIR" && npx tsc -b provider sdk)
# Reinstall when pod's build or the example's manifest changed (install-links copies pod in).
stamp="$dir/node_modules/.pod-build-hash"
want=$(cat "$dir/package.json" "$REPO_DIR"/provider/tsconfig.tsbuildinfo "$REPO_DIR"/sdk/tsconfig.tsbuildinfo | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  # npm keeps an installed copy whose version did not change: drop pod's first.
  rm -rf "$dir/node_modules/@pod-lab"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" >"$stamp"
fi

cd "$dir"
set -a; source "$POD_LAB_STATE/lab.env"; set +a
# Another state backend than the lab's file one (e.g. the lab's PostgreSQL: POD_POSTGRES_BACKEND_URL).
[ -z "${POD_PULUMI_BACKEND_URL:-}" ] || export PULUMI_BACKEND_URL="$POD_PULUMI_BACKEND_URL"
pulumi stack select --create "$stack" --non-interactive >/dev/null
pulumi config set pod:vsphereHost "$POD_VSPHERE_HOST" >/dev/null
pulumi config set pod:vsphereUser "$POD_VSPHERE_USER" >/dev/null
pulumi config set pod:vsphereCaFile "$POD_VSPHERE_CA_FILE" >/dev/null
pulumi config set --secret pod:vspherePassword "$POD_VCSIM_PASSWORD" >/dev/null
# Every change the resources make, one JSON line each, correlated by URN (docs: README, Audit log).
mkdir -p "$POD_LAB_STATE/audit"
pulumi config set pod:auditLog "$POD_LAB_STATE/audit/$example-$stack.jsonl" >/dev/null

case "$command" in
  up) pulumi up --yes --non-interactive --skip-preview "$@" && pulumi stack output --json ;;
  preview) pulumi preview --non-interactive "$@" ;;
  refresh) pulumi refresh --yes --non-interactive --skip-preview "$@" ;;
  destroy) pulumi destroy --yes --non-interactive --skip-preview "$@" ;;
  output) pulumi stack output --json "$@" ;;
  *) pulumi "$command" "$@" ;;
esac
