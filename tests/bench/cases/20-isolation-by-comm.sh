#!/bin/sh
# Workload 2, isolation in one cgroup: the probe and the hogs in the same
# cgroup, as on a desktop where a game and a compiler share a session
# scope, so no cgroup setting can favour one over the other. scxd
# (by-comm.ini) tells them apart by command name; EEVDF's counterpart is
# what ananicy-cpp's rules by name do, the hogs at nice 19 (eevdf-nice).
# timeout: 420
. /tests/lib.sh
. /tests/cases/bench.sh

W=isolation-by-comm
CONFIGS="idle eevdf eevdf-nice scxd"
# One cgroup for both.
PROBE_CG=bench/session
PROBE_DIR=/sys/fs/cgroup/$PROBE_CG
HOGS_DIR=$PROBE_DIR

start_scxd --config /tests/cases/by-comm.ini
new_cgroup $PROBE_CG >/dev/null
# First, that the names tell them apart: both layers get their tasks.
start_hogs
pid=$(run_in_cgroup "$PROBE_CG" cyclictest -q -D 30 -i 1000 -t 1)
wait_for 10 '[ "$(layer_tasks probe)" -ge 1 ] && [ "$(layer_tasks hogs)" -ge $NR_HOGS ]' ||
	fail "the probe and the hogs are not in their layers: $(scxctl layers)"
kill "$pid"
stop_hogs check

rounds measure_latency $CONFIGS

enter scxd
stop_scxd || fail "scxd exited $?"
report_latency $W $CONFIGS
