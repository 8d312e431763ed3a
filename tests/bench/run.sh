#!/usr/bin/env bash
# The benchmark: scxd against EEVDF on nine workloads, each configuration
# measured in interleaved rounds inside each boot of the bench-shaped VM,
# over several boots. See docs/performance.md for the method and results.
#
#   tests/bench/run.sh [--boots N] [--kernel NAME] [--rounds N] [--secs N] [CASE_GLOB...]
#
#   --boots     boots to run (default 5, or $BENCH_BOOTS): the summary is
#               the median of per-boot ratios, and one boot's figures
#               swing by 10x from the next one's under emulation
#   --kernel    VM kernel of those boots (default 7.3); the BPF cost case
#               also runs once on each other kernel of $BENCH_COST_KERNELS
#               (default "7.3 7.2")
#   --rounds    rounds of every configuration per boot (default 3)
#   --secs      seconds per measurement (default 5)
#   CASE_GLOB   only these cases of tests/bench/cases (quoted patterns)
#
# A boot that died of the emulator (the guest oopsed on an int3, which
# multi-threaded TCG causes when sched_ext patches static keys) is run
# again, up to twice, and not counted; the number of such retries and
# the QEMU version are part of the results.
#
# Writes build/bench/results.txt and results.json (tests/bench/tools/
# benchsum.c), build/bench/latency-cdf.png and ratios.png (gnuplot), and
# per boot build/bench/boot-N/ (the rig's output and artifacts).
#
# Exit status: 0 when every boot ran every case and reported its figures,
# whatever they are (emulated timing is no pass/fail criterion); 1
# otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; }

boots=${BENCH_BOOTS:-5}
kernel=${VM_KERNEL:-7.3}
cost_kernels=${BENCH_COST_KERNELS:-7.3 7.2}
rounds=3
secs=5
globs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--boots) [ $# -ge 2 ] || { usage >&2; exit 2; }; boots=$2; shift ;;
	--kernel) [ $# -ge 2 ] || { usage >&2; exit 2; }; kernel=$2; shift ;;
	--rounds) [ $# -ge 2 ] || { usage >&2; exit 2; }; rounds=$2; shift ;;
	--secs) [ $# -ge 2 ] || { usage >&2; exit 2; }; secs=$2; shift ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) globs+=("$1") ;;
	esac
	shift
done
for v in boots rounds secs; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "bench: --$v wants a positive number, not '${!v}'" >&2; exit 2; }
done
sum=build/tools/benchsum
if ! [ -x daemon/scxd ] || ! [ -x ctl/scxctl ] || ! [ -x $sum ]; then
	echo "bench: build first (make bench does)" >&2
	exit 1
fi
command -v gnuplot >/dev/null || { echo "bench: gnuplot is missing (sudo make deps)" >&2; exit 1; }

