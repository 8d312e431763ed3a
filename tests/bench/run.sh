#!/usr/bin/env bash
# The isolation benchmark: a latency probe beside CPU hogs, under four
# configurations, each in the same boot of the bench-shaped VM, over
# several boots. See docs/performance.md for the method and the results.
#
#   tests/bench/run.sh [--boots N] [--kernel NAME]
#
#   --boots     boots to run (default 3, or $BENCH_BOOTS); the figures are
#               medians across boots, because one boot's idle p99 alone
#               varies by 2x under emulation
#   --kernel    VM kernel, passed to tests/vm/run.sh (default 7.3)
#
# Each boot runs tests/bench/cases/ (idle, eevdf, eevdf-cgroup, scxd, in
# that order) with `tests/vm/run.sh --bench --cases tests/bench/cases`.
# Prints a per-boot table, the medians per configuration, the ratios the
# goals are stated in and whether each goal is met; writes
# build/bench/results.txt, build/bench/results.json and, per boot,
# build/bench/boot-N/ (the rig's output and artifacts).
#
# Exit status: 0 when every boot ran every case and reported every
# number, whatever the numbers are (goals are reported, never enforced:
# emulated timing is no pass/fail criterion); 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; }

boots=${BENCH_BOOTS:-3}
rig_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--boots) [ $# -ge 2 ] || { usage >&2; exit 2; }; boots=$2; shift ;;
	--boots=*) boots=${1#*=} ;;
	--kernel) [ $# -ge 2 ] || { usage >&2; exit 2; }; rig_args+=(--kernel "$2"); shift ;;
	--kernel=*) rig_args+=(--kernel "${1#*=}") ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
[[ $boots =~ ^[1-9][0-9]*$ ]] || { echo "bench: --boots wants a positive number, not '$boots'" >&2; exit 2; }
if ! [ -x daemon/scxd ] || ! [ -x ctl/scxctl ]; then
	echo "bench: build first (make bench does)" >&2
	exit 1
fi

configs=(idle eevdf eevdf-cgroup scxd)
fields=(probe_p50_us probe_p99_us probe_max_us probe_avg_us probe_samples probe_overflows hog_bogo_ops_s)
out=build/bench
mkdir -p "$out"
# One benchmark per tree at a time: it owns build/bench/.
exec 8>"$out/.lock"
flock -n 8 || { echo "bench: another benchmark is using $out; waiting" >&2; flock 8; }
rm -rf "$out"/boot-* "$out"/results.*
rows=$out/rows.tsv # boot config field... (one line per boot and configuration)
: >"$rows"

