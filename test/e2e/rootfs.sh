#!/usr/bin/env bash
# Writes a busybox-only root file system into $1: /bin with every applet, a
# passwd with root and app (uid 1000), and /tmp. Model and serving images are
# this plus their own files, imported with `podman import`.
set -euo pipefail
root=$1
mkdir -p "$root/bin" "$root/etc" "$root/tmp"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
printf 'root:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\napp:x:1000:\n' >"$root/etc/group"
