#!/usr/bin/env bash
# Boot the sched_ext kernel in QEMU and run the VM test cases in one boot.
#
#   tests/vm/run.sh [--kernel NAME] [--bench] [--systemd] [--cases DIR] [--demo] [--selftest] [CASE_GLOB...]
#
#   CASE_GLOB   shell patterns on case names (tests/vm/cases/NAME.sh, NAME
#               starting with a digit; with or without .sh); quote them.
#               Default: every case.
#   --cases     run the cases of DIR (same layout as tests/vm/cases: NN-*.sh
#               plus helper files, all copied into the VM) instead of
#               tests/vm/cases; e.g. tests/bench/cases
#   --kernel    a kernel fetched by tools/vm-kernel.sh NAME (default 7.3)
#   --systemd   boot tools/vm-rootfs.sh's Debian root filesystem with
#               systemd as PID 1, scxd installed over it by make install,
#               and run the cases of tests/vm/systemd/ (as rig.service)
#   --bench     bench shape: 2 vCPUs (2 LLCs of one CPU), multi-threaded
#               TCG, one vCPU per host core; latency figures mean something
#               there. Default is the functional shape: 8 vCPUs in 2 LLCs
#               (cpu0-3, cpu4-7) on single-threaded TCG.
#   --demo      run tests/vm/demo.sh (scxd with a small workload) and show
#               its output, instead of the cases
#   --selftest  run tests/vm/selftest/ and check that each case got the
#               verdict it declares; prints "rig-selftest: ok"
#
# Environment: SCXD_VM_ACCEL (QEMU -accel value, e.g. kvm; default per
# shape), SCXD_VM_MEM (default 2G), SCXD_VM_APPEND (extra kernel
# arguments), VM_KERNEL (as --kernel), SCXD_TUNE (scheduler tunables for
# every scxd the cases start, e.g. "steal_ns=1ms claim_ns=0": scxd --tune),
# SCXD_VM_OUT (the artifacts' directory, default build/vm: two runs of one
# tree at once need two).
#
# Prints PASS name / FAIL name (reason) per case, failures with the case's
# output and kernel log, and ends with "vm: N passed, N failed" (exit 1 if
# any failed). Artifacts: $SCXD_VM_OUT (console.log is the kernel console,
# results.log the raw result channel, cases/NAME.log per case).
set -euo pipefail
# --cases DIR is relative to where the caller stands, not to the tree.
caller_dir=$PWD
cd "$(dirname "$0")/../.."
. tools/lib.sh

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; }

kernel=${VM_KERNEL:-7.3}
mode=cases
shape=functional
sysd=0
case_dir=
globs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) [ $# -ge 2 ] || { usage >&2; exit 2; }; kernel=$2; shift ;;
	--kernel=*) kernel=${1#*=} ;;
	--bench) shape=bench ;;
	--systemd) sysd=1 ;;
	--cases) [ $# -ge 2 ] || { usage >&2; exit 2; }; case_dir=$2; shift ;;
	--cases=*) case_dir=${1#*=} ;;
	--demo) mode=demo ;;
	--selftest) mode=selftest ;;
	-h | --help) usage; exit 0 ;;
	-*) echo "vm: unknown option $1" >&2; usage >&2; exit 2 ;;
	*) globs+=("$1") ;;
	esac
	shift
done

if [ $sysd = 1 ]; then
	[ $mode = cases ] && [ -z "$case_dir" ] && [ $shape = functional ] ||
		{ echo "vm: --systemd runs tests/vm/systemd/ alone (no --cases, --demo, --selftest, --bench)" >&2; exit 2; }
	rootfs=$(scxd_cache)/rootfs
	[ -s "$rootfs/rootfs.cpio" ] && [ -s "$rootfs/rootfs.list" ] ||
		{ echo "vm: no systemd root filesystem in $rootfs; run tools/vm-rootfs.sh (or make deps)" >&2; exit 1; }
	[ -x daemon/scxd ] && [ -x ctl/scxctl ] || { echo "vm: --systemd needs scxd built (make)" >&2; exit 1; }
