#!/usr/bin/env bash
# run.sh [SECONDS TARGET...] - each libFuzzer target (build/san/fuzz/fuzz_NAME;
# without arguments every one, for $FUZZ_SMOKE seconds, default 30):
# first every input of its seed corpus (tests/fuzz/corpus/NAME/) once,
# then SECONDS of fuzzing from a scratch copy of it (new inputs stay out of
# the tree; a crash's input is kept in build/fuzz/crashes/NAME/). A crash,
# a leak or a sanitizer report fails the target. FUZZ_JOBS targets (default:
# one per CPU) run at once. Prints "ok NAME" / "FAIL NAME: why", the
# executions of each, and "fuzz: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

if [ $# = 0 ]; then
	set -- "${FUZZ_SMOKE:-30}" build/san/fuzz/fuzz_*
fi
secs=$1
shift
jobs=${FUZZ_JOBS:-$(nproc)}
mkdir -p build/fuzz

# One target: its report in build/fuzz/NAME.out, its result in the exit code
# (the number of failed steps).
one() {
	local bin=$1 name=${1##*/fuzz_}
	local seeds=tests/fuzz/corpus/$name work=build/fuzz/work/$name
	local crashes=build/fuzz/crashes/$name log=build/fuzz/$name.log
	rm -rf "$work" && mkdir -p "$work" "$crashes" && cp "$seeds"/* "$work"/
	# Files, not the directory: given a directory, libFuzzer writes into it.
	if ! "$bin" "$seeds"/* >"$log" 2>&1; then
		echo "FAIL replay_$name: the seed corpus fails:"
		tail -n 30 "$log"
		return 2
	fi
	echo "ok replay_$name ($(ls "$seeds" | wc -l) seeds)"
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" "$work" >"$log" 2>&1; then
		echo "ok fuzz_$name: $(grep -Eo 'Done [0-9]+ runs' "$log" | tail -n1) in ${secs} s"
		return 0
	fi
	echo "FAIL fuzz_$name: see $log; input in $crashes/"
	grep -E 'ERROR|fuzz:|SUMMARY' "$log" | head -n 10
	return 1
}

pids=() names=()
for bin in "$@"; do
	# At most $jobs at once: wait for the oldest before starting another.
	if [ ${#pids[@]} -ge "$jobs" ]; then
		wait "${pids[${#pids[@]} - $jobs]}"
	fi
	name=${bin##*/fuzz_}
	one "$bin" >"build/fuzz/$name.out" 2>&1 &
	pids+=($!) names+=("$name")
done
pass=0 fail=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}"
	rc=$?
	cat "build/fuzz/${names[$i]}.out"
	case $rc in
	0) pass=$((pass + 2)) ;;
	1) pass=$((pass + 1)) fail=$((fail + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
