#!/bin/sh
# Plain EEVDF: the probe beside 4 CPU hogs on 2 CPUs, both cgroups at
# their defaults (cpu.weight 100). What a machine without scxd and
# without tuning gives.
# timeout: 60
. /tests/lib.sh
. /tests/cases/bench.sh

bench_cgroups
start_hogs
run_probe
stop_hogs
report eevdf "$HOG_OPS"
