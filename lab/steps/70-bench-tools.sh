# shellcheck shell=bash
# Tools only `make bench` needs, installed on demand: govc (the same query as
# pod, for comparison), Ansible and parallel-ssh (the same commands), and
# matplotlib (draws bench/out/cost-curve.png). govc v0.46.3 is the last release whose main lives in
# govmomi's root module, so `go install` by path works; newer ones are nested
# modules the Go module proxy does not serve.
POD_GOVC_VERSION="0.46.3"

install_bench_tools() {
  # Ansible and parallel-ssh, from Debian, for the side-by-side command benchmarks.
  local missing=()
  command -v ansible >/dev/null || missing+=(ansible-core)
  command -v parallel-ssh >/dev/null || missing+=(pssh)
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
  [ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"
  # `go install` stamps no version into govc, so a stamp file records it.
  local stamp="$POD_CACHE/bin/govc.version"
  if ! [ -x "$POD_CACHE/bin/govc" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$POD_GOVC_VERSION" ]; then
    GOBIN="$POD_CACHE/bin" go install "github.com/vmware/govmomi/govc@v$POD_GOVC_VERSION" \
      >"$POD_LAB_STATE/logs/govc-build.log" 2>&1
    echo "$POD_GOVC_VERSION" >"$stamp"
  fi
}
