/**
 * The one init script both targets run: the Kubernetes init container and the
 * Nomad prestart task pass it to `sh -c` from the model image. It must run under
 * busybox, so POSIX sh and the tools busybox ships (find, sort, sha256sum, cp,
 * mv, mkdir), no GNU-only flags.
 *
 * Why each step is there:
 * - the ready tree holds only what the digest covers: a symlink or a special
 *   file (FIFO, device, socket) anywhere in the artifact is refused before any
 *   copy (the digest cannot vouch for where a link points, and reading a FIFO
 *   blocks), and empty directories, which the digest does not see, are dropped
 *   (`measure --artifact` refuses the same trees, src/core/tree-digest.ts);
 * - a claim directory (`mkdir` is atomic) beside the destination: of two runs
 *   copying the same version into a shared host volume, one copies and the
 *   other waits for its marker. The holder touches its claim every
 *   MODELSHIP_HEARTBEAT_SECONDS (20) while it lives, so a claim untouched for
 *   MODELSHIP_STALE_MINUTES is a dead run's (0, an emptyDir no one else sees:
 *   any leftover is);
 * - copy into a temp dir beside the destination, then rename: the server never
 *   sees a half-copied model; leftovers of killed runs go once the claim is held;
 * - recompute the tree digest on the copy, not the source: it proves what the
 *   server will read;
 * - the ready marker goes last (write + rename), so its presence means
 *   "verified"; a marker that cannot be written (full disk) fails the run with
 *   the reason and leaves no temp file;
 * - a marker with the same digest short-circuits: a pod restart costs no copy.
 */
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
ready() { [ -f "$marker" ] && grep -qx "digest=sha256:$want" "$marker"; }
# Only regular files and directories: what find -type f hashes is all the server may read.
only_files_and_dirs() {
  bad=$(cd "$1" && find . ! -type f ! -type d | head -n 1)
  [ -z "$bad" ] && return 0
  if [ -L "$1/$bad" ]; then
    fail "$2/\${bad#./} is a symlink; an artifact may hold only regular files and directories (the digest cannot vouch for a link's target)"
  fi
  fail "$2/\${bad#./} is a special file (FIFO, device or socket); an artifact may hold only regular files and directories"
}
[ -d "$src" ] || fail "artifact directory $src is missing from the model image"
if ready; then
  log "$MODELSHIP_VERSION already in $dest (digest sha256:$want), nothing to copy"
  exit 0
fi
only_files_and_dirs "$src" "$src"
# dirname and basename without a process each: a pod start pays for every exec.
case $dest in
  */*) parent=\${dest%/*}; parent=\${parent:-/} ;;
  *) parent=. ;;
esac
base=\${dest##*/}
mkdir -p "$parent"
stale_minutes=\${MODELSHIP_STALE_MINUTES:-0}
claim="$parent/.$base.modelship-claim"
tmp=""
scratch=""
beat=""
me="$$-$(date +%s)-\${HOSTNAME:-host}"
holds_claim() {
  owner=""
  { read -r owner <"$claim/owner"; } 2>/dev/null || :
  [ "$owner" = "$me" ]
}
release() {
  # Not waited for: a heartbeat that outlives this by a beat touches nothing (-c, and it holds no claim then).
  [ -z "$beat" ] || kill "$beat" 2>/dev/null || :
  [ -z "$tmp" ] || rm -rf "$tmp"
  [ -z "$scratch" ] || rm -rf "$scratch"
  if holds_claim; then rm -rf "$claim"; fi
}
while ! mkdir "$claim" 2>/dev/null; do
  if ready; then
    log "$MODELSHIP_VERSION was made ready in $dest meanwhile by another run"
    exit 0
  fi
  if [ "$stale_minutes" -eq 0 ] || [ -n "$(find "$claim" -maxdepth 0 -mmin +"$stale_minutes" 2>/dev/null)" ]; then
    log "removing $claim left by an interrupted run"
    rm -rf "$claim"
    continue
  fi
  sleep 0.2 2>/dev/null || sleep 1
