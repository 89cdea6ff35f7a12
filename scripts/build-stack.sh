#!/usr/bin/env bash
# Builds a stack (a root filesystem for containers) from its recipe in stacks/.
#
#   scripts/build-stack.sh NAME DEST_DIR
#
# The result goes to DEST_DIR/DIGEST/rootfs, where DIGEST is the sha256 of the
# recipe and of this script's stack_format; an unchanged recipe is not rebuilt. Prints the
# stack directory (DEST_DIR/DIGEST) on stdout. Every stack has the app user
# (uid/gid 32767, home /app) and trusts the host's extra CA certificates.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="${1:?usage: build-stack.sh NAME DEST_DIR}"
dest="${2:?usage: build-stack.sh NAME DEST_DIR}"
[[ "$name" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo " !     Invalid stack name '$name'" >&2; exit 1; }
recipe="${BERTH_STACKS_DIR:-$here/stacks}/$name.recipe"
[[ -f "$recipe" ]] || { echo " !     No recipe for stack '$name' ($recipe)" >&2; exit 1; }

# Bump when this script changes what it builds, so existing stacks are rebuilt.
stack_format=1
digest="$( (cat "$recipe"; echo "stack_format=$stack_format") | sha256sum | cut -c1-16)"
out="$dest/$digest"
if [[ -f "$out/.complete" ]]; then
  echo "$out"
  exit 0
fi

# Reads KEY=VALUE lines of the recipe without evaluating them.
recipe_value() {
  sed -n "s/^$1=//p" "$recipe" | tail -n1
}

add_app_user() {
  local root="$1"
  mkdir -p "$root/etc" "$root/app" "$root/tmp"
  grep -q '^app:' "$root/etc/passwd" 2>/dev/null ||
    echo 'app:x:32767:32767:app:/app:/bin/sh' >>"$root/etc/passwd"
  grep -q '^app:' "$root/etc/group" 2>/dev/null || echo 'app:x:32767:' >>"$root/etc/group"
  chown 32767:32767 "$root/app"
  chmod 1777 "$root/tmp"
}

build_tiny() {
  local root="$1" busybox
  busybox="$(recipe_value busybox)"
  [[ -x "$busybox" ]] || { echo " !     $busybox is missing: apt-get install busybox-static" >&2; exit 1; }
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,app}
  cp "$busybox" "$root/bin/busybox"
  local applet
  for applet in $("$busybox" --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  add_app_user "$root"
}

build_debian() {
  local root="$1" suite variant packages
  suite="$(recipe_value suite)"
  variant="$(recipe_value variant)"
  packages="$(recipe_value packages)"
  command -v mmdebstrap >/dev/null || { echo " !     mmdebstrap is missing: apt-get install mmdebstrap" >&2; exit 1; }
  # The host's extra CA certificates (a TLS-inspecting proxy's, say) are trusted
  # inside the stack, so builds can reach package registries.
  local extra_ca=/usr/local/share/ca-certificates
  mmdebstrap --variant="$variant" --include="$packages" --aptopt='Acquire::Retries "5"' \
    --customize-hook="if [ -d $extra_ca ]; then cp -r $extra_ca/. \"\$1$extra_ca/\"; chroot \"\$1\" update-ca-certificates >/dev/null; fi" \
    "$suite" "$root" >&2
  add_app_user "$root"
}

tmp="$dest/.build-$digest.$$"
rm -rf "$tmp"
mkdir -p "$tmp/rootfs"
trap 'rm -rf "$tmp"' EXIT
case "$name" in
  tiny) build_tiny "$tmp/rootfs" ;;
  *) build_debian "$tmp/rootfs" ;;
esac
cp "$recipe" "$tmp/recipe"
touch "$tmp/.complete"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "$out"
