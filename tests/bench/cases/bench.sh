# Helpers of the benchmark's workloads (busybox sh), sourced after
# /tests/lib.sh. See docs/performance.md for the method.
#
# A workload case starts scxd once, with its own configuration, and then
# measures each of its configurations in turn, in ROUNDS rounds:
#
#   round 1: idle eevdf eevdf-cgroup scxd
#   round 2: eevdf eevdf-cgroup scxd idle
#   ...
#
# (each round starts one configuration later, so that no configuration
# always follows the same one). Between configurations scxd is detached
# (`scxctl stop`: the kernel's EEVDF runs every task) or attached again
# (`scxctl start`), and the machine settles for a second. Each
# measurement adds its samples to its configuration's pool; at the end the
# case prints one line per configuration from the pooled samples:
#
#   BENCH run=ID workload=W config=C KEY=VALUE...
#
# which tests/bench/run.sh collects and tests/bench/tools/benchsum.c sums
# up across boots. ID is the kernel argument scxd_bench.run=ID that
# run.sh boots with: build/vm/ is shared with every other VM run of the
# tree, and the ID proves the lines it reads there are its own.
#
# Configurations:
#   idle          the measured task alone, EEVDF
#   eevdf         with the load, EEVDF, every cgroup at its defaults
#   eevdf-cgroup  EEVDF as a careful admin sets it up: the measured task's
#                 cgroup at cpu.weight 10000, the load's at 1 and cpu.idle
#   eevdf-nice    EEVDF with the load at nice 19 (what ananicy-cpp's rules
#                 by command name do): for loads in the task's own cgroup
#   scxd          with the load, under scxd and the case's configuration
#   scxd-NAME     the same under another configuration of the case's: a
#                 case that has them defines enter_scxd CONFIG, which
#                 enter runs once scxd is attached (benchsum's ratios are
#                 scxd / each configuration, so scxd / scxd-NAME too)
#
# The measured latency task is cyclictest without -p: one SCHED_OTHER
# thread waking every 1 ms, bound by duration. The load is stress-ng
# --cpu 4, twice as many hogs as the bench shape's 2 vCPUs.

BENCH_RUN=$(sed -n 's/.*scxd_bench\.run=\([^ ]*\).*/\1/p' /proc/cmdline)
# Rounds and seconds per measurement: scxd_bench.rounds=N and
# scxd_bench.secs=N on the kernel command line (tests/bench/run.sh
# --rounds, --secs).
ROUNDS=$(sed -n 's/.*scxd_bench\.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
ROUNDS=${ROUNDS:-3}
SECS=$(sed -n 's/.*scxd_bench\.secs=\([0-9]*\).*/\1/p' /proc/cmdline)
SECS=${SECS:-5}

# The hogs start this long before the measured task, and are stopped
# (SIGINT: stress-ng then reports) as soon as it is done; HOG_MAX_SECS
# only bounds a run whose case died first.
HOG_LEAD_SECS=1
HOG_MAX_SECS=120
NR_HOGS=4
# cyclictest's histogram range in us; above it a sample is an overflow
# and a percentile that falls there reads as HIST_US.
HIST_US=40000
# The quantiles of the latency CDFs the plots draw (a line CDF_KEYS).
CDF_QS="0.1 0.25 0.5 0.75 0.9 0.95 0.99 0.999"

BENCH_CG=/sys/fs/cgroup/bench
PROBE_CG=bench/probe
HOGS_CG=bench/hogs
PROBE_DIR=/sys/fs/cgroup/$PROBE_CG
HOGS_DIR=/sys/fs/cgroup/$HOGS_CG
HOGS_PID=
HOG_NICE=0

bench_cgroups() {
	new_cgroup $PROBE_CG >/dev/null
	new_cgroup $HOGS_CG >/dev/null
}

# now_ms: monotonic milliseconds (10 ms resolution), from /proc/uptime.
now_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# --- configurations --------------------------------------------------------------

# enter CONFIG: make the machine run CONFIG. A workload sets HOGS_DIR and
# PROBE_DIR to the cgroups eevdf-cgroup tunes.
enter() {
	case $1 in
	scxd | scxd-*)
		[ "$(sched_ops)" = scxd ] || scxctl start >/dev/null || fail "scxctl start exited $?"
		wait_for 10 '[ "$(sched_ops)" = scxd ]' || fail "scxd is not attached"
		# A case with several scxd configurations switches between them.
		! command -v enter_scxd >/dev/null || enter_scxd "$1"
		;;
	*)
		[ -z "$(sched_ops)" ] || scxctl stop >/dev/null || fail "scxctl stop exited $?"
		wait_for 10 '[ -z "$(sched_ops)" ]' || fail "scxd did not detach"
		;;
	esac
	case $1 in
	eevdf-cgroup)
		echo 10000 >"$PROBE_DIR/cpu.weight" || fail "cannot set the probe's cpu.weight"
		# The weight first: the kernel refuses a weight change on an idle group.
		echo 1 >"$HOGS_DIR/cpu.weight" || fail "cannot set the hogs' cpu.weight"
		echo 1 >"$HOGS_DIR/cpu.idle" || fail "cannot set the hogs' cpu.idle"
		;;
	eevdf-nice) HOG_NICE=19 ;;
	esac
	sleep 1
}

