#!/usr/bin/env bash
# modelship synth of 100 and 1,000 blue-green models, both targets, against its floor, one thread and hand-written cdk8s-plus-27, in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d lib ] || npm run build >/dev/null
node bench/synth.js "${1:-3}"
