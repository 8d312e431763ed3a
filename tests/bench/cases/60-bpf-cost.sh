#!/bin/sh
# Workload 7, what scxd's BPF costs: nanoseconds per call of each of its
# struct_ops programs under workload 2 (the probe and the hogs in one
# cgroup, by-comm.ini), as the kernel times them (kernel.bpf_stats_enabled);
# the same per wakeup, as the kernel counts wakeups (ttwu_count of
# /proc/schedstat, kernel.sched_schedstats): the five programs of a wakeup
# (wakeup_ns) and all of them (all_wakeup_ns), each program's time over
# all wakeups, so a program that runs once in twenty wakeups weighs a
# twentieth; and the share of the CPUs all of them took (bpf_cpu_pct);
# the compare instrument's nanoseconds per event (a short scxctl compare);
# and the instructions the verifier processed per program, loaded with a
# 16-layer configuration (cost16.ini). The workload is named after the
# kernel ("bpf-cost-7.3"): tests/bench/run.sh runs it on both.
# timeout: 300
. /tests/lib.sh
. /tests/cases/bench.sh

W=bpf-cost-$(uname -r | cut -d. -f1,2)
command -v bpftool >/dev/null || fail "bpftool is not in the initramfs"
PROBE_CG=bench/session
PROBE_DIR=/sys/fs/cgroup/$PROBE_CG
HOGS_DIR=$PROBE_DIR

# "NAME RUN_TIME_NS RUN_CNT" for each of scxd's struct_ops programs, then
# "@wakeups TTWU_COUNT" (all CPUs) and "@uptime SECONDS".
prog_times() {
	bpftool prog show | awk '
		$2 == "struct_ops" {
			name = ""; ns = 0; cnt = 0
			for (i = 3; i < NF; i++) {
				if ($i == "name") name = $(i + 1)
				if ($i == "run_time_ns") ns = $(i + 1)
				if ($i == "run_cnt") cnt = $(i + 1)
			}
			if (name != "") print name, ns, cnt
		}'
	awk '$1 ~ /^cpu[0-9]/ { n += $6 } END { print "@wakeups", n }' /proc/schedstat
	echo "@uptime $(cut -d" " -f1 /proc/uptime)"
}

# Verifier: a load without attach, 16 layers.
"$SCXD_BIN" --verifier-stats --config /tests/cases/cost16.ini >"$CASE_TMP/verifier.out" 2>&1 ||
	{ cat "$CASE_TMP/verifier.out"; fail "scxd --verifier-stats exited $?"; }
cat "$CASE_TMP/verifier.out"
grep -q '^/tests/cases/cost16.ini: 16 layers' "$CASE_TMP/verifier.out" ||
	fail "the verifier run did not load 16 layers"
insns=$(awk '$2 == "processed" { sub(/:$/, "", $1); printf " insns_%s=%d", $1, $3; t += $3 }
	END { printf " insns_total=%d", t }' "$CASE_TMP/verifier.out")

start_scxd --config /tests/cases/by-comm.ini
new_cgroup $PROBE_CG >/dev/null
echo 1 >/proc/sys/kernel/bpf_stats_enabled || fail "cannot enable kernel.bpf_stats_enabled"
echo 1 >/proc/sys/kernel/sched_schedstats || fail "cannot enable kernel.sched_schedstats"
prog_times >"$CASE_TMP/before"
start_hogs
probe scxd
stop_hogs scxd
prog_times >"$CASE_TMP/after"
echo 0 >/proc/sys/kernel/sched_schedstats
echo 0 >/proc/sys/kernel/bpf_stats_enabled
costs=$(awk -v cpus="$(nproc)" 'NR == FNR { ns[$1] = $2; cnt[$1] = $3; next }
	$1 == "@wakeups" { wakeups = $2 - ns[$1]; next }
	$1 == "@uptime" { secs = $2 - ns[$1]; next }
	$3 > cnt[$1] {
		d = $2 - ns[$1]
		printf " ns_%s=%.0f", $1, d / ($3 - cnt[$1])
		all += d
		if ($1 ~ /^scxd_(select_cpu|enqueue|dispatch|running|stopping)$/) five += d
	}
	END {
		if (wakeups > 0 && secs > 0)
			printf " wakeups_per_s=%.0f wakeup_ns=%.0f all_wakeup_ns=%.0f bpf_cpu_pct=%.2f",
				wakeups / secs, five / wakeups, all / wakeups, all / (secs * 1e9 * cpus) * 100
	}' "$CASE_TMP/before" "$CASE_TMP/after")
echo "$costs" | grep -q ' ns_scxd_' || fail "no struct_ops program ran: $(cat "$CASE_TMP/after")"
echo "$costs" | grep -q ' wakeup_ns=' || fail "no wakeups counted: is /proc/schedstat there? $(cat "$CASE_TMP/after")"
echo "per call and per wakeup:$costs"

# The instrument, under the same load.
start_hogs
run_in_cgroup "$PROBE_CG" cyclictest -q -D 20 -i 1000 -t 1 >/dev/null
scxctl --json compare --duration 2 --rounds 1 >"$CASE_TMP/compare.json" ||
	fail "scxctl compare exited $?: $(cat "$CASE_TMP/compare.json")"
stop_hogs instrument
instrument=$(jsonget tracer_ns_per_event <"$CASE_TMP/compare.json" | awk '{ printf "%.0f", $1 }')
[ -n "$instrument" ] && [ "$instrument" != null ] || fail "no instrument cost in the compare"

stop_scxd || fail "scxd exited $?"
report "$W" scxd $costs instrument_ns_per_event="$instrument" $insns
