#!/bin/sh
# Task churn under load, all at once: 10,000 short-lived processes forked
# in a cgroup layer, 10,000 prctl(PR_SET_NAME) renames by 8 threads that
# move between two comm layers, and a task moved through 1,000 cgroups
# created and removed in a cgroup layer, while 4 busy loops load the
# CPUs. Nothing stalls or is ejected (the scheduler's enable count is
# unchanged), and afterwards every layer counts exactly the tasks it
# holds; once they are gone, exactly none.
# timeout: 600
# suite: once (the kernel's side is case 30's, on each kernel)
. /tests/lib.sh

churn_config /tmp/c90.ini /c90/box
said() { grep -q "^done $1" "$2"; }
enables() { cat /sys/kernel/sched_ext/enable_seq; }

start_scxd --config /tmp/c90.ini --state-dir /tmp/st90
seq0=$(enables)
busy_loop hog90
for i in 1 2 3 4; do run_in_cgroup /c90/load /tmp/hog90 >/dev/null; done
stay=
for i in 1 2 3; do stay="$stay $(run_in_cgroup /c90/box/stay sleep 100000)"; done
wait_for 10 tasks_are boxed 3 || fail "boxed has $(tasks_of boxed) tasks, expected 3"
new_cgroup /c90/box/cg >/dev/null

t0=$(date +%s)
forks=$(churn_in /c90/box/forks /tmp/fork90.out fork 10000)
names=$(churn_in /c90/names /tmp/rename90.out rename 10000 8 churnA churnB)
moves=$(churn_in /c90/home /tmp/cg90.out cgroups 1000 /sys/fs/cgroup/c90/box/cg)
# While it runs: control answers and no count goes below zero.
while ! { said fork /tmp/fork90.out && said rename /tmp/rename90.out &&
	said cgroups /tmp/cg90.out; }; do
	for f in /tmp/fork90.out /tmp/rename90.out /tmp/cg90.out; do
		grep -q '^churn:' "$f" && fail "$(cat "$f")"
	done
	scxctl status >/tmp/status90 || fail "status during the churn"
	counts_sane /tmp/status90 ||
		fail "a negative count: $(cat /tmp/status90)"
	[ $(($(date +%s) - t0)) -lt 500 ] || fail "churn not done in 500 s"
	sleep 1
done
echo "churn took $(($(date +%s) - t0)) s: $(cat /tmp/fork90.out /tmp/rename90.out /tmp/cg90.out)"
kill -0 "$forks" 2>/dev/null && wait_for 10 '! kill -0 "$forks" 2>/dev/null'

# 4 threads named churnA, 4 churnB; the mover and the 3 sleepers boxed.
wait_for 10 tasks_are named 4 || fail "named has $(tasks_of named) tasks, expected 4"
wait_for 10 tasks_are other 4 || fail "other has $(tasks_of other) tasks, expected 4"
wait_for 10 tasks_are boxed 4 || fail "boxed has $(tasks_of boxed) tasks, expected 4"
assert_eq "$(enables)" "$seq0" "sched_ext enables during the churn (an ejection re-attaches)"
assert_eq "$(sched_state)" enabled "sched_ext after the churn"
grep 'Scheduler exited' "$SCXD_LOG" && fail "the scheduler exited during the churn"
ls /sys/fs/cgroup/c90/box/cg | grep -q '^g' && fail "cgroups left behind"

# shellcheck disable=SC2086
kill $names $moves $stay
wait_for 10 tasks_are named 0 || fail "named still has $(tasks_of named) tasks"
wait_for 10 tasks_are other 0 || fail "other still has $(tasks_of other) tasks"
wait_for 10 tasks_are boxed 0 || fail "boxed still has $(tasks_of boxed) tasks"
scxctl status
stop_scxd || fail "scxd exited $?"
