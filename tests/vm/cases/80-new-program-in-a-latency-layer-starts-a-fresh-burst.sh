#!/bin/sh
# A task whose facts change (here: it execs a program that a latency
# layer's rule matches) starts a fresh latency burst: the CPU it used
# before was the old program's. Without this, a frame loop started by a
# shell that had been busy began with its burst used up, and its slices
# were not renewed (KEEP) nor did it preempt when queued: it waited out
# a hog's slice (the one missed frame traced in the bench: the first).
# Here a shell in a latency layer of its own spins for 2 s beside hogs on
# every CPU (served before them, it runs nearly all that time), then
# execs a frame loop that another latency layer matches (3 ms of work
# every 100 ms in 0.5 ms slices, latency_burst_ns 200 ms as in case 76,
# for this shape's slow task clock). Asserted on counters: the frame
# loop's layer preempts and keeps its CPU (KEEP) rather than being served
# from its queue (DISPATCH). Measured: 0 served from the queue, 10 kept,
# p99 0.5 ms; with the shell's burst carried over, 4-5 served from the
# queue, 4 kept, p99 33 ms.
# timeout: 150
. /tests/lib.sh

write_config /tmp/fresh.ini <<'INI'
[layer.spin]
policy = latency
match = comm=spin-then-exec

[layer.fresh]
policy = latency
slice_us = 500
match = comm=fresh-loop

[layer.hogs]
policy = throughput
match = comm=stress-ng*
INI
cp "$(command -v frameloop)" /tmp/fresh-loop
cat >/tmp/spin-then-exec <<'SH'
#!/bin/sh
# Builtins only: a fork per turn would make it sleep as much as it spins.
read -r up _ </proc/uptime
end=$(( ${up%.*} + 2 ))
while [ "${up%.*}" -lt "$end" ]; do read -r up _ </proc/uptime; done
exec /tmp/fresh-loop 100000 3000 4
SH
chmod +x /tmp/spin-then-exec

start_scxd --config /tmp/fresh.ini --tune latency_burst_ns=200ms
saturate /fresh 40 >/dev/null
sleep 2
/tmp/spin-then-exec || fail "the frame loop exited $?"
scxctl stats
v=$(scxctl --json status | jsonget 'layers[name=fresh].counters.dispatches' \
	'layers[name=fresh].counters.preemptions' 'layers[name=fresh].counters.kept') ||
	fail "no counters of the fresh layer in status"
set -- $v
echo "fresh layer: $1 served from its queue, $2 preemptions, $3 slices kept"
[ "$2" -ge 20 ] || fail "the frame loop preempted only $2 times"
[ "$3" -ge 5 ] || fail "only $3 latency slices renewed in place"
[ "$1" -le 1 ] || fail "the frame loop was served from its queue $1 times: its burst was not fresh"
stop_scxd || fail "scxd exited $?"
