# shellcheck shell=bash
# Guest images, built locally (there is no registry): debootstrap from Debian's
# packages, then `docker import`. Each image carries the hash of its recipe and
# is rebuilt only when the recipe changes.

IMAGES_DIR="$LAB_DIR/images"

image_recipe() { docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null | sed -n 's/^POD_RECIPE=//p'; }

build_images() {
  local log_file="$POD_LAB_STATE/logs/images.log"
  : >"$log_file"
  build_busybox >>"$log_file" 2>&1
  build_debian >>"$log_file" 2>&1
  build_rocky >>"$log_file" 2>&1
}

# vcsim runs `busybox` for some container operations (volume population).
build_busybox() {
  local want
  want=$(echo "busybox-static $POD_DEBIAN_SUITE" | sha256sum | cut -c1-16)
  [ "$(image_recipe busybox:latest)" = "$want" ] && return 0
  local work="$POD_CACHE/images/busybox.tmp"
  rm -rf "$work" && mkdir -p "$work/deb" "$work/root/bin"
  (cd "$work/deb" && apt-get download busybox-static)
  dpkg-deb -x "$work"/deb/*.deb "$work/deb/x"
  cp "$work/deb/x/bin/busybox" "$work/root/bin/busybox"
  for applet in $("$work/root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$work/root/bin/$applet"
  done
  mkdir -p "$work/root/tmp" "$work/root/etc"
  tar -C "$work/root" -c . | docker import --change 'CMD ["sh"]' --change "ENV POD_RECIPE=$want" - busybox:latest
  rm -rf "$work"
}

debian_recipe_hash() {
  hash_of "$IMAGES_DIR/debian12/packages" "$IMAGES_DIR/debian12/setup-rootfs.sh" "$IMAGES_DIR/debian12/guest-init" <(echo "$POD_DEBIAN_SUITE")
}

build_debian() {
  local want root
  want=$(debian_recipe_hash)
  [ "$(image_recipe pod-guest-debian:12)" = "$want" ] && return 0
  root="$POD_CACHE/images/debian12.rootfs"
  rm -rf "$root" && mkdir -p "$root" "$POD_CACHE/images/debs"
  debootstrap --variant=minbase --cache-dir="$POD_CACHE/images/debs" \
    --include="$(paste -sd, "$IMAGES_DIR/debian12/packages")" \
    "$POD_DEBIAN_SUITE" "$root" "$POD_DEBIAN_MIRROR"
  install -m 0755 "$IMAGES_DIR/debian12/guest-init" "$root/usr/local/sbin/pod-guest-init"
  install -m 0755 "$IMAGES_DIR/debian12/setup-rootfs.sh" "$root/tmp/setup-rootfs.sh"
  chroot "$root" /tmp/setup-rootfs.sh
  rm -f "$root/tmp/setup-rootfs.sh"
  tar -C "$root" --numeric-owner -c . | docker import \
    --change 'ENTRYPOINT ["/usr/local/sbin/pod-guest-init"]' \
    --change 'EXPOSE 22' --change "ENV POD_RECIPE=$want" - pod-guest-debian:12
  rm -rf "$root"
}

build_rocky() {
  local want
  want=$(hash_of "$IMAGES_DIR/rocky9/Dockerfile" "$IMAGES_DIR/rocky9/os-release" "$IMAGES_DIR/rocky9/redhat-release" <(debian_recipe_hash))
  [ "$(image_recipe pod-guest-rocky:9)" = "$want" ] && return 0
  DOCKER_BUILDKIT=0 docker build -q -t pod-guest-rocky:9 "$IMAGES_DIR/rocky9"
  # ENV, not LABEL, so that import-built and Dockerfile-built images read alike.
  printf 'FROM pod-guest-rocky:9\nENV POD_RECIPE=%s\n' "$want" | DOCKER_BUILDKIT=0 docker build -q -t pod-guest-rocky:9 -
}

status_images() {
  local img v
  for img in pod-guest-debian:12 pod-guest-rocky:9 busybox:latest; do
    if v=$(image_recipe "$img") && [ -n "$v" ]; then
      status_line "image" "$img" "recipe $v" up
    else
      status_line "image" "$img" "-" down
    fi
  done
}