secs_since() { echo $(($(date +%s) - $1)); }
t_bench=$(date +%s)
broken=0
for ((b = 1; b <= boots; b++)); do
	dir=$out/boot-$b
	mkdir -p "$dir"
	# A fresh ID per boot, in the kernel's command line: the cases echo it.
	run_id=$$-$b-$(date +%s%N)
	# The tree may be rebuilt between boots: say which scxd each one ran.
	echo "bench: boot $b of $boots (scxd $(sha256sum daemon/scxd | cut -c1-12), host load $(cut -d' ' -f1-3 /proc/loadavg))"
	t_boot=$(date +%s)
	# The rig's verdicts as they come, indented under the boot's line.
	set +e
	SCXD_VM_APPEND="${SCXD_VM_APPEND:-} scxd_bench.run=$run_id" \
		tests/vm/run.sh --bench --cases tests/bench/cases "${rig_args[@]}" 2>&1 |
		tee "$dir/rig.out" | sed -u 's/^/    /'
	rc=${PIPESTATUS[0]}
	set -e
	# build/vm/ belongs to whichever VM run of the tree holds its lock
	# next: copy this boot's artifacts out at once (the run ID tells if
	# another run got there first).
	cp -r build/vm/cases build/vm/results.log build/vm/console.log "$dir/" 2>/dev/null || true
	echo "    ($(secs_since "$t_boot") s; artifacts in $dir/)"
	if [ "$rc" != 0 ]; then
		echo "bench: boot $b failed (tests/vm/run.sh exit code $rc)"
		broken=1
	fi
	# "| BENCH config=..." records of the result channel, this run's only.
	for c in "${configs[@]}"; do
		line=$(sed -n 's/^| BENCH //p' "$dir/results.log" 2>/dev/null |
			awk -v c="$c" -v id="$run_id" '{ delete kv; for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); kv[k] = v } }
				kv["config"] == c && kv["run"] == id { print; exit }' || true)
		if [ -z "$line" ]; then
			echo "bench: boot $b: no result for $c"
			broken=1
			continue
		fi
		row="$b $c"
		for f in "${fields[@]}"; do
			v=$(tr ' ' '\n' <<<"$line" | sed -n "s/^$f=//p")
			# Only idle has no hogs; any other gap is a broken run.
			if ! [[ $v =~ ^[0-9]+(\.[0-9]+)?$ ]] && ! { [ "$f" = hog_bogo_ops_s ] && [ "$c" = idle ] && [ "$v" = - ]; }; then
				echo "bench: boot $b: $c reported $f='$v'"
				broken=1
				v=-
			fi
			row="$row $v"
		done
		echo "$row" >>"$rows"
	done
done

# --- summary ---------------------------------------------------------------------
# Medians across boots, then the goals' ratios of those medians; per-boot
# ratios (each inside one boot) show the spread.
summarize() { # FORMAT: txt or json
	awk -v fmt="$1" -v boots="$boots" -v nconf="${#configs[@]}" -v conflist="${configs[*]}" '
	function median(list,   a, n, i, j, t) {
		n = split(list, a, " ")
		if (n == 0) return "-"
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function ratio(x, y) { return (x == "-" || x == "" || y == "-" || y == "" || y + 0 == 0) ? "-" : sprintf("%.2f", x / y) }
	function num(x) { return x == "-" ? "null" : x + 0 }
	function add(k, v) { if (v != "-") all[k] = all[k] (all[k] == "" ? "" : " ") v }
	BEGIN {
		split(conflist, conf, " ")
		split("p50 p99 max avg samples ovf ops", fld, " ")
		# goal: name, numerator, denominator, comparison, bound
		ng = split("scxd_p99_vs_idle scxd_p99_vs_eevdf scxd_p99_vs_eevdf_cgroup scxd_ops_vs_eevdf", gname, " ")
		gnum[1] = "scxd p99"; gden[1] = "idle p99"; gop[1] = "<="; gb[1] = 1.25
		gnum[2] = "scxd p99"; gden[2] = "eevdf p99"; gop[2] = "<"; gb[2] = 1
		gnum[3] = "scxd p99"; gden[3] = "eevdf-cgroup p99"; gop[3] = "<"; gb[3] = 1
		gnum[4] = "scxd hog ops"; gden[4] = "eevdf hog ops"; gop[4] = ">="; gb[4] = 1.15
	}
	{
		b = $1; c = $2
		for (i = 1; i <= 7; i++) { v[b, c, fld[i]] = $(i + 2); add(c SUBSEP fld[i], $(i + 2)) }
		seen[b] = 1
	}
	function goal_vals(src, b, g) { # the numerator and denominator of goal g
		if (g <= 3) {
			split("idle eevdf eevdf-cgroup", den, " ")
			return src == "m" ? ratio(med["scxd", "p99"], med[den[g], "p99"]) : ratio(v[b, "scxd", "p99"], v[b, den[g], "p99"])
		}
		return src == "m" ? ratio(med["scxd", "ops"], med["eevdf", "ops"]) : ratio(v[b, "scxd", "ops"], v[b, "eevdf", "ops"])
	}
	function met(r, g) {
		if (r == "-") return "unknown"
		if (gop[g] == "<=") return r + 0 <= gb[g] ? "met" : "missed"
		if (gop[g] == "<") return r + 0 < gb[g] ? "met" : "missed"
		return r + 0 >= gb[g] ? "met" : "missed"
	}
	END {
		for (i = 1; i <= nconf; i++) for (j = 1; j <= 7; j++) med[conf[i], fld[j]] = median(all[conf[i], fld[j]])
		nb = 0
		for (b = 1; b <= boots; b++) if (b in seen) nb++
		if (fmt == "json") {
			printf "{\n  \"boots\": %d,\n  \"per_boot\": [", nb
			sep = ""
			for (b = 1; b <= boots; b++) {
				if (!(b in seen)) continue
				printf "%s\n    {\"boot\": %d", sep, b
				for (i = 1; i <= nconf; i++) {
					c = conf[i]
					printf ", \"%s\": {\"probe_p50_us\": %s, \"probe_p99_us\": %s, \"probe_max_us\": %s, \"probe_avg_us\": %s, \"probe_samples\": %s, \"probe_overflows\": %s, \"hog_bogo_ops_s\": %s}", c,
						num(v[b, c, "p50"]), num(v[b, c, "p99"]), num(v[b, c, "max"]), num(v[b, c, "avg"]), num(v[b, c, "samples"]), num(v[b, c, "ovf"]), num(v[b, c, "ops"])
				}
				printf "}"
				sep = ","
			}
			printf "\n  ],\n  \"median\": {"
			for (i = 1; i <= nconf; i++) {
				c = conf[i]
				printf "%s\n    \"%s\": {\"probe_p50_us\": %s, \"probe_p99_us\": %s, \"probe_max_us\": %s, \"hog_bogo_ops_s\": %s}", (i > 1 ? "," : ""), c,
					num(med[c, "p50"]), num(med[c, "p99"]), num(med[c, "max"]), num(med[c, "ops"])
			}
			printf "\n  },\n  \"goals\": {"
			for (g = 1; g <= ng; g++) {
				r = goal_vals("m", 0, g)
				printf "%s\n    \"%s\": {\"ratio\": %s, \"goal\": \"%s %s\", \"status\": \"%s\"}", (g > 1 ? "," : ""), gname[g], num(r), gop[g], gb[g], met(r, g)
			}
			printf "\n  }\n}\n"
			exit
		}
		printf "Per boot (probe latency in us, hogs in bogo ops/s, real time):\n"
		printf "%-5s %-13s %8s %8s %8s %8s %8s %10s\n", "boot", "config", "p50", "p99", "max", "avg", "samples", "hog ops/s"
		for (b = 1; b <= boots; b++) {
			if (!(b in seen)) continue
			for (i = 1; i <= nconf; i++) {
				c = conf[i]
				if (v[b, c, "p99"] == "") continue
				o = v[b, c, "ops"]; if (o != "-") o = sprintf("%.1f", o)
				printf "%-5s %-13s %8s %8s %8s %8s %8s %10s%s\n", b, c, v[b, c, "p50"], v[b, c, "p99"], v[b, c, "max"], v[b, c, "avg"], v[b, c, "samples"], o,
					v[b, c, "ovf"] + 0 ? "  (" v[b, c, "ovf"] " over the histogram)" : ""
			}
			printf "%-5s ratios: scxd p99 / idle %s, / eevdf %s, / eevdf-cgroup %s; scxd ops / eevdf ops %s\n", b,
				goal_vals("b", b, 1), goal_vals("b", b, 2), goal_vals("b", b, 3), goal_vals("b", b, 4)
		}
		printf "\nMedian of %d boot(s):\n", nb
		printf "%-13s %8s %8s %8s %10s\n", "config", "p50", "p99", "max", "hog ops/s"
		for (i = 1; i <= nconf; i++) {
			c = conf[i]
			o = med[c, "ops"]; if (o != "-") o = sprintf("%.1f", o)
			printf "%-13s %8s %8s %8s %10s\n", c, med[c, "p50"], med[c, "p99"], med[c, "max"], o
		}
		printf "\nGoals (ratios of the medians; reported, not enforced):\n"
		for (g = 1; g <= ng; g++) {
			r = goal_vals("m", 0, g)
			pb = ""
			for (b = 1; b <= boots; b++) if (b in seen) pb = pb (pb == "" ? "" : " ") goal_vals("b", b, g)
			printf "  %-30s %6s  goal %-2s %-5s %-7s (per boot: %s)\n", gnum[g] " / " gden[g], r, gop[g], gb[g], met(r, g), pb
		}
	}' "$rows"
}

# Which tree was measured. Read-only git: no index refresh (others may be
# committing), hence no `describe --dirty`.
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if GIT_OPTIONAL_LOCKS=0 git status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then rev="$rev+changes"; fi
{
	echo "scxd isolation benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $boots boot(s), tree $rev"
	echo
	summarize txt
} >"$out/results.txt"
summarize json >"$out/results.json"
echo
cat "$out/results.txt"
echo
echo "bench: $(secs_since "$t_bench") s; results in $out/results.txt and $out/results.json"
if [ $broken != 0 ]; then
	echo "bench: FAILED: a boot or a case broke, or a number is missing (see above and $out/boot-*/)"
	exit 1
fi
