#!/usr/bin/env bash
# Builds the provider plugin tarball out/pulumi-resource-pod-v<version>-linux-amd64.tar.gz:
# one esbuild bundle of provider/src/plugin/main.ts (the engine, grpc-js and the protobuf
# messages it uses; no node_modules to ship), schema.json beside it, and a launcher named
# as Pulumi looks for it. The launcher runs the `node` on PATH (the lab's Node 22 after
# `source lab/env.sh`), or $POD_PLUGIN_NODE when set.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p 'require("./package.json").version')
stage=out/plugin
tarball="out/pulumi-resource-pod-v${version}-linux-amd64.tar.gz"
rm -rf "$stage" && mkdir -p "$stage"
# ssh2's optional native addons are loaded with try/require; left out, ssh2 uses its JS crypto.
npx esbuild provider/src/plugin/main.ts --bundle --platform=node --target=node22 --format=cjs \
  --external:cpu-features --external:./crypto/build/Release/sshcrypto.node \
  --minify --keep-names --outfile="$stage/pulumi-resource-pod.js" --log-level=warning
cp schema.json "$stage/schema.json"
# Node's compile cache keeps the bundle's compiled code between starts (most of a cold start is
# parsing 3 MB of JavaScript); it lives beside the plugin in PULUMI_HOME, which is writable.
cat > "$stage/pulumi-resource-pod" <<'SH'
#!/bin/sh
here=$(dirname "$0")
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-$here/.compile-cache}"
exec "${POD_PLUGIN_NODE:-node}" "$here/pulumi-resource-pod.js" "$@"
SH
chmod +x "$stage/pulumi-resource-pod"
# WinRM Kerberos needs pod's GSS-API addon (provider/native/gss-iov, built by `make deps` against the
# machine's libkrb5); the bundle loads it from beside itself (kerberos/gss-native.ts). Without it the
# plugin still works, and a Kerberos target says how to get it (UNSUPPORTED).
addon=provider/native/gss-iov/build/Release/gss_iov.node
files=(pulumi-resource-pod pulumi-resource-pod.js schema.json)
if [ -f "$addon" ]; then cp "$addon" "$stage/gss_iov.node" && files+=(gss_iov.node); fi
tar -czf "$tarball" -C "$stage" "${files[@]}"
echo "$tarball"

# The generated Node SDK (sdk/plugin/nodejs) compiled and packed, as npm would publish it:
# out/pod-lab-pulumi-pod-<version>.tgz, which programs install (examples/ts-plugin-quickstart).
sdk_stage=out/plugin-sdk-nodejs
rm -rf "$sdk_stage" && mkdir -p "$sdk_stage"
npx tsc -p sdk/plugin/nodejs/tsconfig.json --outDir "$sdk_stage/bin"
cp sdk/plugin/nodejs/package.json sdk/plugin/nodejs/README.md "$sdk_stage/bin/"
(cd "$sdk_stage/bin" && npm pack --silent --pack-destination ../.. >/dev/null)
echo "out/pod-lab-pulumi-pod-${version}.tgz"
