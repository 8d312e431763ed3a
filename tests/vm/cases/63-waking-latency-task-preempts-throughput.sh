#!/bin/sh
# With a throughput layer saturating every CPU, a latency task that wakes
# is placed at once: it preempts a CPU running a throughput task (or takes
# an idle one). Asserted on the layer's counters, not on time: at least 90%
# of wakeups are a preemption or a direct placement (measured: 783 of 786),
# while an otherwise equal layer with preempt = no never preempts.
# A preempted throughput task goes back to its CPU with the slice it had
# left (RESUME): that happens for a share of the preemptions here (213 of
# 751 measured: a second wakeup landing before the first preemption took
# effect finds a zero slice), and for 12707 of 12882 in the bench shape.
# The probes are pinned apart (cyclictest -a) so that neither can only
# find the other, a latency task, on its CPU.
# timeout: 120
. /tests/lib.sh

write_config /tmp/preempt.ini <<'INI'
[layer.probe]
policy = latency
match = comm=probe-lat

[layer.probe_np]
policy = latency
preempt = no
match = comm=probe-np

[layer.hogs]
policy = throughput
match = comm=stress-ng*
INI
cp "$(command -v cyclictest)" /tmp/probe-lat
cp "$(command -v cyclictest)" /tmp/probe-np

start_scxd --config /tmp/preempt.ini
saturate /pre 40 >/dev/null
sleep 3
run_in_cgroup /pre /tmp/probe-lat -q -t 1 -a 1 -i 5000 -D 10 >/dev/null
run_in_cgroup /pre /tmp/probe-np -q -t 1 -a 5 -i 5000 -D 10 >/dev/null
sleep 11

stats=$(scxctl stats)
echo "$stats"
# Columns: DIRECT=4 PREEMPT=5 WAKEUP=10 (waking tasks queued, not placed).
set -- $(echo "$stats" | awk '$1 == "probe" {print $4, $5, $10}')
direct=$1 preempt=$2 woke=$3
set -- $(echo "$stats" | awk '$1 == "probe_np" {print $4, $5, $10}')
np_preempt=$2
# RESUME=11
resumed=$(echo "$stats" | awk '$1 == "hogs" {print $11}')
wakeups=$((direct + woke))
echo "probe: $wakeups wakeups: $direct onto an idle CPU, $preempt preempted a throughput task"
[ "$wakeups" -ge 50 ] || fail "only $wakeups probe wakeups measured"
[ "$preempt" -gt 0 ] || fail "the latency layer never preempted"
[ $(( (preempt + direct) * 10 )) -ge $(( wakeups * 9 )) ] ||
	fail "only $((preempt + direct)) of $wakeups wakeups placed at once"
assert_eq "$np_preempt" 0 "preemptions of the preempt = no layer"
echo "hogs: $resumed preempted tasks resumed on their CPU"
[ "$resumed" -gt 0 ] || fail "no preempted hog resumed on its CPU"
stop_scxd || fail "scxd exited $?"
