#!/bin/sh
# scxd with isolation.ini: the probe's cgroup in a latency layer, the
# hogs' in a throughput layer, the rest in a catch-all layer. Both
# cgroups keep their default cpu.weight: the layers do the isolating.
# timeout: 90
. /tests/lib.sh
. /tests/cases/bench.sh

# The row of layer $1 in `scxctl status`, column $2 found by its title
# (the table may gain columns).
layer_col() {
	scxctl status | awk -v l="$1" -v t="$2" '
		$1 == "LAYER" { for (i = 1; i <= NF; i++) if ($i == t) c = i }
		c && $1 == l { print $c; exit }'
}
probe_tasks_are() { [ "$(layer_col probe TASKS)" = "$1" ]; }

start_scxd --config /tests/cases/isolation.ini
bench_cgroups
# A stand-in first, so that a misclassified probe fails the case instead
# of producing a number that measures the wrong layer.
pid=$(run_in_cgroup "$PROBE_CG" sleep 60)
wait_for 10 probe_tasks_are 1 || fail "the probe's cgroup is not in layer probe: $(scxctl status)"
kill "$pid"
wait_for 10 probe_tasks_are 0 || fail "layer probe still has $(layer_col probe TASKS) tasks"

start_hogs
run_probe
assert_eq "$(sched_ops)" scxd "scheduler attached when the probe ended"
stop_hogs
# For whoever reads the numbers: the layers' counters and the kernel's
# sched_ext event counters (e.g. how often a CPU found nothing to run and
# kept its task) over the run. Informational: not checked.
scxctl status
scxctl stats || true
echo "--- /sys/kernel/sched_ext/root/events:"
cat /sys/kernel/sched_ext/root/events || true
stop_scxd || fail "scxd exited $?"
report scxd "$HOG_OPS"