# leave CONFIG: undo what enter did to cgroups and nice.
leave() {
	case $1 in
	eevdf-cgroup)
		echo 0 >"$HOGS_DIR/cpu.idle"
		echo 100 >"$HOGS_DIR/cpu.weight"
		echo 100 >"$PROBE_DIR/cpu.weight"
		;;
	eevdf-nice) HOG_NICE=0 ;;
	esac
}

# rounds MEASURE CONFIG...: ROUNDS rounds of MEASURE CONFIG for each
# CONFIG, each round starting one configuration later.
rounds() {
	# Names of their own: the helpers it calls (wait_for...) use _n, _i.
	_rounds_fn=$1
	shift
	_rounds_r=0
	while [ $_rounds_r -lt "$ROUNDS" ]; do
		_rounds_i=0
		while [ $_rounds_i -lt $# ]; do
			_rounds_c=$(echo "$@" | awk -v k=$(((_rounds_r + _rounds_i) % $# + 1)) '{ print $k }')
			echo "--- round $((_rounds_r + 1))/$ROUNDS: $_rounds_c (uptime $(cut -d" " -f1 /proc/uptime) s)"
			enter "$_rounds_c"
			"$_rounds_fn" "$_rounds_c"
			leave "$_rounds_c"
			_rounds_i=$((_rounds_i + 1))
		done
		_rounds_r=$((_rounds_r + 1))
	done
}

# --- the load ----------------------------------------------------------------------

# start_hogs [DIR]: stress-ng in cgroup DIR (default $HOGS_DIR), at nice
# $HOG_NICE, a child of this shell so that its exit code can be waited for.
start_hogs() {
	_dir=${1:-$HOGS_DIR}
	(
		echo 0 >"$_dir/cgroup.procs" || exit 1
		exec nice -n "$HOG_NICE" stress-ng --cpu $NR_HOGS --timeout ${HOG_MAX_SECS}s \
			--metrics-brief --yaml "$CASE_TMP/hogs.yaml"
	) </dev/null >"$CASE_TMP/hogs.out" 2>&1 &
	HOGS_PID=$!
	sleep $HOG_LEAD_SECS
	kill -0 "$HOGS_PID" 2>/dev/null || { cat "$CASE_TMP/hogs.out"; fail "stress-ng ended at once"; }
}

# stop_hogs CONFIG: stop stress-ng; add its bogo ops/s (real time, all
# hogs, over their run) to CONFIG's pool. Not in $(...): a subshell can
# neither wait for this shell's child nor fail the case.
stop_hogs() {
	kill -0 "$HOGS_PID" 2>/dev/null ||
		fail "the hogs ended before the measurement: it did not measure a loaded machine"
	kill -INT "$HOGS_PID"
	wait "$HOGS_PID"
	_rc=$?
	[ $_rc = 0 ] || { cat "$CASE_TMP/hogs.out" >&2; fail "stress-ng exited $_rc"; }
	_ops=$(awk '$1 == "bogo-ops-per-second-real-time:" { print $2; exit }' "$CASE_TMP/hogs.yaml")
	[ -n "$_ops" ] || fail "no bogo-ops-per-second-real-time in stress-ng's YAML"
	echo "$_ops" >>"$CASE_TMP/$1.ops"
	HOGS_PID=
}

# --- the latency probe -------------------------------------------------------------

# probe CONFIG [DIR]: cyclictest for SECS in cgroup DIR (default
# $PROBE_DIR), in the foreground; its histogram joins CONFIG's pool.
# cyclictest zero-pads every number ("000123") and busybox awk reads such
# a number as octal, so the zeros go before any arithmetic.
probe() {
	_dir=${2:-$PROBE_DIR}
	(
		echo 0 >"$_dir/cgroup.procs" || exit 1
		exec cyclictest -q -D "$SECS" -i 1000 -t 1 -h $HIST_US --histfile="$CASE_TMP/probe.hist"
	) </dev/null >"$CASE_TMP/probe.out" 2>&1
	_rc=$?
	[ $_rc = 0 ] || { cat "$CASE_TMP/probe.out"; fail "cyclictest exited $_rc"; }
	[ -s "$CASE_TMP/probe.hist" ] || fail "cyclictest wrote no histogram"
	# Empty buckets are most of its lines: grep drops them first, faster.
	grep -v '^[0-9]* 0*$' "$CASE_TMP/probe.hist" | awk -v lim=$HIST_US '
		function num(s) { sub(/^0+/, "", s); return s + 0 }
		/^# Max Latencies:/ { print "max", num($4) }
		/^# Histogram Overflows:/ { if (num($4)) print lim, num($4) }
		/^[0-9]/ { print num($1), num($2) }' >>"$CASE_TMP/$1.hist"
}

# latency_keys CONFIG: "p50_us=N p99_us=N max_us=N samples=N cdf_0.1_us=N
# ..." from CONFIG's pooled histogram (a sample past the histogram counts
# at HIST_US).
latency_keys() {
	[ -s "$CASE_TMP/$1.hist" ] || fail "no latency samples for $1"
	_max=$(awk '$1 == "max" && $2 > m { m = $2 } END { print m + 0 }' "$CASE_TMP/$1.hist")
	awk '$1 != "max" { c[$1] += $2 } END { for (k in c) print k, c[k] }' "$CASE_TMP/$1.hist" |
		sort -n | awk -v qs="0.5 0.99 $CDF_QS" -v max="$_max" '
		BEGIN { nb = 0 }
		{ us[nb] = $1; cnt[nb] = $2; n += $2; nb++ }
		END {
			if (!n) exit 1
			nq = split(qs, q, " ")
			for (i = 1; i <= nq; i++) {
				r = q[i] * n; if (r < 1) r = 1
				sum = 0
				for (j = 0; j < nb - 1; j++) { sum += cnt[j]; if (sum >= r) break }
				v[i] = us[j]
			}
			printf "p50_us=%d p99_us=%d max_us=%d samples=%d", v[1], v[2], max, n
			for (i = 3; i <= nq; i++) printf " cdf_%s_us=%d", q[i], v[i]
			printf "\n"
		}' || fail "cannot read the latency pool of $1"
}

# measure_latency CONFIG: the probe, beside the hogs but when idle.
measure_latency() {
	if [ "$1" = idle ]; then
		probe idle
		return
	fi
	start_hogs
	probe "$1"
	case $1 in scxd | scxd-*) assert_eq "$(sched_ops)" scxd "scheduler attached when the probe ended" ;; esac
	stop_hogs "$1"
}

# report_latency WORKLOAD CONFIG...: a BENCH line per configuration, of
# the probe's pooled latency and the hogs' work.
report_latency() {
	_w=$1
	shift
	for _c; do
		_hogs=
		[ "$_c" = idle ] || _hogs="hog_ops_s=$(mean_of "$CASE_TMP/$_c.ops")"
		report "$_w" "$_c" "$(latency_keys "$_c")" $_hogs
	done
}

# layer_tasks LAYER: how many tasks scxd has in LAYER now.
layer_tasks() {
	scxctl --json layers | jsonget "layers[name=$1].tasks"
}

# probe_in LAYER: a stand-in in the probe's cgroup is in LAYER, so that a
# misclassified probe fails the case instead of producing a number that
# measures the wrong layer.
probe_in() {
	_pid=$(run_in_cgroup "$PROBE_CG" sleep 60)
	wait_for 10 "[ \"\$(layer_tasks $1)\" = 1 ]" ||
		fail "the probe's cgroup is not in layer $1: $(scxctl layers)"
	kill "$_pid"
}

# mean_of FILE: the mean of the numbers in FILE, one a line.
mean_of() {
	awk '{ s += $1; n++ } END { if (n) printf "%.3f\n", s / n }' "$1"
}

# report WORKLOAD CONFIG KEYS...: the BENCH line.
report() {
	_w=$1
	_c=$2
	shift 2
	echo "BENCH run=${BENCH_RUN:--} workload=$_w config=$_c $*"
}

# report_frames WORKLOAD CONFIG...: each CONFIG's frame loop runs, the
# frameloop lines in $CASE_TMP/CONFIG.frames, pooled: missed frames per
# 1,000 of all frames of all rounds, the latest frame of any.
report_frames() {
	_rf_w=$1
	shift
	for _rf_c in "$@"; do
		_rf_keys=$(tr ' ' '\n' <"$CASE_TMP/$_rf_c.frames" | awk -F= '
			$1 == "frames" { f += $2 } $1 == "missed" { m += $2 }
			$1 == "late_max_us" && $2 > late { late = $2 }
			END { if (f) printf "missed_per_1000=%.2f late_max_us=%d frames=%d\n", 1000 * m / f, late, f }')
		[ -n "$_rf_keys" ] || fail "no frames for $_rf_c"
		report "$_rf_w" "$_rf_c" "$_rf_keys"
	done
}
