#!/usr/bin/env bash
# Rows per second and peak memory of `modelship drift` on a generated 1 GB window.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d lib ] || npm run build >/dev/null
node bench/drift.js "${1:-1024}" "${2:-3}"
