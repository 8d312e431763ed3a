#!/bin/sh
# Rig selftest: a case and what it starts see SIGINT and SIGQUIT at their
# default action (a background job of a non-interactive shell would have
# them ignored, and kill -INT would do nothing).
# selftest-expect: pass
. /tests/lib.sh
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status)
assert_eq "$ign" 0000000000000000 "ignored signals of the case's processes"
sleep 30 &
pid=$!
kill -INT $pid
wait $pid
assert_eq $? 130 "exit status of a sleep sent SIGINT"
