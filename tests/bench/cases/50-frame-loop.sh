#!/bin/sh
# Workload 5, a frame loop: a thread that does 4 ms of work every 16.7 ms
# (a game's or a compositor's main loop at 60 frames a second,
# tests/bench/tools/frameloop.c) in a latency layer (isolation.ini: the
# /bench/probe cgroup) beside 4 CPU hogs. A frame whose work ends after
# the next frame should have begun is missed. Figures: missed frames per
# 1,000, and the latest frame.
# timeout: 420
. /tests/lib.sh
. /tests/cases/bench.sh

W=frame-loop
CONFIGS="idle eevdf eevdf-cgroup scxd"

start_scxd --config /tests/cases/isolation.ini
bench_cgroups

measure() {
	[ "$1" = idle ] || start_hogs
	(
		echo 0 >"$PROBE_DIR/cgroup.procs" || exit 1
		exec frameloop 16667 4000 "$SECS"
	) >"$CASE_TMP/frames.out" 2>&1 || { cat "$CASE_TMP/frames.out"; fail "frameloop exited $?"; }
	cat "$CASE_TMP/frames.out"
	cat "$CASE_TMP/frames.out" >>"$CASE_TMP/$1.frames"
	[ "$1" = idle ] || stop_hogs "$1"
}
rounds measure $CONFIGS

enter scxd
stop_scxd || fail "scxd exited $?"
report_frames $W $CONFIGS