fi
if [ -n "$case_dir" ]; then
	[ $mode = cases ] || { echo "vm: --cases cannot be combined with --demo or --selftest" >&2; exit 2; }
	abs=$(cd "$caller_dir" && realpath -e -- "$case_dir" 2>/dev/null) && [ -d "$abs" ] ||
		{ echo "vm: --cases: no directory '$case_dir'" >&2; exit 2; }
	case_dir=$abs
fi

kdir=$(scxd_cache)/kernel/$kernel
[ -s "$kdir/vmlinuz" ] || { echo "vm: no kernel '$kernel' in $kdir; run tools/vm-kernel.sh $kernel (or make deps)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "vm: qemu-system-x86_64 not found (make deps)" >&2; exit 1; }

out=${SCXD_VM_OUT:-build/vm}
mkdir -p "$out"
# One VM run at a time per tree: the artifacts have fixed names.
exec 9>"$out/.lock"
flock -n 9 || { echo "vm: another run is using $out; waiting" >&2; flock 9; }

# --- which cases, and how long they may take --------------------------------
case_timeout() {
	local t
	t=$(sed -n 's/^#[[:space:]]*timeout:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$1" | head -n 1)
	echo "${t:-120}"
}
cases=()
budget=0
if [ $mode = demo ]; then
	[ -f tests/vm/demo.sh ] || { echo "vm: tests/vm/demo.sh is missing" >&2; exit 1; }
	cases=(demo)
	budget=300
else
	dir=${case_dir:-tests/vm/cases}
	[ $mode = selftest ] && dir=tests/vm/selftest
	[ $sysd = 1 ] && dir=tests/vm/systemd
	for f in "$dir"/[0-9]*.sh; do
		[ -e "$f" ] || continue
		name=${f##*/}
		name=${name%.sh}
		if [ ${#globs[@]} -gt 0 ]; then
			hit=0
			for g in "${globs[@]}"; do
				# shellcheck disable=SC2053 # the glob is meant to match
				[[ $name == ${g%.sh} ]] && hit=1
			done
			[ $hit = 1 ] || continue
		fi
		[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || { echo "vm: bad case name '$name' (letters, digits, . _ - only)" >&2; exit 2; }
		cases+=("$name")
		# a case's own timeout plus time for the rig's cleanup after it
		budget=$((budget + $(case_timeout "$f") + 15))
	done
	[ ${#cases[@]} -gt 0 ] || { echo "vm: no case in $dir matches: ${globs[*]:-*}" >&2; exit 2; }
fi
budget=$((budget + 90)) # boot and poweroff, with room for a slow host
[ $sysd = 1 ] && budget=$((budget + 90)) # systemd's own boot, and the bigger image

# NAME=TIME words only: they end up on scxd's command line in the guest.
tune=${SCXD_TUNE:-}
[[ $tune =~ ^[[:space:]]*([a-z_]+=[0-9a-z]+[[:space:]]*)*$ ]] ||
	{ echo "vm: SCXD_TUNE wants NAME=TIME words (scxd --tune help), not '$tune'" >&2; exit 2; }

# --- initramfs: the tree's files, plus this run's configuration --------------
if [ $sysd = 1 ]; then
	# The root filesystem (as cached) and scxd installed over it.
	tests/vm/mksystemd.sh "$rootfs/rootfs.list" "$out/overlay.cpio"
	base=("$rootfs/rootfs.cpio" "$out/overlay.cpio")
else
	tests/vm/mkinitramfs.sh "$out/initramfs.cpio"
	[ -x daemon/scxd ] || echo "vm: daemon/scxd not built; the VM has no scxd"
	base=("$out/initramfs.cpio")
fi
conf=$(mktemp -d)
trap 'rm -rf "$conf"' EXIT
mkdir "$conf/etc"
cat >"$conf/etc/rig.conf" <<EOF
RIG_MODE=$mode
RIG_SHAPE=$shape
RIG_CASES='${cases[*]}'
RIG_TIMEOUT=120
RIG_SCXD_TUNE='$tune'
EOF
# The guest runs /tests/cases/NAME.sh, which the base initramfs fills from
# tests/vm/cases; this archive lays DIR's files over them (a same-named file
# of DIR wins). Only the selected cases run, so the others stay inert.
if [ -n "$case_dir" ]; then
	mkdir -p "$conf/tests/cases"
	for f in "$case_dir"/*; do
		if [ -f "$f" ]; then install -m 0755 "$f" "$conf/tests/cases/"; fi
	done
fi
# The selftest attaches a real BPF scheduler, built here (tests/vm/selftest/
# rigsched.bpf.c) for the kernel's own BTF, to see the kernel's messages.
if [ $mode = selftest ]; then
	mkdir -p "$conf/tests/selftest" "$out/selftest"
	[ -s build/vmlinux.h ] || make -s build/vmlinux.h
	clang=${CLANG:-$(command -v clang-19 || command -v clang || true)}
	[ -n "$clang" ] || { echo "vm: --selftest needs clang (make deps)" >&2; exit 1; }
	for v in ok error stall; do
		obj=$out/selftest/rigsched-$v.bpf.o
		if [ ! "$obj" -nt tests/vm/selftest/rigsched.bpf.c ] || [ ! "$obj" -nt build/vmlinux.h ]; then
			"$clang" -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wno-missing-declarations \
				-DRIGSCHED_"${v^^}" -Ibuild -c tests/vm/selftest/rigsched.bpf.c -o "$obj"
		fi
		cp "$obj" "$conf/tests/selftest/"
	done
fi
# A later cpio archive adds to (and overrides files of) an earlier one.
(cd "$conf" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
	cat "${base[@]}" - >"$out/run.cpio"

# --- QEMU ------------------------------------------------------------------------
# Multi-threaded TCG with more vCPUs than host cores oopses now and then
# (static-key patching), so 8 vCPUs run single-threaded; QEMU takes only
# the first -accel, so exactly one is given.
if [ $shape = bench ]; then
	accel=${SCXD_VM_ACCEL:-tcg,thread=multi}
	smp=2,sockets=2,cores=1,threads=1
else
	accel=${SCXD_VM_ACCEL:-tcg,thread=single}
	smp=8,sockets=2,cores=2,threads=2
fi
cpu=()
[[ $accel == kvm* ]] && cpu=(-cpu host)
cmdline="console=ttyS0 panic=-1 log_buf_len=4M ${SCXD_VM_APPEND:-}"
qemu=(qemu-system-x86_64 -nodefaults -no-reboot -display none -monitor none
	-accel "$accel" "${cpu[@]}" -smp "$smp" -m "${SCXD_VM_MEM:-2G}"
	-kernel "$kdir/vmlinuz" -initrd "$out/run.cpio" -append "$cmdline"
	-serial "file:$out/console.log" -serial "file:$out/results.log")
printf '%q ' "${qemu[@]}" >"$out/qemu.cmd"
# Every result says which emulator it came from: timing and stability
# differ between QEMU releases.
qemu_version=$("${qemu[0]}" --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
echo >>"$out/qemu.cmd"

rm -rf "$out/cases" "$out/console.log" "$out/results.log"
mkdir -p "$out/cases"
: >"$out/results.log"
t_start=$(date +%s.%N)
timeout -s KILL "$budget" "${qemu[@]}" </dev/null >"$out/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null; rm -rf "$conf"' EXIT

# --- result channel ----------------------------------------------------------------
secs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
indent() { sed 's/^/    /'; }
join() { # ARGS joined with ", "
	local s=${1:-passed} a
	shift || true
	for a in "$@"; do s="$s, $a"; done
	echo "$s"
}

passed=0
failed=0
declare -A verdict=() expect=()
selftest_bad=0
ready=0
boot_kern=()
cur=
done_seen=0

if [ $mode = selftest ]; then
	for c in "${cases[@]}"; do
		expect[$c]=$(sed -n 's/^#[[:space:]]*selftest-expect:[[:space:]]*\([^[:space:]]*\).*/\1/p' "tests/vm/selftest/$c.sh" | head -n 1)
	done
fi

report_failure() { # NAME REASON
	local name=$1 log=$out/cases/$1
	echo "FAIL $name ($2)"
	if [ -s "$log.log" ]; then
		echo "    --- output:"
		indent <"$log.log"
	fi
	if [ -s "$log.kern" ]; then
		echo "    --- kernel log lines that fail the case:"
		indent <"$log.kern"
	fi
	if [ -s "$log.klog" ]; then
		echo "    --- kernel log during the case (last 40 lines; all in $log.klog):"
		tail -n 40 "$log.klog" | indent
	fi
}

end_case() { # the END record's fields
	local name=$1 rc='?' kl='?' to=0 cl=ok secs='?' f reasons=() got
	shift
	for f in "$@"; do
		case "$f" in
		rc=*) rc=${f#rc=} ;;
		kernlog=*) kl=${f#kernlog=} ;;
		timeout=*) to=${f#timeout=} ;;
		cleanup=*) cl=${f#cleanup=} ;;
		secs=*) secs=${f#secs=} ;;
		esac
	done
	if [ "$to" = 1 ]; then reasons+=("timed out"); elif [ "$rc" != 0 ]; then reasons+=("exit code $rc"); fi
	if [ "$kl" != ok ]; then reasons+=("kernel log"); fi
	if [ "$cl" != ok ]; then reasons+=("left sched_ext or cgroups behind"); fi
	if [ $mode = demo ]; then
		verdict[$name]=shown
		if [ ${#reasons[@]} -eq 0 ]; then
			echo "demo: ok"
		else
			failed=1
			echo "demo: failed ($(join "${reasons[@]}"))"
			if [ -s "$out/cases/$name.kern" ]; then indent <"$out/cases/$name.kern"; fi
		fi
		return
	fi
	if [ $mode = selftest ]; then
		if [ "$to" = 1 ]; then got=fail-timeout
		elif [ "$rc" = 0 ] && [ "$kl" = ok ] && [ "$cl" = ok ]; then got=pass
		elif [ "$kl" = ok ] && [ "$cl" = ok ]; then got=fail-rc=$rc
		elif [ "$rc" = 0 ] && [ "$cl" = ok ]; then got=fail-kernlog
		else got="mixed(rc=$rc kernlog=$kl cleanup=$cl)"
		fi
		verdict[$name]=$got
		if [ "$got" = "${expect[$name]}" ]; then
			echo "ok   $name: $got (${secs} s)"
		else
			selftest_bad=1
			echo "BAD  $name: expected ${expect[$name]:-?}, got $got"
			report_failure "$name" "$(join "${reasons[@]}")" | indent
		fi
		return
	fi
	if [ ${#reasons[@]} -eq 0 ]; then
		verdict[$name]=pass
		passed=$((passed + 1))
		echo "PASS $name"
	else
		verdict[$name]=fail
		failed=$((failed + 1))
		report_failure "$name" "$(join "${reasons[@]}")"
	fi
}

while IFS= read -r line; do
	line=${line%$'\r'}
	case "$line" in
	"RIG ready "*)
		ready=1
		up=$(sed -n 's/.*uptime=\([^ ]*\).*/\1/p' <<<"$line")
		cpus=$(sed -n 's/.*cpus=\([^ ]*\).*/\1/p' <<<"$line")
		krel=$(sed -n 's/.*kernel=\([^ ]*\).*/\1/p' <<<"$line")
		echo "vm: booted in $(secs_since "$t_start") s (guest uptime $up s); $shape shape, $cpus CPUs, kernel $krel, accel $accel, QEMU $qemu_version"
		;;
	"BOOT kernlog=bad") ;;
	"KERN "*)
		if [ -n "$cur" ]; then echo "${line#KERN }" >>"$out/cases/$cur.kern"; else boot_kern+=("${line#KERN }"); fi
		;;
	"CASE "*)
		cur=${line#CASE }
		: >"$out/cases/$cur.log"
		;;
	"| "* | "|")
		l=${line#|}
		l=${l# }
		if [ $mode = demo ]; then
			echo "$l"
		elif [ -n "$cur" ]; then
			echo "$l" >>"$out/cases/$cur.log"
		fi
		;;
	"KLOG "*)
		if [ -n "$cur" ]; then echo "${line#KLOG }" >>"$out/cases/$cur.klog"; fi
		;;
	"END "*)
		# shellcheck disable=SC2086 # fields are space-separated on purpose
		end_case ${line#END }
		cur=
		;;
	"RIG done") done_seen=1 ;;
	esac
done < <(tail -n +1 -F -s 0.2 --pid=$qpid "$out/results.log" 2>/dev/null)

set +e
wait $qpid
qrc=$?
set -e
trap 'rm -rf "$conf"' EXIT

# --- what the guest did not report ------------------------------------------------
why=
if grep -q 'Kernel panic' "$out/console.log" 2>/dev/null; then
	why="kernel panic"
elif [ $qrc = 124 ] || [ $qrc = 137 ]; then
	why="VM killed after ${budget} s"
elif [ $done_seen = 0 ]; then
	why="VM stopped early (QEMU exit code $qrc)"
fi
if [ ${#boot_kern[@]} -gt 0 ]; then
	echo "FAIL boot (kernel log)"
	printf '    %s\n' "${boot_kern[@]}"
	failed=$((failed + 1))
	selftest_bad=1
fi
missing=0
for c in "${cases[@]}"; do
	[ -n "${verdict[$c]:-}" ] && continue
	if [ $mode = selftest ]; then
		got=not-run
		[ "$c" = "$cur" ] && got=fail-crash
		if [ "$got" = "${expect[$c]}" ]; then
			echo "ok   $c: $got (${why:-no reason})"
			continue
		fi
		echo "BAD  $c: expected ${expect[$c]:-?}, got $got"
	fi
	missing=1
	if [ $mode = demo ]; then
		echo "demo: failed (${why:-no result})"
	elif [ "$c" = "$cur" ]; then
		report_failure "$c" "no result: ${why:-unknown}; died during the case"
	else
		echo "FAIL $c (not run: ${why:-unknown})"
	fi
	failed=$((failed + 1))
	selftest_bad=1
done
[ $ready = 1 ] || { echo "vm: the guest never reported ready (${why:-unknown})"; failed=$((failed + 1)); selftest_bad=1; }
if [ $missing = 1 ] || [ $ready = 0 ] || { [ -n "$why" ] && [ $mode != selftest ]; }; then
	echo "--- last 40 lines of the kernel console ($out/console.log):"
	tail -n 40 "$out/console.log" 2>/dev/null | indent
	if [ -s "$out/qemu.log" ]; then echo "--- QEMU:"; indent <"$out/qemu.log"; fi
fi

case $mode in
selftest)
	if [ $selftest_bad = 0 ]; then
		echo "rig-selftest: ok"
	else
		echo "rig-selftest: FAILED"
		exit 1
	fi
	;;
demo)
	[ $failed = 0 ] || exit 1
	;;
*)
	[ $failed = 0 ] || echo "vm: artifacts in $out/"
	echo "vm: $passed passed, $failed failed"
	[ $failed = 0 ]
	;;
esac
