#!/usr/bin/env bash
# Hundreds of SIGKILLs at random instants of `bump`; record and history must agree after each.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d lib ] || npm run build >/dev/null
node bench/kill-loop.js "${1:-300}"
