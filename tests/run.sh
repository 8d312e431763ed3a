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

# Every VM case runs on each sched_ext kernel (SCXD_TEST_KERNELS
# overrides), but those that say "# suite: once" on the first one only.
every=()
for f in tests/vm/cases/[0-9]*.sh; do
	grep -q '^#[[:space:]]*suite:[[:space:]]*once' "$f" && continue
	n=${f##*/}
	every+=("${n%.sh}")
done
first=1
for k in ${SCXD_TEST_KERNELS:-7.3 7.2}; do
	echo "== VM suite, kernel $k"
	if [ $first = 1 ]; then
		tests/vm/run.sh --kernel "$k" 2>&1 | tee "$out"
	else
		tests/vm/run.sh --kernel "$k" "${every[@]}" 2>&1 | tee "$out"
	fi
	count "$out"
	first=0
done

# scxd as a service: systemd as PID 1, on the first kernel.
k=${SCXD_TEST_KERNELS:-7.3}
k=${k%% *}
echo "== systemd suite, kernel $k"
tests/vm/run.sh --systemd --kernel "$k" 2>&1 | tee "$out"
count "$out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
