#!/bin/sh
# kill -9 of the daemon while hogs load every CPU: the kernel takes the
# tasks back to the fair class at once and they keep running; started
# again, scxd attaches with the configuration `scxctl save` kept (a change
# made after the save is lost, as docs/reliability.md says) and counts
# every task in its layer again, exactly.
# timeout: 120
# suite: once (the fallback itself is case 40's, on every kernel)
. /tests/lib.sh

boxed_config c86
weight() { scxctl --json status | jsonget "layers[name=$1].weight"; }

start_scxd --config /tmp/c86.ini --state-dir /tmp/st86
boxed_hogs c86 12
pids=$HOGS
scxctl set-layer boxed --weight 77 || fail "set-layer exited $?"
scxctl save || fail "save exited $?"
scxctl set-layer boxed --weight 66 || fail "set-layer exited $?"

kill -9 "$SCXD_PID"
wait_for 5 state_is disabled || fail "sched_ext after kill -9: $(sched_state)"
# shellcheck disable=SC2086
kill -0 $pids || fail "a hog died with the daemon"

start_scxd --config /tmp/c86.ini --state-dir /tmp/st86
assert_eq "$(weight boxed)" 77 "boxed weight after the restart (the saved one)"
wait_for 10 tasks_are boxed 12 || fail "boxed has $(tasks_of boxed) tasks after the restart, expected 12"
grep -q 'Using the configuration saved in /tmp/st86/saved.ini' "$SCXD_LOG" ||
	fail "the restart did not say it used the saved configuration"
# shellcheck disable=SC2086
kill $pids
wait_for 10 tasks_are boxed 0 || fail "boxed still has $(tasks_of boxed) tasks"
stop_scxd || fail "scxd exited $?"
