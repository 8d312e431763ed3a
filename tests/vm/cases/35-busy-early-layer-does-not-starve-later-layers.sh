#!/bin/sh
# A throughput layer earlier in the file, saturated with more hogs than
# CPUs, must not starve the layers after it: a task of the catch-all
# layer keeps completing work while the hogs run. (Strict layer priority
# failed this: the catch-all layer, kthreads included, never ran until
# the kernel ejected the scheduler for an RCU stall.)
# timeout: 90
. /tests/lib.sh

write_config /tmp/early.ini <<'INI'
[layer.hogs]
policy = throughput
match = comm=stress-ng*
INI

start_scxd --config /tmp/early.ini
hogs=$(saturate /starve 120)
sleep 3
# The probe: a catch-all task that needs the CPU many times per iteration.
# One line per iteration, appended: rewriting one number in place could
# be read between the truncation and the write.
rm -f /tmp/progress
(while :; do sleep 0.1; echo . >>/tmp/progress; done) &
probe=$!
sleep 10
kill -0 "$hogs" 2>/dev/null || fail "hogs ended early: the check would prove nothing"
done_iters=0
[ -f /tmp/progress ] && done_iters=$(grep -c . /tmp/progress)
kill "$probe"
kill "$hogs"
echo "probe iterations while 16 hogs ran: $done_iters"
[ "$done_iters" -ge 3 ] || fail "catch-all layer starved: $done_iters iterations in 10 s"
scxctl status
assert_eq "$(sched_state)" enabled "sched_ext after the run"
stop_scxd || fail "scxd exited $?"
