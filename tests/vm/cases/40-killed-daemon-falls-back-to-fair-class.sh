#!/bin/sh
# After kill -9 of the daemon the kernel unloads the scheduler (its link
# is closed with the process): tasks fall back to the fair class and the
# system keeps running.
. /tests/lib.sh

start_scxd
stress-ng --cpu 4 --timeout 30s --quiet &
hogs=$!
sleep 1
kill -9 "$SCXD_PID"
wait_for 10 state_is disabled || fail "state is $(sched_state) after kill -9"
# The machine still runs work to completion.
i=0
while [ $i -lt 50 ]; do /bin/true; i=$((i + 1)); done
kill "$hogs" 2>/dev/null
wait "$hogs" 2>/dev/null
# And a new daemon can attach again.
start_scxd
stop_scxd || fail "second scxd exited $?"
