#!/bin/sh
# A layer placed on LLC 1 (llcs = 1: its span is that LLC's CPUs, not
# every CPU) has its waking task placed on an idle CPU of the span by the
# kernel's own pick inside a mask, scx_bpf_select_cpu_and() (7.2 and 7.3
# have it; scxd keeps each layer's span as a kernel cpumask for it).
# Asserted on the layer's counters and on where the task runs: the
# kernel picked its CPU (KPICK) for most of its direct placements, and
# it was only ever seen on LLC 1 (cpus 4-7).
# timeout: 90
. /tests/lib.sh

[ "$SCXD_VM_SHAPE" = functional ] || { echo "needs 2 LLCs of 4 CPUs"; exit 0; }
write_config /tmp/span.ini <<'INI'
[layer.napper]
policy = throughput
llcs = 1
match = comm=napper
INI
# A sleeper that does not pin itself (cyclictest does): 0.5 ms of work
# every 10 ms.
cp "$(command -v frameloop)" /tmp/napper

start_scxd --config /tmp/span.ini
/tmp/napper 10000 500 8 >/dev/null &
pid=$!
sleep 1
samples=0
while [ $samples -lt 20 ]; do
	cpu=$(cpu_of "$pid") || break
	[ "$cpu" -ge 4 ] || fail "napper on cpu$cpu, outside LLC 1 (cpus 4-7)"
	samples=$((samples + 1))
	sleep 0.2
done
[ $samples -ge 10 ] || fail "only $samples samples of the napper"
wait "$pid" || fail "napper exited $?"
scxctl stats
v=$(scxctl --json status | jsonget 'layers[name=napper].counters.kernel_picks' \
	'layers[name=napper].counters.direct' 'layers[name=napper].nr_span') ||
	fail "no napper counters in status"
set -- $v
echo "napper: $1 of $2 direct placements picked by scx_bpf_select_cpu_and (span of $3 CPUs)"
assert_eq "$3" 4 "CPUs in the napper layer's span"
[ $(( $1 * 2 )) -ge "$2" ] && [ "$1" -gt 0 ] ||
	fail "scx_bpf_select_cpu_and picked $1 of $2 CPUs for the napper layer"
stop_scxd || fail "scxd exited $?"
