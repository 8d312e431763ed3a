#!/bin/sh
# An auto layer (policy = auto) serves each of its tasks as the class its
# behaviour calls for. Beside four CPU hogs on two CPUs (taskset), all in
# one auto layer: a loop that wakes at 50 Hz and does 50 us of work
# (frameloop) is served as latency (explain, status's counts), and its
# wakeup p99 is within 1.5x of the same program's in a pure latency layer
# (pooled over 6 rounds, see below); the hogs are served as throughput, and
# their slices are the throughput slice (involuntary switches: at least
# 2.5x as many once the layer is made latency, whose slice is a tenth).
# With auto_min_wakeups out of reach the same loop is served as
# throughput. A task that hogs for 3 s and then wakes at 100 Hz is served
# as throughput, then as latency within 2 s. explain says how it is
# served and why, status counts each class, class_changes counts the
# moves.
#
# The two loops of a round run at the same time on one grid of deadlines
# (FRAMELOOP_ALIGN), which of them starts first alternating, and the p99
# is taken over the wakeups of all rounds pooled (FRAMELOOP_WAITS), less
# each run's first second (see pair): whatever else delays the machine at
# a deadline (the other kernel's suite in make test, the emulator's
# stalls of up to 100 ms) delays both alike. Taken one after the other,
# the pure latency layer's own p99 went from 8 ms to 20-30 ms with the
# host's load and a median of 5 runs' ratios from 0.97x to 1.6x; side by
# side but each on its own grid, the same program in two pure latency
# layers came out 0.55x to 1.04x of itself. On one grid, pooled, on the
# two kernels side by side: that pair 0.84x-1.35x, auto / latency layer
# 0.97x-0.98x (and up to 2.1x before a waking latency task preempted its
# own CPU first: find_victim()); served as throughput, 2.9x-3.0x (printed,
# not asserted: in a boot whose stalls are over 1% of the wakeups both
# p99s are the stalls, 1.2x once).
#
# wake_gran_ns is out of the way (--tune): at its default a waking
# throughput task ends a hog's slice too, and the loop's p99 as
# throughput was no worse (6.3 ms against 7.1 ms as latency). 50 Hz, not
# 1 kHz: this emulated shape's sleeps overshoot by about a tick (p50
# 3.3 ms), so a 1 kHz loop, even with 10 us of work, missed 750 frames of
# 1000, ran on without sleeping and was rightly judged a hog; at 100 Hz
# beside the other suite the loop fell behind by up to 90 ms now and
# then, ran its backlog past 8x the threshold and was served as
# throughput until it slept again. The runs assert that the loop keeps up
# (under half of its frames missed).
# timeout: 420
. /tests/lib.sh

command -v taskset >/dev/null || fail "no taskset in the initramfs"
cp "$(command -v frameloop)" /tmp/wakerL	# the same program, named for the latency layer
busy_loop hogA
write_config /tmp/auto.ini <<'INI'
[layer.lat]
policy = latency
match = comm=wakerL

[layer.mixed]
policy = auto
match = comm=frameloop
match = comm=hogA
INI
start_scxd --config /tmp/auto.ini --tune wake_gran_ns=10000000000
HOGS=
for i in 1 2 3 4; do
	HOGS="$HOGS $(run_in_cgroup /auto taskset -c 2,3 /tmp/hogA)"
done
wait_for 10 tasks_are mixed 4 || fail "mixed has $(tasks_of mixed) tasks, expected 4"

get() { scxctl --json status | jsonget "layers[name=mixed].$1"; }
served_as() { scxctl --json explain "$1" | jsonget served_as; }
assert_eq "$(get policy)" auto "mixed's policy"
assert_eq "$(get slice_us)" 0 "an auto layer's slice_us"
for p in $HOGS; do
	assert_eq "$(served_as "$p")" throughput "hog $p served as"
done

# pair SECS CLASS FIRST: frameloop (in mixed) and /tmp/wakerL (in lat),
# each at 50 Hz with 50 us of work on the hogs' CPUs, side by side on one
# grid of deadlines for SECS, FIRST (frameloop or wakerL) started first;
# frameloop must be served as CLASS halfway through. Each one's wakeups
# after its first second go to /tmp/waits/NAME: a new task in an auto
# layer starts as throughput and is served as latency once a few of its
# wakeups are measured (its first run, exec and all, counts whole), and
# the comparison is of how it is served then (how soon a task changes
# class is the last part of this case).
pair() {
	if [ "$3" = frameloop ]; then
		FRAMELOOP_ALIGN=1 FRAMELOOP_WAITS=/tmp/a.w taskset -c 2,3 frameloop 20000 50 "$1" >/tmp/a.out 2>&1 &
		_a=$!
		FRAMELOOP_ALIGN=1 FRAMELOOP_WAITS=/tmp/l.w taskset -c 2,3 /tmp/wakerL 20000 50 "$1" >/tmp/l.out 2>&1 &
		_l=$!
	else
		FRAMELOOP_ALIGN=1 FRAMELOOP_WAITS=/tmp/l.w taskset -c 2,3 /tmp/wakerL 20000 50 "$1" >/tmp/l.out 2>&1 &
		_l=$!
		FRAMELOOP_ALIGN=1 FRAMELOOP_WAITS=/tmp/a.w taskset -c 2,3 frameloop 20000 50 "$1" >/tmp/a.out 2>&1 &
		_a=$!
	fi
	sleep $(($1 / 2))
	_as=$(served_as $_a)
	assert_eq "$_as" "$2" "frameloop served as"
	wait $_a || fail "frameloop exited $?: $(cat /tmp/a.out)"
	wait $_l || fail "wakerL exited $?: $(cat /tmp/l.out)"
	echo "auto ($2): $(cat /tmp/a.out)"
	echo "latency layer: $(cat /tmp/l.out)"
	_missed=$(sed -n 's/.*missed_per_1000=\([0-9]*\).*/\1/p' /tmp/l.out)
	[ -n "$_missed" ] || fail "no missed_per_1000 in wakerL's output"
	[ "$_missed" -lt 500 ] || fail "the loop missed $_missed frames of 1000 in a latency layer: a hog, not a waker"
	tail -n +51 /tmp/a.w >>/tmp/waits/auto
	tail -n +51 /tmp/l.w >>/tmp/waits/lat
	rm -f /tmp/a.w /tmp/l.w
}
# pooled NAME: the p99 of /tmp/waits/NAME's wakeups (us), and their number
pooled() {
	sort -n "/tmp/waits/$1" | awk '{ v[NR] = $1 } END { print v[int(NR * 0.99) + 1], NR }'
}
# compare CLASS: pooled p99s of 6 rounds (3 each way round) of 6 s;
# $ratio is frameloop's / wakerL's
compare() {
	rm -rf /tmp/waits
	mkdir /tmp/waits
	for first in frameloop wakerL frameloop wakerL frameloop wakerL; do
		pair 6 "$1" $first
	done
	set -- $(pooled auto) $(pooled lat)
	[ "$2" -ge 1000 ] && [ "$4" -ge 1000 ] || fail "too few wakeups pooled: $2 and $4"
	ratio=$(awk -v a="$1" -v l="$3" 'BEGIN { printf "%.2f", a / (l > 0 ? l : 1) }')
	echo "pooled wakeup p99: frameloop $1 us ($2 wakeups), wakerL $3 us ($4): ${ratio}x"
}

