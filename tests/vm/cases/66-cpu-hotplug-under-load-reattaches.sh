#!/bin/sh
# Taking a CPU offline and back online under load: the kernel asks the
# scheduler to restart (it has no hotplug callbacks), and scxd attaches
# again by itself each time; the daemon keeps running and keeps serving.
# expect-kernel-log: going (on|off)line|exiting scheduler|hotplug
# timeout: 150
. /tests/lib.sh

attached() { [ "$(sched_state)" = enabled ] && [ "$(sched_ops)" = scxd ]; }

# restarts: how many times the daemon has been asked to re-attach.
restarts() { grep -c 'asks for a restart' "$SCXD_LOG"; }

start_scxd
new_cgroup /hp
# The load spans the offline and the restart it causes. It ends after
# 20 s: a re-attach that has to verify the program while 8 hogs share
# the emulator's one host thread took 80 s, all of the case's run time.
run_in_cgroup /hp stress-ng --cpu 8 --timeout 20s --quiet >/dev/null
sleep 2
echo 0 >/sys/devices/system/cpu/cpu3/online || fail "cannot offline cpu3"
# The kernel's exit comes a moment after the offline: wait for the
# daemon to have seen it, or "attached" would still be the old attach.
wait_for 30 '[ "$(restarts)" -ge 1 ]' || fail "no restart asked after offlining cpu3"
wait_for 60 attached || fail "not re-attached after offlining cpu3 (state $(sched_state))"
kill -0 "$SCXD_PID" || fail "scxd died after offline"
scxctl topology | grep -E '^ +3 ' || true
echo 1 >/sys/devices/system/cpu/cpu3/online || fail "cannot online cpu3"
wait_for 30 '[ "$(restarts)" -ge 2 ]' || fail "no restart asked after onlining cpu3"
wait_for 60 attached || fail "not re-attached after onlining cpu3 (state $(sched_state))"
kill -0 "$SCXD_PID" || fail "scxd died after online"
scxctl status >/dev/null || fail "scxctl status after hotplug"
assert_eq "$(restarts)" 2 "restarts asked by the kernel"
stop_scxd || fail "scxd exited $?"
