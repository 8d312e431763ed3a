#!/bin/sh
# Taking a CPU offline and back online under load: the kernel asks the
# scheduler to restart (it has no hotplug callbacks), and scxd attaches
# again by itself each time; the daemon keeps running and keeps serving.
# expect-kernel-log: going (on|off)line|exiting scheduler|hotplug
# timeout: 150
. /tests/lib.sh

attached() { [ "$(sched_state)" = enabled ] && [ "$(sched_ops)" = scxd ]; }

start_scxd
new_cgroup /hp
run_in_cgroup /hp stress-ng --cpu 8 --timeout 80s --quiet >/dev/null
sleep 2
echo 0 >/sys/devices/system/cpu/cpu3/online || fail "cannot offline cpu3"
sleep 1
wait_for 30 attached || fail "not re-attached after offlining cpu3 (state $(sched_state))"
kill -0 "$SCXD_PID" || fail "scxd died after offline"
scxctl topology | grep -E '^ +3 ' || true
echo 1 >/sys/devices/system/cpu/cpu3/online || fail "cannot online cpu3"
sleep 1
wait_for 30 attached || fail "not re-attached after onlining cpu3 (state $(sched_state))"
kill -0 "$SCXD_PID" || fail "scxd died after online"
scxctl status >/dev/null || fail "scxctl status after hotplug"
grep -c "re-attach" /tmp/scxd.log
grep -q "attached" /tmp/scxd.log || fail "no re-attach logged"
stop_scxd || fail "scxd exited $?"
