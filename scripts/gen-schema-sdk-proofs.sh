#!/usr/bin/env bash
# Proves the plugin's Python and Go SDKs (sdk/plugin/python and sdk/plugin/go, generated from
# schema.json by scripts/gen-plugin-sdk.sh) without an engine, since the module proxy serves no
# Python or Go language host: the Python SDK is installed from its pyproject.toml into a venv with
# PyPI's `pulumi` (the CLI's version) and imported; the Go SDK is vetted and built against Pulumi's
# Go SDK (module proxy). Each then runs a small program on Pulumi's mocks (gen-schema-sdk-proofs/)
# and prints, as one JSON line per language, what every resource registered with.
# Usage: gen-schema-sdk-proofs.sh [python] [go]   (default both)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lab/env.sh
source lab/env.sh
repo=$PWD
proofs="$repo/scripts/gen-schema-sdk-proofs"
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(python go)
version="$POD_PULUMI_VERSION"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

python_proof() {
  local venv="$POD_CACHE/sdk-proof-venv" want
  # Debian's Python (python3-venv comes with lab step 10); one venv per Pulumi version, reused:
  # PyPI is asked only when the version changes.
  want="pulumi==$version $(/usr/bin/python3 --version)"
  if [ "$(cat "$venv/.pod-spec" 2>/dev/null)" != "$want" ]; then
    rm -rf "$venv"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "pulumi==$version" wheel >&2
    echo "$want" >"$venv/.pod-spec"
  fi
  cp -r sdk/plugin/python "$scratch/python"
  "$venv/bin/pip" uninstall -q -y --disable-pip-version-check pulumi_pod >&2 2>/dev/null || true
  "$venv/bin/pip" install -q --disable-pip-version-check --no-build-isolation "$scratch/python" >&2
  (
    cd "$scratch"
    "$venv/bin/python" -c "import pulumi_pod" >&2
    echo "python $("$venv/bin/python" "$proofs/proof.py")"
    echo "python-argv $("$venv/bin/python" "$proofs/proof.py" argv)"
  )
}

go_proof() {
  # The generator writes no go.mod: the SDK's module is rooted where its import path says.
  cp -r sdk/plugin/go "$scratch/go-sdk"
  printf 'module github.com/pod-lab/pulumi-pod/sdk/go\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 v%s\n' \
    "$version" >"$scratch/go-sdk/go.mod"
  mkdir "$scratch/go-proof"
  cp "$proofs/go/main.go" "$scratch/go-proof/"
  cat >"$scratch/go-proof/go.mod" <<MOD
module pod.local/sdk-proof-go

go 1.25

require (
	github.com/pod-lab/pulumi-pod/sdk/go v0.0.0
	github.com/pulumi/pulumi/sdk/v3 v$version
)

replace github.com/pod-lab/pulumi-pod/sdk/go => ../go-sdk
MOD
  (
    cd "$scratch/go-proof"
    GOFLAGS=-mod=mod go mod tidy >&2
    go vet ./... github.com/pod-lab/pulumi-pod/sdk/go/pod/... >&2
    go build -o sdk-proof-go .
    echo "go $(./sdk-proof-go)"
  )
}

for lang in "${langs[@]}"; do
  case "$lang" in
    python) python_proof ;;
    go) go_proof ;;
    *) echo "unknown language $lang: python or go" >&2; exit 2 ;;
  esac
done