done
trap release EXIT
trap 'exit 1' INT TERM HUP
printf '%s\\n' "$me" >"$claim/owner" || fail "cannot write $claim/owner"
if [ "$stale_minutes" -gt 0 ]; then
  # The holder touches its claim while it lives, so only a dead run's claim grows old: a copy
  # of any length keeps it, and one killed outright frees it within the stale time. Only its
  # own claim (never one another run took over); -c: never create it again as a file after
  # release removed it (no run could take that one).
  (while kill -0 $$ 2>/dev/null && holds_claim; do touch -c "$claim" || :; sleep "\${MODELSHIP_HEARTBEAT_SECONDS:-20}"; done) >/dev/null 2>&1 &
  beat=$!
fi
if ready; then
  log "$MODELSHIP_VERSION was made ready in $dest meanwhile by another run"
  exit 0
fi
# Holding the claim, every other temp dir is a dead run's.
for stale in "$parent/.$base.modelship-tmp."* "$parent/.$base.modelship-old."*; do
  [ -e "$stale" ] || continue
  log "removing $stale left by an interrupted run"
  rm -rf "$stale"
done
tmp=$(mktemp -d "$parent/.$base.modelship-tmp.XXXXXX")
cp -R "$src/." "$tmp/"
only_files_and_dirs "$tmp" "$src"
# Empty directories are not in the digest, so they are not in the ready tree either.
find "$tmp" -mindepth 1 -depth -type d -empty -exec rmdir {} \\;
chmod -R a+rX "$tmp"
# The digest as measure defines it, with the hashing spread over the CPUs the task has:
# large files one per process, small ones in batches, each batch into its own file (parallel
# writers to one stream interleave mid-line), then the lines put back in path order.
jobs=\${MODELSHIP_HASH_JOBS:-$(nproc 2>/dev/null || echo 1)}
# Lists and sums go to the task's own temp dir, not the model volume: a volume the copy
# filled still gets its clear "volume full" failure, and release() removes them however the run ends.
scratch=$(mktemp -d "\${TMPDIR:-/tmp}/modelship-hash.XXXXXX") || fail "cannot create a scratch directory in \${TMPDIR:-/tmp}"
sums="$scratch"
hash_batches() {
  tr '\\n' '\\000' | xargs -0 -r -n "$1" -P "$jobs" sh -c 'sha256sum "$@" >"$(mktemp "$0/part.XXXXXX")"' "$sums"
}
(cd "$tmp" && find . -type f | LC_ALL=C sort) >"$sums/list" || fail "cannot list the copy of $src into $sums"
(cd "$tmp" && find . -type f -size +2048 | hash_batches 1) &
large=$!
(cd "$tmp" && find . -type f ! -size +2048 | hash_batches 64) || fail "cannot hash the copy of $src"
wait "$large" || fail "cannot hash the copy of $src"
got=$(cat "$sums"/part.* 2>/dev/null | awk 'NR == FNR { h[substr($0, 67)] = substr($0, 1, 64); next } { print h[$0] "  " $0 }' - "$sums/list" | sha256sum)
rm -rf "$scratch"
scratch=""
got=\${got%% *}
if [ "$got" != "$want" ]; then
  fail "digest mismatch for $MODELSHIP_VERSION: expected sha256:$want, the copy of $src has sha256:$got; refusing to start the server"
fi
holds_claim || fail "lost the claim on $dest to another run (this run stopped touching it for MODELSHIP_STALE_MINUTES=$stale_minutes: frozen, or its clock stepped?)"
if [ -e "$dest" ]; then
  old=$(mktemp -d "$parent/.$base.modelship-old.XXXXXX")
  rmdir "$old"
  mv "$dest" "$old"
  rm -rf "$old"
fi
mv "$tmp" "$dest"
tmp=""
if ! printf 'version=%s\\ndigest=sha256:%s\\n' "$MODELSHIP_VERSION" "$want" >"$dest/.modelship-ready.tmp" || ! mv "$dest/.modelship-ready.tmp" "$marker"; then
  rm -f "$dest/.modelship-ready.tmp"
  fail "cannot write the ready marker $marker (is the volume full?); $dest stays unverified"
fi
log "$MODELSHIP_VERSION verified (sha256:$want) and ready in $dest"
`;

/**
 * How many hashing processes the init task runs (`MODELSHIP_HASH_JOBS`): one per
 * whole CPU of its limit, at least one. `nproc` inside a container counts the
 * node's CPUs, not the task's quota, so the renderers say it from the limit.
 */
export function hashJobsFor(cpuMillis: number): string {
  return String(Math.max(1, Math.ceil(cpuMillis / 1000)));
}
