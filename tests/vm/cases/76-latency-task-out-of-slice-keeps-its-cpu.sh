#!/bin/sh
# A latency task that needs more than one slice (a frame loop: 1.5 ms of
# work every 50 ms, in 0.5 ms latency slices; the work is in task CPU
# time, which under this shape's emulation runs about ten times slower
# than the wall clock, hence the long period and a latency_burst_ns of
# 200 ms: the burst is counted in scx_bpf_now() time, 10x a frame's work)
# beside hogs that saturate every CPU. Its wakeup preempts a hog; when the
# frame's first slice runs out, it keeps its CPU with a new slice (KEEP,
# ops.tick: its recent CPU use under latency_burst_ns) instead of losing it
# to that hog for a throughput slice. Asserted on counters, not on time:
# the frames layer kept its CPU, and with latency_burst_ns=0 the same load
# keeps none. (A run with 20 ms slices, longer than a frame's work, still
# kept 6 against 14 with 0.5 ms: a loop that falls behind here runs on
# past its slice, so that comparison does not separate in this shape.)
# timeout: 150
. /tests/lib.sh

write_config /tmp/frames.ini <<'INI'
[layer.frames]
policy = latency
slice_us = 500
match = comm=frameloop

[layer.hogs]
policy = throughput
match = comm=stress-ng*
INI

# kept: the frames layer's KEEP counter into $kept.
kept() {
	kept=$(scxctl --json status | jsonget 'layers[name=frames].counters.kept') ||
		fail "no kept counter in status"
}

start_scxd --config /tmp/frames.ini --tune latency_burst_ns=200ms
saturate /fr 40 >/dev/null
sleep 2
frameloop 50000 1500 6 || fail "frameloop exited $?"
kept
k1=$kept
scxctl stats
echo "0.5 ms slices: $k1 slices renewed in place"
[ "$k1" -ge 5 ] || fail "only $k1 latency slices renewed in place"

stop_scxd || fail "scxd exited $?"

start_scxd --config /tmp/frames.ini --tune latency_burst_ns=0
frameloop 50000 1500 6 || fail "frameloop exited $?"
kept
echo "no burst: $kept kept"
assert_eq "$kept" 0 "slices renewed with latency_burst_ns=0"
stop_scxd || fail "scxd exited $?"
