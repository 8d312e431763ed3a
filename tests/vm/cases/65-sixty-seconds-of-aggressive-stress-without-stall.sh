#!/bin/sh
# 60 s of stress-ng --aggressive with CPU and fork stressors, hackbench and
# a fork storm: the scheduler stays attached with no stall and no ejection
# (the rig fails the case on any stall or sched_ext error in the kernel log),
# and every part of the load made progress. A minute of load proves the
# scheduler, not the kernel under it: make test runs it on the first
# kernel of the suite only.
# timeout: 240
# suite: once
. /tests/lib.sh

start_scxd --config /usr/lib/scxd/roles/desktop.ini
new_cgroup /storm/stress
new_cgroup /storm/hack
new_cgroup /storm/fork
stress=$(run_in_cgroup /storm/stress stress-ng --aggressive -c 8 -f 8 --timeout 60s --quiet)
run_in_cgroup /storm/hack sh -c 'n=0; while :; do hackbench -g 2 -l 50 >/dev/null 2>&1 &&
	n=$((n + 1)) && echo $n >/tmp/hack.tmp && mv /tmp/hack.tmp /tmp/hack.runs; done' >/dev/null
run_in_cgroup /storm/fork sh -c 'n=0; while :; do /bin/true & /bin/true & /bin/true & wait;
	n=$((n + 3)); echo $n >/tmp/fork.tmp && mv /tmp/fork.tmp /tmp/fork.count; done' >/dev/null

# The case shell only waits: the load runs on its own. Counters are
# replaced by rename, so a read never sees a file half written.
while kill -0 "$stress" 2>/dev/null; do sleep 1; done
hack=$(cat /tmp/hack.runs 2>/dev/null || echo 0)
forks=$(cat /tmp/fork.count 2>/dev/null || echo 0)
echo "during 60 s of stress-ng: $hack hackbench runs, $forks forked processes"
[ "$hack" -ge 1 ] || fail "hackbench never completed a run"
[ "$forks" -ge 30 ] || fail "the fork storm made no progress ($forks forks)"
assert_eq "$(sched_state)" enabled "sched_ext after 60 s"
assert_eq "$(sched_ops)" scxd "ops after 60 s"
scxctl stats
stop_scxd || fail "scxd exited $?"
