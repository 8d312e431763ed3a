#!/bin/sh
# With [scxd] prometheus_textfile, the daemon writes its counters for
# node_exporter's textfile collector every second, and `scxctl stats
# --prometheus` prints the same format: both pass the tests' strict
# parser of the text format (promcheck). A latency task's wakeups show up
# in its layer's histogram between two writes; the file goes away when
# the daemon stops, and no temporary file is left behind. A path that
# cannot be written is logged once, not every second, and the scheduler
# runs on.
# timeout: 120
. /tests/lib.sh

PROM=/run/prom/scxd.prom
mkdir -p /run/prom
write_config /tmp/prom.ini <<INI
[scxd]
prometheus_textfile = $PROM

[layer.frames]
policy = latency
match = comm=frameloop
INI

FRAMES='{layer="frames",policy="latency"}'

# series NAME: its value in the textfile (fails the case when absent or
# when the file does not parse).
series() {
	promcheck "$1" <"$PROM" || fail "textfile: no $1, or not valid (above)"
}

start_scxd --config /tmp/prom.ini
for i in $(seq 20); do
	[ -s "$PROM" ] && break
	sleep 0.5
done
[ -s "$PROM" ] || fail "no $PROM 10 s after start"
promcheck <"$PROM" || fail "the textfile does not parse"
assert_eq "$(series scxd_attached)" 1 "scxd_attached"
assert_eq "$(series scxd_layers)" 2 "scxd_layers"
up1=$(series scxd_uptime_seconds)
n1=$(series "scxd_layer_wakeup_latency_seconds_count$FRAMES")

frameloop 10000 500 3 || fail "frameloop exited $?"
sleep 2.5
n2=$(series "scxd_layer_wakeup_latency_seconds_count$FRAMES")
up2=$(series scxd_uptime_seconds)
echo "frames layer wakeups measured: $n1 before, $n2 after 3 s of a 100 Hz loop; uptime $up1 -> $up2 s"
[ "$up2" -gt "$up1" ] || fail "the textfile was not rewritten (uptime $up1 -> $up2)"
[ "$n2" -ge $((n1 + 50)) ] || fail "the frames layer's histogram counted $((n2 - n1)) wakeups, not >= 50"

out=$(scxctl stats --prometheus) || fail "scxctl stats --prometheus exited $?"
echo "$out" | promcheck || fail "scxctl stats --prometheus does not parse"
cpu=$(echo "$out" | promcheck "scxd_layer_cpu_seconds_total$FRAMES") || fail "no cpu_seconds_total"
echo "frames layer CPU: $cpu s"
awk -v c="$cpu" 'BEGIN { exit !(c > 0) }' || fail "the frames layer used no CPU time: $cpu"
echo "$out" | grep -q '^# TYPE scxd_layer_wakeup_latency_seconds histogram$' ||
	fail "no histogram TYPE line"

stop_scxd || fail "scxd exited $?"
[ ! -e "$PROM" ] || fail "$PROM is still there after scxd stopped"
[ ! -e "$PROM.tmp" ] || fail "$PROM.tmp left behind"

# A directory that does not exist: one warning, the scheduler attached.
sed -i 's|^prometheus_textfile = .*|prometheus_textfile = /nonexistent/scxd.prom|' /tmp/prom.ini
start_scxd --config /tmp/prom.ini
sleep 3.5
assert_eq "$(sched_ops)" scxd "root/ops with an unwritable textfile"
warned=$(grep -c 'Failed to write the Prometheus textfile /nonexistent/scxd.prom' "$SCXD_LOG")
assert_eq "$warned" 1 "warnings about the unwritable textfile in 3.5 s"
stop_scxd || fail "scxd exited $?"
