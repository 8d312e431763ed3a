#!/bin/sh
# scxd attaches as "scxd", answers `scxctl status` (table and JSON) and
# detaches on SIGTERM with exit status 0, leaving sched_ext disabled.
. /tests/lib.sh

assert_eq "$(sched_state)" disabled "sched_ext before start"
start_scxd
assert_eq "$(sched_state)" enabled "sched_ext state after start"
assert_eq "$(sched_ops)" scxd "root/ops after start"

out=$(scxctl status) || fail "scxctl status exited $?"
echo "$out"
echo "$out" | grep -q enabled || fail "status does not say enabled"
# Every layer of the built-in config is listed, the catch-all last.
last=$(echo "$out" | awk 'NF && $1 != "LAYER" {l = $1} END {print l}')
assert_eq "$last" default "last layer row"

json=$(scxctl --json status) || fail "scxctl --json status exited $?"
echo "$json" | grep -q '"state":[[:space:]]*"enabled"' || fail "JSON status lacks state enabled: $json"

stop_scxd
rc=$?
assert_eq "$rc" 0 "scxd exit status after SIGTERM"
assert_eq "$(sched_state)" disabled "sched_ext after SIGTERM"
# Down: scripts can tell by exit code 3.
scxctl status >/dev/null 2>&1
assert_eq "$?" 3 "scxctl status exit code with the daemon down"
