# shellcheck shell=bash
# Pulumi's YAML language host (pulumi-language-yaml), built from the Go module
# proxy by the wrapper module lab/tools/pulumi-yaml: the pulumi-yaml version is
# pinned there, against the CLI's pulumi pkg/sdk version (step 60), so the two
# builds share most of the Go build cache. Pulumi finds the host on PATH
# ($POD_CACHE/bin) for projects with `runtime: yaml`.

PULUMI_YAML_SRC="$LAB_DIR/tools/pulumi-yaml"

pulumi_yaml_version() {
  awk '{ for (i = 1; i < NF; i++) if ($i == "github.com/pulumi/pulumi-yaml") print $(i + 1) }' "$PULUMI_YAML_SRC/go.mod"
}

build_pulumi_yaml() {
  local want stamp="$POD_CACHE/bin/pulumi-language-yaml.hash" version
  version=$(pulumi_yaml_version)
  want=$(cd "$PULUMI_YAML_SRC" && hash_of go.mod go.sum tools.go <(go version))
  if ! [ -x "$POD_CACHE/bin/pulumi-language-yaml" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (
      cd "$PULUMI_YAML_SRC"
      go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$version" \
        -o "$POD_CACHE/bin/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
    ) >"$POD_LAB_STATE/logs/pulumi-yaml-build.log" 2>&1
    echo "$want" >"$stamp"
  fi
  [ -x "$POD_CACHE/bin/pulumi-language-yaml" ]
}

status_pulumi_yaml() {
  local state=down
  [ -x "$POD_CACHE/bin/pulumi-language-yaml" ] && state=up
  status_line pulumi-yaml "$(pulumi_yaml_version)" "$POD_CACHE/bin/pulumi-language-yaml" "$state"
}
