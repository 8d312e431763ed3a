#!/bin/sh
# Workload 1, isolation by cgroup: a latency probe in /bench/probe beside
# 4 CPU hogs in /bench/hogs, on 2 CPUs. scxd (isolation.ini) puts the
# probe's cgroup in a latency layer and the hogs' in a throughput layer;
# EEVDF runs them at the cgroups' defaults, and tuned as a careful admin
# would (eevdf-cgroup). Figures: the probe's wakeup latency, the hogs'
# work.
# timeout: 420
. /tests/lib.sh
. /tests/cases/bench.sh

W=isolation-by-cgroup
CONFIGS="idle eevdf eevdf-cgroup scxd"

start_scxd --config /tests/cases/isolation.ini
bench_cgroups
probe_in probe

rounds measure_latency $CONFIGS

enter scxd
scxctl status
stop_scxd || fail "scxd exited $?"
report_latency $W $CONFIGS
