#!/bin/sh
# Rig selftest: a real BPF scheduler attached and unregistered from user
# space logs 'disabled (unregistered from user space)': not a failure.
# selftest-expect: pass
. /tests/selftest/rigsched.sh
rigsched_load ok
rm /sys/fs/bpf/rigsched/*
wait_state disabled
dmesg | grep 'sched_ext: BPF scheduler "rigsched"' | tail -n 2
