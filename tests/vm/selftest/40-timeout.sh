#!/bin/sh
# Rig selftest: runs past its timeout; the rig kills it and its children.
# selftest-expect: fail-timeout
# timeout: 3
sleep 600 &
sleep 600
