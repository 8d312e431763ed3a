#!/bin/sh
# scxctl compare measures every layer under EEVDF and under scxd with one
# instrument: with a latency probe and hogs running, both arms report
# wakeups and latencies for both layers (no null passed off as data), the
# instrument agrees with the scheduler's own counts within 10% while scxd
# runs, and afterwards scxd is attached with the same configuration and
# enable_seq moved only by the compare's own re-attaches. A command runs
# once per arm. A client stopped for longer than the lease keeps its
# compare (its connection is open); a client killed mid-compare leaves
# scxd attached within 5 s; a client with a connection per request keeps
# its compare by asking; a second compare is refused as busy; a non-admin
# gets exit 4; and --plot without gnuplot names the package to install.
# timeout: 360
. /tests/lib.sh

write_config /tmp/cmp.ini <<'INI'
[layer.probe]
policy = latency
match = comm=cyclictest

[layer.hogs]
policy = throughput
match = comm=stress-ng*
INI
seq() { cat /sys/kernel/sched_ext/enable_seq; }
get() { jsonget "$@" </tmp/cmp.json; }

start_scxd --config /tmp/cmp.ini
saturate /cmp 160 >/dev/null
run_in_cgroup /cmp cyclictest -q -t 1 -i 2000 -D 150 >/dev/null
sleep 2
seq0=$(seq)
status0=$(scxctl layers)

# --- two rounds of 3 s per scheduler
scxctl --json compare --duration 3 --rounds 2 >/tmp/cmp.json || fail "compare exited $?: $(cat /tmp/cmp.json)"
cat /tmp/cmp.json
assert_eq "$(get state)" done "state"
assert_eq "$(get rounds_done)" 2 "rounds done"
# The probe wakes 500 times a second; the hogs never sleep, so they are
# measured by their CPU time.
for arm in eevdf scxd; do
	w=$(get "layers[name=probe].$arm.wakeups" | cut -d. -f1)
	p99=$(get "layers[name=probe].$arm.p99_us")
	t=$(get "layers[name=probe].$arm.tasks" | cut -d. -f1)
	echo "probe under $arm: $w wakeups, $t tasks, p99 $p99 us"
	[ "$w" -gt 100 ] || fail "probe: only $w wakeups measured under $arm"
	[ "$t" -gt 0 ] || fail "probe: no task seen under $arm"
	[ "$p99" != null ] || fail "probe: no p99 under $arm"
	cpu=$(get "layers[name=hogs].$arm.cpu_s")
	t=$(get "layers[name=hogs].$arm.tasks" | cut -d. -f1)
	echo "hogs under $arm: $t tasks, $cpu s of CPU"
	[ "$t" -ge 16 ] || fail "hogs: only $t tasks seen under $arm"
	awk -v c="$cpu" 'BEGIN { exit !(c > 1) }' || fail "hogs: $cpu s of CPU under $arm"
done
get 'layers[name=probe].verdict' 'layers[name=hogs].verdict'
[ "$(get 'layers[name=probe].p99_ratio')" != null ] || fail "no p99 ratio for the probe"

# The instrument against the scheduler's own counts, over the scxd arms.
within_10pct() { # A B: |A - B| <= B / 10
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d * 10 <= b) }'
}
cpu=$(get 'layers[name=hogs].scxd.cpu_s')
sched_cpu=$(get 'layers[name=hogs].sched_cpu_s')
echo "hogs' CPU time under scxd: instrument $cpu s, scheduler $sched_cpu s"
within_10pct "$cpu" "$sched_cpu" || fail "CPU time: instrument $cpu s, scheduler $sched_cpu s"
w=$(get 'layers[name=probe].scxd.wakeups')
sched_w=$(get 'layers[name=probe].sched_wakeups')
echo "probe's wakeups under scxd: instrument $w, scheduler $sched_w"
within_10pct "$w" "$sched_w" || fail "wakeups: instrument $w, scheduler $sched_w"

assert_eq "$(sched_ops)" scxd "scheduler after the compare"
assert_eq "$(seq)" "$((seq0 + 2))" "enable_seq after 2 rounds (one re-attach each)"
assert_eq "$(scxctl layers)" "$status0" "layers after the compare"
scxctl status | grep -q 'runtime changes' && fail "the compare changed the configuration"
scxctl compare --last | tee /tmp/cmp.txt | head -20
grep -q 'probe: p99 wakeup' /tmp/cmp.txt || fail "no verdict for the probe in the text result"

