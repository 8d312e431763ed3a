#!/bin/sh
# Rig selftest: a case that passes, and leaves a process and a cgroup
# behind that the rig must clean up before the next case.
# selftest-expect: pass
. /tests/lib.sh
pid=$(run_in_cgroup rig-selftest/left sleep 1000)
wait_for 5 kill -0 "$pid" || fail "run_in_cgroup: $pid did not start"
assert_eq "$(cgroup_of "$pid")" rig-selftest/left "cgroup of the sleeper"
echo "$pid" >/tmp/rig-selftest-leftover
cpu=$(cpu_of $$)
[ "$cpu" -ge 0 ] 2>/dev/null || fail "cpu_of: '$cpu'"
echo "left pid $pid behind in rig-selftest/left; running on cpu $cpu"
