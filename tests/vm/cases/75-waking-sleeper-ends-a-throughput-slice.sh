#!/bin/sh
# A task that sleeps and wakes in a throughput layer (here the catch-all:
# an sshd or a kworker on a build host) while another throughput layer
# saturates every CPU: its wakeup ends the slice of the hog on its CPU,
# whose layer is ahead of the sleeper's by more than wake_gran_ns of
# virtual time, instead of waiting out a 20 ms slice. Asserted on
# counters, not on time: at least a quarter of the sleeper layer's queued
# wakeups shortened a hog's slice (SHORTEN; most of the others find the
# hog's slice already at 0, a resched pending, which needs no shortening:
# 639 of 1173 when counted), the hogs' layer, whose tasks never sleep,
# shortened at most a tenth as many, and with the mechanism turned off
# (wake_gran_ns=10s) the same load shortens nothing.
# timeout: 150
. /tests/lib.sh

write_config /tmp/sleeper.ini <<'INI'
[layer.batch]
policy = throughput
match = cgroup=/sl/hogs
INI

# measure TAG [SCXD ARGS...]: the sleeper beside the hogs; sets
# short_default, woke_default, short_batch.
measure() {
	_tag=$1
	shift
	start_scxd --config /tmp/sleeper.ini "$@"
	saturate /sl/hogs 12 >/dev/null
	sleep 2
	# Two sleepers: cyclictest pins its thread (its wakeups go to its
	# CPU's local queue), frameloop does not (they go through the
	# layer's queue): 0.1 ms of work every 2 ms.
	run_in_cgroup /sl/probe cyclictest -q -t 1 -i 2000 -D 6 >/dev/null
	run_in_cgroup /sl/probe frameloop 2000 100 6 >/dev/null
	sleep 7
	scxctl --json status >/tmp/st.json || fail "status failed"
	scxctl stats
	_v=$(jsonget 'layers[name=default].counters.shortened' \
		'layers[name=default].counters.wakeups' \
		'layers[name=batch].counters.shortened' \
		'layers[name=batch].counters.wakeups' </tmp/st.json) ||
		fail "no counters in status"
	set -- $_v
	short_default=$1 woke_default=$2 short_batch=$3 woke_batch=$4
	echo "$_tag: default layer: $short_default of $woke_default queued wakeups shortened a slice; batch: $short_batch of $woke_batch"
	stop_scxd || fail "scxd exited $?"
	pkill -f 'stress-ng' 2>/dev/null
	sleep 1
}

measure on
[ "$woke_default" -ge 100 ] || fail "only $woke_default queued wakeups in the default layer"
[ $((short_default * 4)) -ge "$woke_default" ] ||
	fail "only $short_default of $woke_default sleeper wakeups shortened a hog's slice"
# The hogs never sleep: the batch layer's few wakeups (stress-ng's parent,
# the hogs' start) are not a sleeper's.
[ $((short_batch * 10)) -le $((short_default)) ] ||
	fail "the never-sleeping hogs shortened $short_batch slices (the sleeper's layer $short_default)"

measure off --tune wake_gran_ns=10s
[ "$woke_default" -ge 100 ] || fail "only $woke_default queued wakeups in the default layer (off)"
assert_eq "$short_default" 0 "slices shortened with wake_gran_ns=10s"
