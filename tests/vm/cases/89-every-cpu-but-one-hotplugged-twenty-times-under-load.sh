#!/bin/sh
# Every CPU but cpu0 taken offline and brought back, 20 rounds, while
# hogs load the machine. Each round the kernel asks for a restart (scxd
# has no hotplug callbacks) and scxd attaches again: the program it keeps
# loaded, so no round waits for the verifier. After the last round the
# daemon runs, attached on all 8 CPUs, with its runtime change; each layer
# counts its tasks exactly, and every hog ran.
# expect-kernel-log: going (on|off)line|exiting scheduler|hotplug
# timeout: 600
# suite: once (case 66 takes a CPU off and back on each kernel)
. /tests/lib.sh

ROUNDS=20
count() { grep -c "$1" "$SCXD_LOG"; }
cputime() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Settled: attached, and once for every restart the kernel asked for.
settled() {
	[ "$(sched_state)" = enabled ] && [ "$(sched_ops)" = scxd ] &&
		[ "$(count 'Scheduler scxd attached')" -eq $(($(count 'asks for a restart') + 1)) ]
}
set_cpus() { # 0|1: every CPU but cpu0 off or on
	for c in 1 2 3 4 5 6 7; do
		echo "$1" >/sys/devices/system/cpu/cpu$c/online ||
			fail "round $round: cannot set cpu$c online=$1"
	done
}

boxed_config c89
start_scxd --config /tmp/c89.ini --state-dir /tmp/st89
boxed_hogs c89 4
scxctl set-layer boxed --weight 77 || fail "set-layer exited $?"
t0=
for p in $HOGS; do t0="$t0 $(cputime "$p")"; done

round=1
start=$(date +%s)
while [ $round -le $ROUNDS ]; do
	asked=$(count 'asks for a restart')
	set_cpus 0
	set_cpus 1
	wait_for 30 '[ "$(count "asks for a restart")" -gt "$asked" ]' ||
		fail "round $round: no restart asked"
	wait_for 60 settled || fail "round $round: not attached again (state $(sched_state))"
	kill -0 "$SCXD_PID" || fail "round $round: scxd died"
	round=$((round + 1))
done
echo "$ROUNDS rounds in $(($(date +%s) - start)) s: $(count 'asks for a restart') restarts," \
	"$(count 'Scheduler scxd attached') attaches"
# Nothing pending: still settled a moment later.
sleep 2
settled || fail "not settled after the last round"
count 'Re-attach failed' >/dev/null && fail "a re-attach failed: $(grep 'Re-attach failed' "$SCXD_LOG")"
[ "$(count 'asks for a restart')" -ge $ROUNDS ] || fail "fewer restarts than rounds"
# Re-attaches reuse the loaded program: one load for the whole case.
assert_eq "$(count 'loading it anew')" 0 "fresh loads after the first"

assert_eq "$(cat /sys/devices/system/cpu/online)" 0-7 "online CPUs"
assert_eq "$(scxctl --json status | jsonget 'layers[name=boxed].weight')" 77 "boxed weight"
wait_for 10 tasks_are boxed 4 || fail "boxed has $(tasks_of boxed) tasks, expected 4"
set -- $t0
for p in $HOGS; do
	[ "$(cputime "$p")" -gt "$1" ] || fail "hog $p got no CPU time"
	shift
done
scxctl topology | head -n 1 | grep -q ', 8 CPUs, 2 LLCs$' ||
	{ scxctl topology; fail "the scheduler's topology is not 8 CPUs in 2 LLCs"; }
# shellcheck disable=SC2086
kill $HOGS
wait_for 10 tasks_are boxed 0 || fail "boxed still has $(tasks_of boxed) tasks"
stop_scxd || fail "scxd exited $?"
