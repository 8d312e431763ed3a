#!/bin/sh
# Rig selftest: SysRq-S ejects the scheduler with 'disabled by sysrq-S',
# which is an operator's action, not an error.
# selftest-expect: pass
. /tests/selftest/rigsched.sh
rigsched_load ok
echo S >/proc/sysrq-trigger
wait_state disabled
