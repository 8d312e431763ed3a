#!/bin/sh
# Rig selftest: the text of a sched_ext error exit fails a case even
# without a BUG/WARNING keyword in it.
# selftest-expect: fail-kernlog
echo 'sched_ext: BPF scheduler "selftest" disabled (scx_bpf_error)' >/dev/kmsg
