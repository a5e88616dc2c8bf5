# shellcheck shell=bash
# Lab settings, sourced by lab.sh and by `make`. Everything built or downloaded
# lives in POD_CACHE (outside the repo), so a second `make lab` takes seconds.
POD_CACHE="${POD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pod-lab}"
POD_LAB_STATE="${POD_LAB_STATE:-$POD_CACHE/state}"
POD_LAB_LABEL="pod.lab=1"

# Pinned versions: bump here, the cache keys follow.
POD_NODE_VERSION="22.23.3"
POD_PULUMI_VERSION="3.260.0"
POD_GOVMOMI_VERSION="0.56.0"
POD_DEBIAN_SUITE="bookworm"
POD_DEBIAN_MIRROR="${POD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# Endpoints: loopback only.
POD_VCSIM_ADDR="${POD_VCSIM_ADDR:-127.0.0.1:18989}"
POD_VCSIM_USER="pod"
# A fixed, lab-only password; tests use it to prove it never leaks.
POD_VCSIM_PASSWORD="${POD_VCSIM_PASSWORD:-pod-lab-Vcsim-7d1f}"

export POD_CACHE POD_LAB_STATE POD_VCSIM_ADDR POD_VCSIM_USER POD_VCSIM_PASSWORD
export GOMODCACHE="$POD_CACHE/go/mod" GOCACHE="$POD_CACHE/go/build" GOFLAGS= GOTOOLCHAIN=local
export PATH="$POD_CACHE/bin:$POD_CACHE/node/node_modules/node/bin:$PATH"
export PULUMI_HOME="$POD_LAB_STATE/pulumi-home"
export PULUMI_BACKEND_URL="file://$POD_LAB_STATE/pulumi-backend"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-pod-lab-passphrase}"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
