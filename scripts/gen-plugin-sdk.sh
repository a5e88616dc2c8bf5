#!/usr/bin/env bash
# Generates the plugin's SDKs from schema.json with Pulumi's own generators
# (scripts/gen-plugin-sdk/, the codegen library at the lab CLI's version):
#   sdk/plugin/nodejs  npm @pod-lab/pulumi-pod
#   sdk/plugin/python  pulumi_pod
#   sdk/plugin/go      github.com/pod-lab/pulumi-pod/sdk/go/pod
# Usage: gen-plugin-sdk.sh [--check] [language...]   (default: nodejs python go)
# --check regenerates into a scratch folder and fails when sdk/plugin differs (make lint).
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(nodejs python go)

# The generator is a Go program, built once per source change (cached like the lab's tools).
src=scripts/gen-plugin-sdk
cache="${POD_CACHE:-$HOME/.cache/pod-lab}/bin"
hash=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" <(go version) | sha256sum | cut -c1-16)
gen="$cache/pod-gen-plugin-sdk-$hash"
if ! [ -x "$gen" ]; then
  mkdir -p "$cache"
  (cd "$src" && go build -trimpath -o "$gen.tmp" . && mv "$gen.tmp" "$gen")
fi

version=$(node -p 'require("./package.json").version')
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$gen" schema.json "$scratch" "${langs[@]}"
# The generators leave the package version to the release step; pod's is package.json's.
for f in "$scratch"/nodejs/package.json "$scratch"/python/setup.py; do
  [ -f "$f" ] && sed -i "s/\${VERSION}/$version/g; s/0\.0\.0/$version/g" "$f"
done

status=0
for lang in "${langs[@]}"; do
  if [ "$check" = 1 ]; then
    if ! diff -r "$scratch/$lang" "sdk/plugin/$lang" >/dev/null 2>&1; then
      echo "sdk/plugin/$lang is stale: run scripts/gen-plugin-sdk.sh (make plugin-sdk)" >&2
      status=1
    fi
  else
    rm -rf "sdk/plugin/$lang" && mkdir -p sdk/plugin && cp -r "$scratch/$lang" "sdk/plugin/$lang"
  fi
done
exit $status
