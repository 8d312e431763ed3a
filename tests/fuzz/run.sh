#!/usr/bin/env bash
# run.sh [SECONDS TARGET...] - each libFuzzer target (build/san/fuzz/fuzz_NAME;
# without arguments every one, for $FUZZ_SMOKE seconds, default 30):
# first every input of its seed corpus (tests/fuzz/corpus/NAME/) once,
# then SECONDS of fuzzing from a scratch copy of it (new inputs stay out of
# the tree; a crash's input is kept in build/fuzz/crashes/NAME/). A crash,
# a leak or a sanitizer report fails the target. Prints "ok NAME" /
# "FAIL NAME: why", the executions of each, and "fuzz: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

if [ $# = 0 ]; then
	set -- "${FUZZ_SMOKE:-30}" build/san/fuzz/fuzz_*
fi
secs=$1
shift
pass=0 fail=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/work/$name crashes=build/fuzz/crashes/$name
	log=build/fuzz/$name.log
	rm -rf "$work" && mkdir -p "$work" "$crashes" && cp "$seeds"/* "$work"/
	# Files, not the directory: given a directory, libFuzzer writes into it.
	if ! "$bin" "$seeds"/* >"$log" 2>&1; then
		echo "FAIL replay_$name: the seed corpus fails:"
		tail -n 30 "$log"
		fail=$((fail + 1))
		continue
	fi
	echo "ok replay_$name ($(ls "$seeds" | wc -l) seeds)"
	pass=$((pass + 1))
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" "$work" >"$log" 2>&1; then
		echo "ok fuzz_$name: $(grep -Eo 'Done [0-9]+ runs' "$log" | tail -n1) in ${secs} s"
		pass=$((pass + 1))
	else
		echo "FAIL fuzz_$name: see $log; input in $crashes/"
		grep -E 'ERROR|fuzz:|SUMMARY' "$log" | head -n 10
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
