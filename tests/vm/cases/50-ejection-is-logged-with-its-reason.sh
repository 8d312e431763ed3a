#!/bin/sh
# When the kernel ejects the scheduler (here: SysRq-S, "disable sched_ext"),
# the daemon logs the exit kind and reason and exits non-zero, so that
# systemd's Restart=on-failure brings it back.
# expect-kernel-log: sysrq
. /tests/lib.sh

start_scxd
echo S >/proc/sysrq-trigger
wait_for 10 state_is disabled || fail "state is $(sched_state) after SysRq-S"
i=0
while kill -0 "$SCXD_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$SCXD_PID" 2>/dev/null && fail "scxd still running after ejection"
wait "$SCXD_PID"
rc=$?
cat /tmp/scxd.log
[ "$rc" -ne 0 ] || fail "scxd exited 0 after being ejected"
grep -q "Scheduler exited: disabled by sysrq" /tmp/scxd.log || fail "exit reason not logged"
