#!/usr/bin/env bash
# The whole test suite: host unit tests, the VM rig's self-test, the VM
# suite, then the systemd suite (tests/vm/systemd/, systemd as PID 1).
# Each part prints "<part>: N passed, N failed"; this adds them up and
# ends with the one line CI reads. Exit non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

pass=0 fail=0
count() { # $1 = output file; adds its last "N passed, N failed" line
	local line p f
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
	if [ -z "$line" ]; then
		echo "  (no result line: counted as 1 failure)"
		fail=$((fail + 1))
		return
	fi
	p=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")
	f=$(sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
	pass=$((pass + p)) fail=$((fail + f))
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

for t in "$@"; do
	echo "== $t"
	"$t" >"$out" 2>&1
	rc=$?
	grep -v '^ok ' "$out"
	count "$out"
	# A binary that failed after claiming success (a crash at exit, a
	# sanitizer report) still fails the run.
	if [ $rc -ne 0 ] && tail -n1 "$out" | grep -q ' 0 failed$'; then
		echo "  $t exited $rc"
		fail=$((fail + 1))
	fi
done

echo "== VM rig self-test"
if tests/vm/run.sh --selftest >"$out" 2>&1 && grep -q '^rig-selftest: ok' "$out"; then
	echo "rig-selftest: ok"
	pass=$((pass + 1))
else
	cat "$out"
	fail=$((fail + 1))
fi

# The VM suites. Every case runs on each sched_ext kernel
# (SCXD_TEST_KERNELS overrides), but those that say "# suite: once" on one
# of them: the first kernel takes the 1st, 3rd, ... of those, the second
# the others. Then the systemd suite, on the first kernel. A suite boots
# its own QEMU, which under TCG keeps one host CPU busy (thread=single):
# with two CPUs (SCXD_TEST_LANES, default the CPU count), the first
# kernel's suite runs beside the others, which run one after another, each
# with its artifacts in a directory of its own (build/vm is the first
# kernel's). The first suite's output comes as it runs, the others' when
# they end.
read -r -a kernels <<<"${SCXD_TEST_KERNELS:-7.3 7.2}"
every=() once=()
for f in tests/vm/cases/[0-9]*.sh; do
	n=${f##*/}
	if grep -q '^#[[:space:]]*suite:[[:space:]]*once' "$f"; then
		once+=("${n%.sh}")
	else
		every+=("${n%.sh}")
	fi
done
# cases_of I: the cases of the I-th kernel (0-based).
cases_of() {
	local j
	echo "${every[@]}"
	for j in "${!once[@]}"; do
		if [ "${#kernels[@]}" = 1 ] || [ $((j % 2)) = "$1" ]; then echo "${once[$j]}"; fi
	done
}
vmdir=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$vmdir"' EXIT
rest() { # the suites after the first, into $vmdir/1.out, 2.out, ...
	local i=0 k
	for k in "${kernels[@]:1}"; do
		i=$((i + 1))
		{
			echo "== VM suite, kernel $k"
			# shellcheck disable=SC2046 # one word per case
			SCXD_VM_OUT=build/vm-$k tests/vm/run.sh --kernel "$k" $(cases_of "$i") 2>&1
		} >"$vmdir/$i.out"
	done
	{
		echo "== systemd suite, kernel ${kernels[0]}"
		SCXD_VM_OUT=build/vm-systemd tests/vm/run.sh --systemd --kernel "${kernels[0]}" 2>&1
	} >"$vmdir/$((i + 1)).out"
}
lanes=${SCXD_TEST_LANES:-$(nproc)}
[ "$lanes" -ge 2 ] && { rest & rest_pid=$!; }
echo "== VM suite, kernel ${kernels[0]}"
# shellcheck disable=SC2046
tests/vm/run.sh --kernel "${kernels[0]}" $(cases_of 0) 2>&1 | tee "$out"
count "$out"
if [ "$lanes" -ge 2 ]; then wait "$rest_pid"; else rest; fi
for ((i = 1; i <= ${#kernels[@]}; i++)); do
	cat "$vmdir/$i.out"
	count "$vmdir/$i.out"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
