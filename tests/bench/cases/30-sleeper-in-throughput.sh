#!/bin/sh
# Workload 3, a sleeper in a throughput layer: the probe stays in the
# catch-all throughput layer (an sshd, a kworker) while another throughput
# layer, the hogs' cgroup, saturates the CPUs: a build host. Nothing is
# tuned for the probe; what it gets is what scxd's throughput layers give
# a task that sleeps most of the time. EEVDF: defaults, and eevdf-cgroup
# as in workload 1 (the strongest EEVDF there is, though on a real build
# host nobody tunes an sshd's cgroup).
# timeout: 420
. /tests/lib.sh
. /tests/cases/bench.sh

W=sleeper-in-throughput
CONFIGS="idle eevdf eevdf-cgroup scxd"

start_scxd --config /tests/cases/sleeper.ini
bench_cgroups
pid=$(run_in_cgroup "$PROBE_CG" sleep 60)
wait_for 10 '[ "$(layer_tasks batch)" = 0 ]' || fail "the probe's cgroup is in layer batch: $(scxctl layers)"
kill "$pid"

rounds measure_latency $CONFIGS

enter scxd
stop_scxd || fail "scxd exited $?"
report_latency $W $CONFIGS
