#!/bin/sh
# 20 s of stress-ng --cpu 16 plus a fork loop: the scheduler stays
# attached (no stall, no ejection) and the system keeps making progress.
# Progress, not speed: the same code forked 99 to 198 processes in runs
# under TCG (host load decides), a stalled one none; the bar is 30.
# timeout: 120
. /tests/lib.sh

start_scxd
stress-ng --cpu 16 --timeout 20s --quiet &
hogs=$!
forks=0
end=$(( $(date +%s) + 20 ))
while [ "$(date +%s)" -lt "$end" ]; do
	/bin/true & /bin/true & /bin/true & wait $!
	forks=$((forks + 3))
done
wait $hogs || fail "stress-ng failed"
echo "forked $forks processes"
[ "$forks" -ge 30 ] || fail "only $forks forks in 20 s"
assert_eq "$(sched_state)" enabled "sched_ext after load"
scxctl status || fail "status after load"
stop_scxd || fail "scxd exited $?"
