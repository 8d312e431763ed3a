#!/bin/sh
# Workload 6, message and worker threads, in the style of schbench (Chris
# Mason's wakeup benchmark; Debian does not package it): 2 message threads
# each hand a request to 2 worker threads at once and wait for both
# answers; a worker wakes, does 2 ms of CPU work and answers
# (tests/bench/tools/wakebench.c). With 4 workers on 2 CPUs a woken worker
# mostly finds both CPUs busy. Everything runs in scxd's built-in
# configuration's catch-all layer: what a user who configured nothing
# gets (config scxd), against the same layer made auto at runtime
# (config scxd-auto: each task served by how it behaves), measured to see
# whether the built-in catch-all could be auto (it cannot: see
# docs/performance.md). Figures: the workers' wakeup latency p50/p99/max
# and requests answered per second.
# timeout: 420
. /tests/lib.sh
. /tests/cases/bench.sh

W=message-workers
CONFIGS="eevdf scxd-auto scxd"
WORK_US=2000

# enter_scxd CONFIG: the catch-all's policy of CONFIG (see bench.sh's enter).
enter_scxd() {
	case $1 in
	scxd) scxctl set-layer default --throughput >/dev/null ||
		fail "set-layer --throughput exited $?" ;;
	scxd-auto) scxctl set-layer default --auto >/dev/null || fail "set-layer --auto exited $?" ;;
	esac
}

start_scxd

measure() {
	wakebench 2 2 $WORK_US "$SECS" >"$CASE_TMP/wb.out" 2>&1 &
	_wb=$!
	if [ "$1" != eevdf ]; then
		sleep 1
		_layer=$(scxctl --json explain "$_wb" | jsonget layer)
		assert_eq "$_layer" default "wakebench's layer"
	fi
	_rc=0
	wait "$_wb" || _rc=$?
	[ $_rc -eq 0 ] || { cat "$CASE_TMP/wb.out"; fail "wakebench exited $_rc"; }
	cat "$CASE_TMP/wb.out"
	cat "$CASE_TMP/wb.out" >>"$CASE_TMP/$1.wb"
}
rounds measure $CONFIGS

enter scxd
stop_scxd || fail "scxd exited $?"
for c in $CONFIGS; do
	# Pooled over rounds: the median of the rounds' p50 and p99 (each
	# round's percentiles are of thousands of wakeups), the largest max,
	# the mean rate.
	keys=$(tr ' ' '\n' <"$CASE_TMP/$c.wb" | awk -F= '
		$1 == "wakeup_p50_us" { p50[n50++] = $2 } $1 == "wakeup_p99_us" { p99[n99++] = $2 }
		$1 == "wakeup_max_us" && $2 > max { max = $2 }
		$1 == "requests_per_s" { r += $2; nr++ }
		function med(a, n,   i, j, t) {
			for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return n % 2 ? a[int(n / 2)] : (a[n / 2 - 1] + a[n / 2]) / 2
		}
		END { if (nr) printf "p50_us=%d p99_us=%d max_us=%d requests_per_s=%.1f\n",
			med(p50, n50), med(p99, n99), max, r / nr }')
	[ -n "$keys" ] || fail "no wakebench figures for $c"
	report $W "$c" "$keys"
done
