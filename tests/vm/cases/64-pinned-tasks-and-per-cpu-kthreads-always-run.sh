#!/bin/sh
# With a latency layer saturating every CPU (the worst case for everyone
# else), tasks pinned to each CPU with taskset still run to completion,
# and work queued on every CPU's kworker completes (compact_memory drains
# per-CPU LRU caches through each CPU's kworker and waits for all).
# timeout: 150
. /tests/lib.sh

write_config /tmp/pin.ini <<'INI'
[layer.hogs]
policy = latency
match = comm=stress-ng*
INI
start_scxd --config /tmp/pin.ini
saturate /pin 90 >/dev/null
sleep 3

pids=""
cpu=0
while [ $cpu -lt "$(nproc)" ]; do
	taskset -c $cpu sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done; echo done' \
		>/tmp/pin.$cpu &
	pids="$pids $!"
	cpu=$((cpu + 1))
done
for p in $pids; do wait "$p" || fail "pinned task $p failed"; done
cpu=0
while [ $cpu -lt "$(nproc)" ]; do
	assert_eq "$(cat /tmp/pin.$cpu)" done "task pinned to cpu$cpu"
	cpu=$((cpu + 1))
done
echo "all $(nproc) pinned tasks completed"
if [ -w /proc/sys/vm/compact_memory ]; then
	echo 1 >/proc/sys/vm/compact_memory || fail "compact_memory failed"
	echo "per-CPU kworkers completed a drain on every CPU"
fi
sync
assert_eq "$(sched_state)" enabled "sched_ext after the run"
stop_scxd || fail "scxd exited $?"
