/**
 * The one init script both targets run: the Kubernetes init container and the
 * Nomad prestart task pass it to `sh -c` from the model image. It must run under
 * busybox, so POSIX sh and the tools busybox ships (find, sort, sha256sum, cp,
 * mv), no GNU-only flags.
 *
 * Why each step is there:
 * - copy into a temp dir beside the destination, then rename: the server never
 *   sees a half-copied model, and a killed run leaves only a temp dir that the
 *   next run removes;
 * - a shared host volume (Nomad) can hold another allocation's copy in progress:
 *   MODELSHIP_STALE_MINUTES > 0 spares temp dirs younger than that;
 * - recompute the tree digest on the copy, not the source: it proves what the
 *   server will read;
 * - the ready marker goes last (write + rename), so its presence means "verified";
 * - a marker with the same digest short-circuits: a pod restart costs no copy.
 */
// A plain template literal: `\${` and `\\n` below are the shell's `${` and `\n`.
export const INIT_SCRIPT = `set -eu
log() { printf 'modelship-init: %s\\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }
[ -n "\${MODELSHIP_SRC:-}" ] || fail "MODELSHIP_SRC is not set"
[ -n "\${MODELSHIP_DEST:-}" ] || fail "MODELSHIP_DEST is not set"
[ -n "\${MODELSHIP_VERSION:-}" ] || fail "MODELSHIP_VERSION is not set"
[ -n "\${MODELSHIP_DIGEST:-}" ] || fail "MODELSHIP_DIGEST is not set"
src=\${MODELSHIP_SRC%/}
dest=\${MODELSHIP_DEST%/}
want=\${MODELSHIP_DIGEST#sha256:}
marker="$dest/.modelship-ready"
[ -d "$src" ] || fail "artifact directory $src is missing from the model image"
if [ -f "$marker" ] && grep -qx "digest=sha256:$want" "$marker"; then
  log "$MODELSHIP_VERSION already in $dest (digest sha256:$want), nothing to copy"
  exit 0
fi
parent=$(dirname "$dest")
base=$(basename "$dest")
mkdir -p "$parent"
stale_minutes=\${MODELSHIP_STALE_MINUTES:-0}
if [ "$stale_minutes" -eq 0 ]; then
  for stale in "$parent/.$base.modelship-"*; do
    [ -e "$stale" ] || continue
    log "removing $stale left by an interrupted run"
    rm -rf "$stale"
  done
else
  find "$parent" -maxdepth 1 -name ".$base.modelship-*" -mmin +"$stale_minutes" -exec rm -rf {} \\;
fi
tmp=$(mktemp -d "$parent/.$base.modelship-tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R "$src/." "$tmp/"
chmod -R a+rX "$tmp"
# The digest as measure defines it, with the hashing spread over the CPUs the task has:
# large files one per process, small ones in batches, each batch into its own file (parallel
# writers to one stream interleave mid-line), then the lines put back in path order.
jobs=\${MODELSHIP_HASH_JOBS:-$(nproc 2>/dev/null || echo 1)}
sums=$(mktemp -d "$parent/.$base.modelship-tmp.XXXXXX")
trap 'rm -rf "$tmp" "$sums"' EXIT
hash_batches() {
  tr '\\n' '\\000' | xargs -0 -r -n "$1" -P "$jobs" sh -c 'sha256sum "$@" >"$(mktemp "$0/part.XXXXXX")"' "$sums"
}
(cd "$tmp" && find . -type f | LC_ALL=C sort) >"$sums/list"
(cd "$tmp" && find . -type f -size +2048 | hash_batches 1) &
large=$!
(cd "$tmp" && find . -type f ! -size +2048 | hash_batches 64) || fail "cannot hash the copy of $src"
wait "$large" || fail "cannot hash the copy of $src"
got=$(cat "$sums"/part.* 2>/dev/null | awk 'NR == FNR { h[substr($0, 67)] = substr($0, 1, 64); next } { print h[$0] "  " $0 }' - "$sums/list" | sha256sum)
rm -rf "$sums"
got=\${got%% *}
if [ "$got" != "$want" ]; then
  fail "digest mismatch for $MODELSHIP_VERSION: expected sha256:$want, the copy of $src has sha256:$got; refusing to start the server"
fi
if [ -f "$marker" ] && grep -qx "digest=sha256:$want" "$marker"; then
  log "$MODELSHIP_VERSION was made ready in $dest meanwhile by another run"
  exit 0
fi
if [ -e "$dest" ]; then
  old=$(mktemp -d "$parent/.$base.modelship-old.XXXXXX")
  rmdir "$old"
  mv "$dest" "$old"
  rm -rf "$old"
fi
mv "$tmp" "$dest"
trap - EXIT
printf 'version=%s\\ndigest=sha256:%s\\n' "$MODELSHIP_VERSION" "$want" >"$dest/.modelship-ready.tmp"
mv "$dest/.modelship-ready.tmp" "$marker"
log "$MODELSHIP_VERSION verified (sha256:$want) and ready in $dest"
`;
