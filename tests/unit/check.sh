# check.sh - what the shell unit tests share, sourced from a bash script:
#   check NAME WHY-IF-FAILED COMMAND...   "ok NAME" or "FAIL NAME: WHY"
#   finish                                 "unit: N passed, N failed";
#                                          false if any failed
pass=0 fail=0
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then
		echo "ok $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: $why"
		fail=$((fail + 1))
	fi
}
finish() {
	echo "unit: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
