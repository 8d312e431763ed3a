#!/bin/sh
# Rig selftest: exits 0 but logs a BUG line: the kernel log check fails it.
# selftest-expect: fail-kernlog
echo "BUG: selftest" >/dev/kmsg
