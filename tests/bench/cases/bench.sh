# Helpers of the isolation benchmark's cases (busybox sh), sourced after
# /tests/lib.sh. Each case measures one configuration and prints one
# machine-readable line that tests/bench/run.sh collects:
#
#   BENCH config=NAME run=ID probe_p50_us=N probe_p99_us=N probe_max_us=N
#         probe_avg_us=N probe_samples=N probe_overflows=N hog_bogo_ops_s=X
#
# (one line; hog_bogo_ops_s is "-" when no hogs ran). ID is the kernel
# argument scxd_bench.run=ID that tests/bench/run.sh boots with: build/vm/
# is shared with every other VM run of the tree, and the ID proves the
# lines it reads there are its own.
#
# The probe is cyclictest without -p: one SCHED_OTHER thread waking every
# 1 ms, bound by duration because under load a loop count takes far
# longer than its periods. The hogs are stress-ng --cpu 4: twice as many as the bench
# shape's 2 vCPUs, so both CPUs stay saturated. Both run in leaf cgroups,
# /bench/probe and /bench/hogs, which is what the configurations tune and
# what scxd's layers match. The numbers are only compared with the other
# configurations of the same boot; nothing here judges them.

PROBE_SECS=12
# The hogs start first and are stopped (SIGINT: stress-ng then ends its
# run normally and reports) once the probe is done, so the probe sees
# them running the whole time, after they have all been forked. A fixed
# hog duration did not work: how long cyclictest takes to set up and tear
# down depends on how well it is served, i.e. on what is measured.
# HOG_MAX_SECS only bounds a run whose case died before stopping them.
HOG_LEAD_SECS=1
HOG_MAX_SECS=60
NR_HOGS=4
# Histogram range in µs. Latencies above it count as overflows; the max
# is exact anyway, and a percentile that falls there is reported as
# HIST_US with probe_overflows > 0.
HIST_US=100000

BENCH_RUN=$(sed -n 's/.*scxd_bench\.run=\([^ ]*\).*/\1/p' /proc/cmdline)

PROBE_CG=bench/probe
HOGS_CG=bench/hogs
PROBE_DIR=/sys/fs/cgroup/$PROBE_CG
HOGS_DIR=/sys/fs/cgroup/$HOGS_CG
HOGS_PID=

bench_cgroups() {
	new_cgroup $PROBE_CG >/dev/null
	new_cgroup $HOGS_CG >/dev/null
}

# start_hogs: stress-ng in /bench/hogs, a child of this shell (unlike
# run_in_cgroup) so that its exit code can be waited for.
start_hogs() {
	(
		echo 0 >"$HOGS_DIR/cgroup.procs" || exit 1
		exec stress-ng --cpu $NR_HOGS --timeout ${HOG_MAX_SECS}s --metrics-brief \
			--yaml "$CASE_TMP/hogs.yaml"
	) </dev/null >"$CASE_TMP/hogs.out" 2>&1 &
	HOGS_PID=$!
	sleep $HOG_LEAD_SECS
	kill -0 "$HOGS_PID" 2>/dev/null || { cat "$CASE_TMP/hogs.out"; fail "stress-ng ended at once"; }
}

# run_probe: cyclictest in /bench/probe, in the foreground.
run_probe() {
	(
		echo 0 >"$PROBE_DIR/cgroup.procs" || exit 1
		exec cyclictest -q -D $PROBE_SECS -i 1000 -t 1 -h $HIST_US \
			--histfile="$CASE_TMP/probe.hist"
	) </dev/null >"$CASE_TMP/probe.out" 2>&1
	_rc=$?
	[ $_rc = 0 ] || { cat "$CASE_TMP/probe.out"; fail "cyclictest exited $_rc"; }
	[ -s "$CASE_TMP/probe.hist" ] || fail "cyclictest wrote no histogram"
	if [ -n "$HOGS_PID" ]; then
		kill -0 "$HOGS_PID" 2>/dev/null ||
			fail "the hogs ended before the probe: it did not measure a loaded machine"
	fi
}

# stop_hogs: stop stress-ng and set HOG_OPS to its bogo ops/s (real
# time, all hogs together, over their whole run). Not in $(...): a
# subshell can neither wait for this shell's child nor fail the case.
stop_hogs() {
	kill -INT "$HOGS_PID"
	wait "$HOGS_PID"
	_rc=$?
	cat "$CASE_TMP/hogs.out" >&2
	[ $_rc = 0 ] || fail "stress-ng exited $_rc"
	HOG_OPS=$(awk '$1 == "bogo-ops-per-second-real-time:" { print $2; exit }' "$CASE_TMP/hogs.yaml")
	[ -n "$HOG_OPS" ] || fail "no bogo-ops-per-second-real-time in stress-ng's YAML"
	HOGS_PID=
}

# probe_stats: "p50 p99 max avg samples overflows" from the histogram.
# cyclictest zero-pads every number ("000123") and busybox awk reads such
# a number as octal (83), so leading zeros are stripped before arithmetic.
probe_stats() {
	# Empty buckets are most of the 100001 lines: drop them first.
	grep -v '^[0-9]* 0*$' "$CASE_TMP/probe.hist" | awk -v lim=$HIST_US '
		function num(s) { sub(/^0+/, "", s); return s + 0 }
		function rank(p) { r = int(p * n / 100); if (r * 100 < p * n) r++; return r < 1 ? 1 : r }
		function pct(p,   r, i, sum) {
			r = rank(p)
			for (i = 0; i < nb; i++) {
				sum += cnt[i]
				if (sum >= r) return us[i]
			}
			return lim
		}
		/^# Max Latencies:/ { max = num($4) }
		/^# Avg Latencies:/ { avg = num($4) }
		/^# Histogram Overflows:/ { ovf = num($4) }
		/^[0-9]/ { us[nb] = num($1); cnt[nb] = num($2); n += cnt[nb]; nb++ }
		END {
			n += ovf
			if (n == 0) exit 1
			print pct(50), pct(99), max, avg, n, ovf
		}'
}

# report CONFIG HOG_OPS: the BENCH line, after the human-readable summary.
report() {
	_s=$(probe_stats) || fail "empty probe histogram"
	# shellcheck disable=SC2086 # split the six numbers on purpose
	set -- "$1" "$2" $_s
	[ $# = 8 ] || fail "cannot parse the probe histogram: '$_s'"
	cat "$CASE_TMP/probe.out"
	echo "BENCH config=$1 run=${BENCH_RUN:--} probe_p50_us=$3 probe_p99_us=$4 probe_max_us=$5 probe_avg_us=$6 probe_samples=$7 probe_overflows=$8 hog_bogo_ops_s=$2"
}
