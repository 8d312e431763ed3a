#!/bin/sh
# SIGSTOP of the daemon for 60 s while hogs load every CPU: scheduling goes
# on (the BPF scheduler needs no daemon to run tasks; only the CPU
# allocation waits), nothing is ejected or restarted, and every hog keeps
# getting CPU time. Clients that come meanwhile wait: one with a short
# timeout gives up with a clear error, one with a long one is answered
# after SIGCONT, and control works again at once.
# timeout: 180
# suite: once (the kernel keeps scheduling: cases 40 and 86 show its fallback on each kernel)
. /tests/lib.sh

boxed_config c87
cputime() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_scxd --config /tmp/c87.ini --state-dir /tmp/st87
boxed_hogs c87 12
pids=$HOGS
seq0=$(cat /sys/kernel/sched_ext/enable_seq)

kill -STOP "$SCXD_PID"
"$SCXCTL_BIN" --timeout 120000 status >/tmp/late.out 2>&1 &
late=$!
err=$("$SCXCTL_BIN" --timeout 2000 status 2>&1) && fail "status answered by a stopped daemon"
echo "short timeout: $err"
case "$err" in *"timed out"* | *timeout*) ;; *) fail "no clear timeout error: $err" ;; esac
for round in 1 2 3 4 5 6; do
	t0=
	for p in $pids; do t0="$t0 $(cputime "$p")"; done
	sleep 10
	set -- $t0
	for p in $pids; do
		[ "$(cputime "$p")" -gt "$1" ] || fail "hog $p got no CPU time in 10 s (round $round of the stop)"
		shift
	done
	assert_eq "$(sched_state)" enabled "sched_ext $((round * 10)) s into the stop"
	assert_eq "$(sched_ops)" scxd "root/ops $((round * 10)) s into the stop"
done
kill -CONT "$SCXD_PID"
wait "$late" || fail "the waiting client failed after SIGCONT: $(cat /tmp/late.out)"
head -n 1 /tmp/late.out
assert_eq "$(cat /sys/kernel/sched_ext/enable_seq)" "$seq0" "enable_seq after the stop (no re-attach)"
tasks_are boxed 12 || fail "boxed has $(tasks_of boxed) tasks after SIGCONT, expected 12"
scxctl set-layer boxed --weight 9 || fail "set-layer after SIGCONT exited $?"
# shellcheck disable=SC2086
kill $pids
stop_scxd || fail "scxd exited $?"
