#!/usr/bin/env bash
# Median wall time of `status` and `bump` against bare `node -e 0`, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d lib ] || npm run build >/dev/null
node bench/cli.js "${1:-15}"
