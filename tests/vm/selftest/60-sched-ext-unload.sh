#!/bin/sh
# Rig selftest: the text of a normal sched_ext unload (written here by
# hand, at the kernel's wording) does not fail a case.
# selftest-expect: pass
echo 'sched_ext: BPF scheduler "selftest" disabled (unregistered from user space)' >/dev/kmsg
