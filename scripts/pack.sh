#!/usr/bin/env bash
# make pack: a clean build of @pod-lab/provider and @pod-lab/pod (compiled JS and
# .d.ts) packed as npm tarballs into out/, the files a user installs (README,
# "Use pod in your own project"). Clean, so a deleted source leaves no stale .js.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf provider/dist sdk/dist provider/tsconfig.tsbuildinfo sdk/tsconfig.tsbuildinfo out
npx tsc -b provider sdk
mkdir -p out
npm pack --workspace provider --workspace sdk --pack-destination out --loglevel=error >/dev/null
for f in out/*.tgz; do
  printf '%s\t%s bytes\t%s files\n' "$f" "$(stat -c %s "$f")" "$(tar -tzf "$f" | wc -l)"
done
