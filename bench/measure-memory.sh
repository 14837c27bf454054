#!/usr/bin/env bash
# Peak memory of `measure --artifact` on a multi-GB sparse file against a tiny one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d lib ] || npm run build >/dev/null
node bench/measure-memory.js "${1:-4}"