# --- a command, once per arm
scxctl --json compare --rounds 1 -- sh -c 'i=0; while [ $i -lt 2000 ]; do i=$((i + 1)); done' \
	>/tmp/cmp.json || fail "compare with a command exited $?"
for arm in eevdf scxd; do
	wall=$(get "per_round[0].${arm}_wall_s")
	echo "command under $arm: $wall s"
	awk -v w="$wall" 'BEGIN { exit !(w > 0) }' || fail "no wall time under $arm: $wall"
	assert_eq "$(get "per_round[0].${arm}_exit")" 0 "the command's exit status under $arm"
done

# --- the client does not run for 5 s, past the 3 s lease (the soak's
# starved client): its connection is open, the compare is still its own
state() { scxctl --json compare --last | jsonget state; }
"$SCXCTL_BIN" compare --duration 8 --rounds 1 >/tmp/cmp-stopped.out 2>&1 &
client=$!
wait_for 10 '[ -z "$(sched_ops)" ]' || fail "the compare never detached scxd"
kill -STOP "$client"
sleep 5
assert_eq "$(state)" running "state 5 s into a stopped client"
kill -CONT "$client"
wait "$client" || fail "the stopped client's compare exited $?: $(cat /tmp/cmp-stopped.out)"
assert_eq "$(state)" done "state after the stopped client's compare"
assert_eq "$(sched_ops)" scxd "scheduler after the stopped client's compare"

# --- a client with a connection per request keeps its compare by asking
# (protocol.md's lease), and loses it within the lease when it stops
req() { echo "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\"${2:+,\"params\":$2}}"; }
ctlclient rtt "$SCXD_SOCK" 1 "$(req compare-start '{"duration_s":30,"rounds":1}')" >/dev/null ||
	fail "compare-start on a connection of its own failed"
for i in 1 2 3 4 5 6; do
	sleep 1
	ctlclient rtt "$SCXD_SOCK" 1 "$(req compare-status)" >/dev/null || fail "compare-status failed"
done
assert_eq "$(state)" running "state after 6 s of asking on new connections"
assert_eq "$(sched_ops)" "" "scheduler while that compare runs"
wait_for 6 '[ "$(state)" = aborted ]' || fail "the compare outlived its lease: $(scxctl compare --last)"
wait_for 5 '[ "$(sched_ops)" = scxd ]' || fail "scxd not attached after the lease ran out"

# --- the client goes away mid-compare: scxd is back within 5 s
"$SCXCTL_BIN" compare --duration 20 --rounds 1 >/dev/null 2>&1 &
client=$!
wait_for 10 '[ -z "$(sched_ops)" ]' || fail "the compare never detached scxd"
kill -9 "$client"
wait_for 5 '[ "$(sched_ops)" = scxd ]' || fail "scxd not attached 5 s after the client died"
wait_for 5 '[ "$(scxctl --json compare --last | jsonget state)" = aborted ]' ||
	fail "the compare did not end: $(scxctl compare --last)"
scxctl compare --last | grep -q 'the client went away' || fail "no reason given"

# --- one at a time; admins only; plots need gnuplot
"$SCXCTL_BIN" compare --duration 20 --rounds 1 >/dev/null 2>&1 &
client=$!
wait_for 10 '[ -z "$(sched_ops)" ]' || fail "the second compare never started"
err=$(scxctl compare --duration 1 2>&1) && fail "a second compare ran"
echo "$err"
echo "$err" | grep -q 'busy: a compare is running' || fail "not refused as busy: $err"
scxctl set-layer probe --weight 300 2>&1 | grep -q 'a compare is running' ||
	fail "a change was not held off while the compare ran"
scxctl compare --stop >/dev/null || fail "compare --stop exited $?"
wait "$client"
wait_for 5 '[ "$(sched_ops)" = scxd ]' || fail "scxd not attached after --stop"
as_tester scxctl compare --duration 1 >/dev/null 2>&1
assert_eq "$?" 4 "exit status of a non-admin's compare"
as_tester scxctl compare --last >/dev/null || fail "a non-admin cannot read the last result"
err=$(scxctl compare --last --plot /tmp/cmp.png 2>&1) && fail "a plot without gnuplot succeeded"
echo "$err" | grep -q 'gnuplot-nox' || fail "the error does not name the package: $err"

assert_eq "$(sched_state)" enabled "sched_ext at the end"
stop_scxd || fail "scxd exited $?"
