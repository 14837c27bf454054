#!/usr/bin/env bash
# Median wall time of `npm test` and of jest alone; optionally against a baseline commit in the same run.
#   bash bench/test-suite.sh [runs=3] [baseline-ref]
set -euo pipefail
cd "$(dirname "$0")/.."
node bench/test-suite.js "${1:-3}" ${2:+"$2"}
