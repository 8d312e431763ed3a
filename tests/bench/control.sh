#!/usr/bin/env bash
# The control benchmark: set-layer round trip and status requests/s in the
# bench-shaped VM (2 vCPUs, one per host core). Reports, never judges; the
# target stated in docs/performance.md is a set-layer p99 under 20 ms.
#
#   tests/bench/control.sh [--kernel NAME]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tests/vm/run.sh --bench --cases tests/bench/control "$@" 2>&1 | tee "$out"
line=$(grep -h '^BENCH ' build/vm/cases/10-control.log 2>/dev/null | tail -n1 || true)
[ -n "$line" ] || { echo "control bench: no BENCH line (see build/vm/cases/10-control.log)" >&2; exit 1; }
echo "control bench: ${line#BENCH }"