out=build/bench
mkdir -p "$out"
# One benchmark per tree at a time: it owns build/bench/.
exec 8>"$out/.lock"
flock -n 8 || { echo "bench: another benchmark is using $out; waiting" >&2; flock 8; }
rm -rf "$out"/boot-* "$out"/results.* "$out"/*.png "$out"/*.dat "$out"/plots.gp
rows=$out/rows.tsv # BOOT WORKLOAD CONFIG KEY VALUE
: >"$rows"
qemu=$(qemu-system-x86_64 --version | head -n 1 | sed 's/^QEMU emulator version //')

secs_since() { echo $(($(date +%s) - $1)); }
t_bench=$(date +%s)
broken=0
retries=0
kernels=()

# boot N KERNEL [CASE_GLOB...]: one boot, retried when the emulator killed
# it; its BENCH lines into $rows as boot N. Sets broken=1 on a failure.
boot() {
	local b=$1 k=$2 dir=$out/boot-$1 rc try run_id release
	shift 2
	for try in 1 2 3; do
		rm -rf "$dir"
		mkdir -p "$dir"
		# A fresh ID per boot, in the kernel's command line: the cases echo it.
		run_id=$$-$b-$try-$(date +%s%N)
		echo "bench: boot $b, kernel $k$([ "$try" = 1 ] || echo ", try $try") (scxd $(sha256sum daemon/scxd | cut -c1-12), host load $(cut -d' ' -f1-3 /proc/loadavg))"
		local t_boot
		t_boot=$(date +%s)
		set +e
		SCXD_VM_APPEND="${SCXD_VM_APPEND:-} scxd_bench.run=$run_id scxd_bench.rounds=$rounds scxd_bench.secs=$secs" \
			tests/vm/run.sh --bench --kernel "$k" --cases tests/bench/cases "$@" 2>&1 |
			tee "$dir/rig.out" | sed -u 's/^/    /'
		rc=${PIPESTATUS[0]}
		set -e
		# build/vm/ belongs to whichever VM run of the tree holds its lock
		# next: copy this boot's artifacts out at once (the run ID tells if
		# another run got there first).
		cp -r build/vm/cases build/vm/results.log build/vm/console.log "$dir/" 2>/dev/null || true
		echo "    ($(secs_since "$t_boot") s; artifacts in $dir/)"
		if [ "$rc" != 0 ] && grep -q 'Oops: int3' "$dir/console.log" 2>/dev/null && [ "$try" -lt 3 ]; then
			echo "bench: boot $b died of the emulator (Oops: int3 in the guest); running it again"
			retries=$((retries + 1))
			continue
		fi
		break
	done
	if [ "$rc" != 0 ]; then
		echo "bench: boot $b failed (tests/vm/run.sh exit code $rc)"
		broken=1
	fi
	release=$(sed -n 's/.*, kernel \([^ ,]*\),.*/\1/p' "$dir/rig.out" | head -n 1)
	[[ " ${kernels[*]} " == *" ${release:-$k} "* ]] || kernels+=("${release:-$k}")
	# "| BENCH run=ID workload=W config=C K=V..." lines of this run only.
	if ! sed -n 's/^| BENCH //p' "$dir/results.log" 2>/dev/null | awk -v id="$run_id" -v b="$b" '
		{
			delete kv
			for (i = 1; i <= NF; i++) { k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v); kv[k] = v }
			if (kv["run"] != id) next
			n++
			for (i = 1; i <= NF; i++) {
				k = $i; sub(/=.*/, "", k); v = $i; sub(/^[^=]*=/, "", v)
				if (k == "run" || k == "workload" || k == "config") continue
				if (v !~ /^-?[0-9]+(\.[0-9]+)?$/) { print "bench: boot " b ": " kv["workload"] "/" kv["config"] " reported " k "=" v > "/dev/stderr"; bad = 1; continue }
				print b, kv["workload"], kv["config"], k, v
			}
		}
		END { if (!n) print "bench: boot " b ": no results" > "/dev/stderr"; exit !n || bad }' >>"$rows"; then
		broken=1
	fi
}

for ((b = 1; b <= boots; b++)); do
	boot "$b" "$kernel" "${globs[@]}"
done
# The BPF cost on every other kernel too: one boot each, numbered on.
n=$boots
for k in $cost_kernels; do
	[ "$k" != "$kernel" ] || continue
	if [ ${#globs[@]} = 0 ] || [[ " ${globs[*]} " == *"60"* ]]; then
		n=$((n + 1))
		boot "$n" "$k" '60*'
	fi
done

# Which tree was measured. Read-only git: no index refresh (others may be
# committing), hence no `describe --dirty`.
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if GIT_OPTIONAL_LOCKS=0 git status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then rev="$rev+changes"; fi
if [ -s "$rows" ]; then
	$sum --meta "date=$(date -u +%Y-%m-%dT%H:%MZ)" --meta "tree=$rev" --meta "qemu=$qemu" \
		--meta "kernels=${kernels[*]}" --meta "boots=$boots" --meta "rounds=$rounds" \
		--meta "secs=$secs" --meta "emulator_retries=$retries" \
		--txt "$out/results.txt" --json "$out/results.json" --plot "$out" <"$rows"
	gnuplot "$out/plots.gp" || { echo "bench: gnuplot failed" >&2; broken=1; }
	echo
	cat "$out/results.txt"
fi
echo
echo "bench: $(secs_since "$t_bench") s, $retries emulator retries; results in $out/results.txt, results.json, latency-cdf.png, ratios.png"
if [ $broken != 0 ]; then
	echo "bench: FAILED: a boot or a case broke, or a number is missing (see above and $out/boot-*/)"
	exit 1
fi
