#!/bin/sh
# A waking task looks for an idle CPU (the kernel's pick) only when the
# kernel's idle mask has one: with every CPU busy the pick walks the
# scheduling domains to find nothing (38 us of select_cpu's 73 us under
# emulation). Asserted on the layer's counters, not on time: a napper
# (0.5 ms of work every 10 ms, not pinned) on a quiet machine is placed
# on an idle CPU (DIRECT) for most of its wakeups and rarely counts BUSY;
# beside hogs on every CPU, most of its wakeups count BUSY and it still
# runs (it preempts: a latency layer).
# timeout: 120
. /tests/lib.sh

write_config /tmp/busy.ini <<'INI'
[layer.napper]
policy = latency
match = comm=napper

[layer.hogs]
policy = throughput
match = comm=stress-ng*
INI
cp "$(command -v frameloop)" /tmp/napper

# counters: "WAKEUPS BUSY" of the napper layer (wakeups: queued + direct).
counters() {
	v=$(scxctl --json status | jsonget 'layers[name=napper].counters.wakeups' \
		'layers[name=napper].counters.direct' 'layers[name=napper].counters.busy') ||
		fail "no napper counters in status"
	set -- $v
	echo "$(($1 + $2)) $3"
}

start_scxd --config /tmp/busy.ini
/tmp/napper 10000 500 4 >/dev/null || fail "napper exited $? on a quiet machine"
set -- $(counters)
quiet_wakeups=$1 quiet_busy=$2
echo "quiet: $quiet_busy of $quiet_wakeups wakeups found no CPU idle"
[ "$quiet_wakeups" -ge 100 ] || fail "only $quiet_wakeups napper wakeups on a quiet machine"
[ $((quiet_busy * 4)) -le "$quiet_wakeups" ] ||
	fail "$quiet_busy of $quiet_wakeups wakeups found no CPU idle on a quiet machine"

saturate /busy 20 >/dev/null
sleep 3
/tmp/napper 10000 500 6 >/dev/null || fail "napper exited $? beside the hogs"
set -- $(counters)
wakeups=$(($1 - quiet_wakeups)) busy=$(($2 - quiet_busy))
scxctl stats
echo "saturated: $busy of $wakeups wakeups found no CPU idle"
[ "$wakeups" -ge 100 ] || fail "only $wakeups napper wakeups beside the hogs"
[ $((busy * 2)) -ge "$wakeups" ] ||
	fail "only $busy of $wakeups wakeups beside hogs on every CPU found no CPU idle"
stop_scxd || fail "scxd exited $?"
