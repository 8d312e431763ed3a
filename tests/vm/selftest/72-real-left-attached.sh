#!/bin/sh
# Rig selftest: a case may end with a scheduler still attached; the rig
# detaches it (a normal unload) before the next case.
# selftest-expect: pass
. /tests/selftest/rigsched.sh
rigsched_load ok
