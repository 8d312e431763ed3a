#!/bin/sh
# Rig selftest: the kernel panics mid-case (SysRq-c). The VM ends; the host
# must fail this case and every case after it, and show the console.
# selftest-expect: fail-crash
echo "crashing the kernel on purpose"
sync
echo c >/proc/sysrq-trigger
sleep 60
