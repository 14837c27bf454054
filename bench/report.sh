#!/usr/bin/env bash
# Median wall time of `report` against `status` on the same records, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d lib ] || npm run build >/dev/null
node bench/report.js "${1:-7}"
