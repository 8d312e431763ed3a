#!/bin/sh
# Rig selftest: the sched_ext watchdog ejects a scheduler that leaves a
# task runnable for longer than its timeout (5 s); the kernel log check
# must fail the case.
# selftest-expect: fail-kernlog
. /tests/selftest/rigsched.sh
rigsched_load stall
rigsched_victim
wait_state disabled 30
wait
