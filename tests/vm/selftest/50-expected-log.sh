#!/bin/sh
# Rig selftest: logs a line that would fail the case, but declares it.
# selftest-expect: pass
# expect-kernel-log: WARNING: selftest expected [0-9]+$
echo "WARNING: selftest expected 42" >/dev/kmsg
# The previous case timed out with a background child: it must be gone.
if ps | grep -q '[s]leep 600'; then echo "40-timeout left its sleep behind"; exit 3; fi
