#!/bin/sh
# Rig selftest: a case that fails by its exit code, and checks that the
# previous case's leftovers are gone.
# selftest-expect: fail-rc=1
. /tests/lib.sh
# Exit code 3 (not the expected 1) if the rig did not clean up.
pid=$(cat /tmp/rig-selftest-leftover) || exit 3
if kill -0 "$pid" 2>/dev/null; then echo "leftover pid $pid still alive"; exit 3; fi
if [ -d /sys/fs/cgroup/rig-selftest ]; then echo "leftover cgroup rig-selftest"; exit 3; fi
fail "deliberate failure"