lat() { scxctl --json status | jsonget "layers[name=lat].counters.$1"; }
c0=$(get counters.class_changes) m0=$(lat migrations) w0=$(lat wakeups)
compare latency
m=$(($(lat migrations) - m0)) w=$(($(lat wakeups) - w0))
echo "class changes in mixed during the rounds: $(($(get counters.class_changes) - c0)) (each new loop's first); wakerL migrated on $m of $w wakeups"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }' ||
	fail "the waker's wakeup p99 in the auto layer is ${ratio}x its p99 in a latency layer, over 1.5x"
# A waking latency task preempts its own CPU first (find_victim): taking
# the lowest CPU instead, the loops took each other's, 111-568 times.
[ "$w" -gt 1000 ] && [ "$m" -lt $((w / 20)) ] ||
	fail "wakerL migrated on $m of its $w wakeups: it does not preempt its own CPU first"

scxctl --json status | jsonget 'layers[name=mixed].served' 'layers[name=mixed].counters.class_changes'
frameloop 10000 50 30 >/dev/null 2>&1 &
loop=$!
wait_for 10 '[ "$(get served.latency)" = 1 ]' || fail "served as latency: $(get served.latency), want 1"
assert_eq "$(get served.throughput)" 4 "tasks served as throughput"
assert_eq "$(get tasks)" 5 "tasks in mixed"
st=$(scxctl status)
echo "$st"
echo "$st" | awk '$1 == "mixed" { print $NF }' | grep -qx 1/4 || fail "status does not show the classes"
kill $loop
wait $loop 2>/dev/null

# --- the check can fail: out of reach, the same loop is throughput
# (printed: see the header)
scxctl set-layer mixed --auto-min-wakeups 100000 || fail "set-layer exited $?"
compare throughput
echo "wakeup p99 served as throughput / latency layer: ${ratio}x"
scxctl set-layer mixed --auto-min-wakeups= || fail "set-layer exited $?"

# --- the hogs' slices: involuntary switches over 6 s, auto then latency
switches() { # the hogs' nonvoluntary context switches, summed
	for p in $HOGS; do sed -n 's/^nonvoluntary_ctxt_switches:[^0-9]*//p' /proc/$p/status; done |
		awk '{ s += $1 } END { print s }'
}
s0=$(switches); sleep 6; s1=$(switches)
scxctl set-layer mixed --latency || fail "set-layer --latency exited $?"
sleep 1
s2=$(switches); sleep 6; s3=$(switches)
echo "hogs' involuntary switches in 6 s: auto $((s1 - s0)), latency $((s3 - s2))"
[ $((s3 - s2)) -ge $(((s1 - s0) * 5 / 2)) ] ||
	fail "as latency the hogs switched $((s3 - s2)) times, not 2.5x the $((s1 - s0)) of their auto slices"
scxctl set-layer mixed --auto || fail "set-layer --auto exited $?"

# --- a hog that turns into a waker: throughput, then latency within 2 s
c0=$(get counters.class_changes)
frameloop 10000 50 8 3000 >/tmp/turn.out 2>&1 &
turn=$!
sleep 2
assert_eq "$(served_as $turn)" throughput "the loop while it hogs"
wait_for 5 'grep -q hogged /tmp/turn.out' || fail "the loop never stopped hogging"
t0=$(cut -d' ' -f1 /proc/uptime)
wait_for 5 '[ "$(served_as $turn)" = latency ]' || fail "still $(served_as $turn) 5 s after it stopped hogging"
t1=$(cut -d' ' -f1 /proc/uptime)
scxctl explain $turn
took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "served as latency ${took} s after it stopped hogging"
awk -v t="$took" 'BEGIN { exit !(t <= 2) }' || fail "took ${took} s to be served as latency, over 2 s"
wait $turn
[ "$(get counters.class_changes)" -gt "$c0" ] || fail "class_changes did not count the move"

assert_eq "$(sched_state)" enabled "sched_ext at the end"
stop_scxd || fail "scxd exited $?"
