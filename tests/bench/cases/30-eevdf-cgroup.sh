#!/bin/sh
# EEVDF as a careful admin would set it up: the probe's cgroup at the
# highest cpu.weight (10000), the hogs' at the lowest (1) and marked
# cpu.idle, so they get SCHED_IDLE-like treatment against everything
# else. scxd has to beat this, not just the untuned default.
# timeout: 60
. /tests/lib.sh
. /tests/cases/bench.sh

bench_cgroups
echo 10000 >"$PROBE_DIR"/cpu.weight || fail "cannot set the probe's cpu.weight"
# The weight first: the kernel refuses a weight change on an idle group.
echo 1 >"$HOGS_DIR"/cpu.weight || fail "cannot set the hogs' cpu.weight"
echo 1 >"$HOGS_DIR"/cpu.idle || fail "cannot set the hogs' cpu.idle"
echo "probe cpu.weight=$(cat "$PROBE_DIR"/cpu.weight); hogs cpu.weight=$(cat "$HOGS_DIR"/cpu.weight) cpu.idle=$(cat "$HOGS_DIR"/cpu.idle)"
start_hogs
run_probe
stop_hogs
report eevdf-cgroup "$HOG_OPS"
