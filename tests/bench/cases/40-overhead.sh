#!/bin/sh
# Workload 4, overhead: what scheduling itself costs, with every task in
# one throughput layer (overhead.ini), so scxd has nothing to isolate and
# only its callbacks are measured against EEVDF's. hackbench (rt-tests)
# passes messages between 2 groups of 10 senders and 10 receivers over
# sockets; stress-ng --switch ping-pongs a pipe between two processes, a
# context switch per message. Figures: each one's run time for a fixed
# amount of work.
# timeout: 420
. /tests/lib.sh
. /tests/cases/bench.sh

W=overhead
CONFIGS="eevdf scxd"
HACKBENCH="hackbench -g 2 -f 10 -l 150"
SWITCH_OPS=20000

start_scxd --config /tests/cases/overhead.ini

measure() {
	$HACKBENCH >"$CASE_TMP/hackbench.out" 2>&1 || { cat "$CASE_TMP/hackbench.out"; fail "hackbench exited $?"; }
	_t=$(awk '$1 == "Time:" { print $2 }' "$CASE_TMP/hackbench.out")
	[ -n "$_t" ] || { cat "$CASE_TMP/hackbench.out"; fail "no time in hackbench's output"; }
	echo "$_t" >>"$CASE_TMP/$1.hackbench"
	_t0=$(now_ms)
	stress-ng --switch 1 --switch-ops $SWITCH_OPS --quiet || fail "stress-ng --switch exited $?"
	echo "$(( $(now_ms) - _t0 ))" | awk '{ print $1 / 1000 }' >>"$CASE_TMP/$1.switch"
	echo "$1: hackbench $_t s, switch $(tail -n 1 "$CASE_TMP/$1.switch") s"
}
rounds measure $CONFIGS

enter scxd
stop_scxd || fail "scxd exited $?"
for c in $CONFIGS; do
	report $W "$c" "hackbench_s=$(mean_of "$CASE_TMP/$c.hackbench")" \
		"switch_s=$(mean_of "$CASE_TMP/$c.switch")"
done
