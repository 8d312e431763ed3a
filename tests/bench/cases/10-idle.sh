#!/bin/sh
# Baseline: the probe alone on an otherwise idle machine (EEVDF, no
# hogs). Every other configuration's latency is read against this one.
# timeout: 60
. /tests/lib.sh
. /tests/cases/bench.sh

bench_cgroups
run_probe
report idle -
