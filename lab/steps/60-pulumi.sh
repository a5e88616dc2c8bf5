# shellcheck shell=bash
# Pulumi CLI and the Node.js language host, built from the Go module proxy by
# the wrapper module in lab/tools/pulumi (`go install` is refused upstream
# because of replace directives). State lives in a local file backend.

PULUMI_SRC="$LAB_DIR/tools/pulumi"

build_pulumi() {
  local want stamp="$POD_CACHE/bin/pulumi.hash" ldflags
  want=$(cd "$PULUMI_SRC" && hash_of go.mod go.sum $(find cmd -name '*.go' | sort) <(go version; echo "$POD_PULUMI_VERSION"))
  if ! [ -x "$POD_CACHE/bin/pulumi" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$POD_PULUMI_VERSION"
    (
      cd "$PULUMI_SRC"
      go build -trimpath -ldflags "$ldflags" -o "$POD_CACHE/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
      go build -trimpath -ldflags "$ldflags" -o "$POD_CACHE/bin/pulumi-language-nodejs" ./cmd/pulumi-language-nodejs
    ) >"$POD_LAB_STATE/logs/pulumi-build.log" 2>&1
    echo "$want" >"$stamp"
  fi
  # The dynamic-provider plugin ships inside @pulumi/pulumi; put it beside the
  # CLI so the engine never tries to download it.
  install -m 0755 "$REPO_DIR/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" "$POD_CACHE/bin/"
  mkdir -p "$PULUMI_HOME" "${PULUMI_BACKEND_URL#file://}"
  [ "$(pulumi version)" = "v$POD_PULUMI_VERSION" ]
}

status_pulumi() {
  local v state=down
  v=$(pulumi version 2>/dev/null) && [ -x "$POD_CACHE/bin/pulumi-language-nodejs" ] && state=up
  status_line pulumi "${v:--}" "$PULUMI_BACKEND_URL" "$state"
}
