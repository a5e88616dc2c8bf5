# shellcheck shell=bash
# lab.env: what tests and examples need to reach the lab, in one file.
# Components started by their own step (databases, secret stores, KDCs) write
# a fragment to $POD_LAB_STATE/env.d/<name>.env; lab.env ends with all of them.

write_env_file() {
  cat >"$POD_LAB_STATE/lab.env" <<ENV
POD_LAB_STATE=$POD_LAB_STATE
POD_VSPHERE_HOST=$POD_VCSIM_ADDR
POD_VSPHERE_USER=$POD_VCSIM_USER
POD_VSPHERE_CA_FILE=$POD_LAB_STATE/tls/ca.pem
POD_VSPHERE_THUMBPRINT=$(tls_thumbprint)
PULUMI_HOME=$PULUMI_HOME
PULUMI_BACKEND_URL=$PULUMI_BACKEND_URL
$(windows_guest_env)
ENV
  local fragment
  for fragment in "$POD_LAB_STATE"/env.d/*.env; do
    [ -f "$fragment" ] && cat "$fragment" >>"$POD_LAB_STATE/lab.env"
  done
  return 0
}
