#!/usr/bin/env bash
# Sets up what the end-to-end suite runs on: a real container runtime (podman with
# runc), a real OCI registry (Debian's docker-registry) on 127.0.0.1:5000, and a
# busybox-only base image to build model and serving images from. Idempotent.
# Needs root and Debian's package registry; without root it says how to run.
#
# Facts of podman 4.3 from Debian 12 that this encodes (see also the harness):
#   - crun fails on setrlimit here: runtime runc, default_ulimits empty;
#   - no systemd cgroup manager: cgroupfs;
#   - the registry is plain HTTP: localhost:5000 is marked insecure;
#   - skopeo checks what the registry holds independently of modelship.
set -euo pipefail
REGISTRY_DIR=${E2E_REGISTRY_DIR:-/tmp/modelship-e2e-registry}
BASE_IMAGE=localhost:5000/base/busybox:1

if [ "$(id -u)" != 0 ]; then
  echo "e2e set-up needs root (apt-get, /etc/containers, podman as root)." >&2
  echo "Run it as root: sudo npm run test:e2e   (or in a root container/VM with Debian's packages)" >&2
  exit 3
fi

need=()
for p in podman runc busybox-static docker-registry curl skopeo iproute2 chromium; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

mkdir -p /etc/containers/registries.conf.d
cat >/etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
printf '[[registry]]\nlocation = "localhost:5000"\ninsecure = true\n' >/etc/containers/registries.conf.d/modelship-e2e.conf

# The registry's config: deletes enabled, so that `modelship prune` can expire tags.
mkdir -p "$REGISTRY_DIR/data"
printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s/data\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:5000\n' "$REGISTRY_DIR" >"$REGISTRY_DIR/config.yml"

# A registry already running without deletes (an older set-up) answers a DELETE
# 405 UNSUPPORTED instead of 404: restart that one process (found by its port)
# with the config above; its storage stays.
probe=http://127.0.0.1:5000/v2/modelship-probe/manifests/sha256:0000000000000000000000000000000000000000000000000000000000000000
if curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && [ "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$probe")" = 405 ]; then
  pid=$(ss -Hltnp 'sport = :5000' | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
  [ -n "$pid" ] || { echo "a registry on 127.0.0.1:5000 refuses deletes and its process is not found" >&2; exit 1; }
  echo "restarting the registry (pid $pid) with deletes enabled" >&2
  kill "$pid"
  for _ in $(seq 50); do curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 || break; sleep 0.2; done
fi

if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  nohup docker-registry serve "$REGISTRY_DIR/config.yml" >"$REGISTRY_DIR/log" 2>&1 &
  for _ in $(seq 50); do curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fsS http://127.0.0.1:5000/v2/ >/dev/null || { echo "registry did not start, see $REGISTRY_DIR/log" >&2; exit 1; }
fi
[ "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$probe")" = 404 ] || { echo "the registry on 127.0.0.1:5000 still refuses deletes" >&2; exit 1; }

if ! podman image exists "$BASE_IMAGE"; then
  root=$(mktemp -d)
  "$(dirname "$0")/rootfs.sh" "$root"
  tar -C "$root" -cf "$root.tar" .
  podman import -q --change 'USER 1000' --change 'ENV PATH=/bin' "$root.tar" "$BASE_IMAGE" >/dev/null
  rm -rf "$root" "$root.tar"
fi
podman push -q "$BASE_IMAGE" >/dev/null
echo "podman $(podman --version | awk '{print $3}') (runc), registry localhost:5000, base image $BASE_IMAGE"
