#!/bin/sh
# Rig selftest: scx_bpf_error() ejects the scheduler; the case itself
# succeeds, the kernel log check must fail it.
# selftest-expect: fail-kernlog
. /tests/selftest/rigsched.sh
rigsched_load error
rigsched_victim
wait_state disabled
wait
