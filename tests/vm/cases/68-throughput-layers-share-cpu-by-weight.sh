#!/bin/sh
# Two saturated throughput layers share the CPUs in proportion to their
# weights (300 : 100): over the same interval the heavier layer's tasks
# get between 2.5 and 3.6 times the lighter's CPU time (measured 2.92-3.03
# on both kernels). Equal shares give 1; what broke it before: ignoring
# weights (owner-first dispatch) gave 0.46; charging layers when their
# tasks stopped (8 CPUs chose on stale virtual times) 1.16-2.3; one
# virtual time per layer for both LLCs 2.0; per-LLC weights without
# pulling a layer's waiting tasks to the LLC that owes it time, 1.4-3.5
# depending on how the tasks happened to spread over the LLCs.
# timeout: 120
. /tests/lib.sh

write_config /tmp/weights.ini <<'INI'
[layer.heavy]
policy = throughput
weight = 300
match = comm=heavyhog

[layer.light]
policy = throughput
weight = 100
match = comm=lighthog
INI
busy_loop heavyhog lighthog

# cpu_ms LAYER: the layer's CPU time in ms, from `scxctl stats` (CPU_TIME).
cpu_ms() {
	scxctl stats | awk -v l="$1" '
		$1 == "LAYER" { for (i = 1; i <= NF; i++) if ($i == "CPU_TIME") c = i }
		c && $1 == l {
			v = $c
			if (v ~ /ms$/) { sub(/ms$/, "", v); print int(v) }
			else if (v ~ /us$/) { print 0 }
			else { sub(/s$/, "", v); print int(v * 1000) }
			exit
		}'
}

start_scxd --config /tmp/weights.ini
new_cgroup /w
i=0
while [ $i -lt 8 ]; do
	run_in_cgroup /w /tmp/heavyhog >/dev/null
	run_in_cgroup /w /tmp/lighthog >/dev/null
	i=$((i + 1))
done
sleep 4
h0=$(cpu_ms heavy) l0=$(cpu_ms light)
sleep 12
h1=$(cpu_ms heavy) l1=$(cpu_ms light)
dh=$((h1 - h0)) dl=$((l1 - l0))
echo "CPU time over 12 s: heavy ${dh} ms, light ${dl} ms"
scxctl status
[ "$dl" -gt 0 ] || fail "the light layer got no CPU time"
# 2.5 <= dh/dl <= 3.6, in integers.
[ $((dh * 10)) -ge $((dl * 25)) ] || fail "heavy/light = $dh/$dl, below 2.5"
[ $((dh * 10)) -le $((dl * 36)) ] || fail "heavy/light = $dh/$dl, above 3.6"
stop_scxd || fail "scxd exited $?"
