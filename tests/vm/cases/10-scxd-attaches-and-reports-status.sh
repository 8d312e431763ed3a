#!/bin/sh
# scxd attaches as "scxd", answers `scxctl status` (table and JSON) and
# detaches on SIGTERM with exit status 0, leaving sched_ext disabled.
# A timing tunable given with --tune reaches the scheduler's rodata; the
# others keep their defaults.
. /tests/lib.sh

assert_eq "$(sched_state)" disabled "sched_ext before start"
start_scxd --tune steal_ns=3ms
assert_eq "$(sched_state)" enabled "sched_ext state after start"
assert_eq "$(sched_ops)" scxd "root/ops after start"

command -v bpftool >/dev/null || fail "bpftool is not in the initramfs"
rodata=$(bpftool -j map dump name scxd.rodata) || fail "no scxd.rodata map: $(bpftool map list)"
echo "$rodata" | tr -d ' ' | grep -q '"steal_ns":3000000[,}]' || fail "steal_ns is not 3 ms: $rodata"
echo "$rodata" | tr -d ' ' | grep -q '"starve_ns":100000000[,}]' || fail "starve_ns not at its default: $rodata"
grep -q 'steal_ns = 3000000 ns' "$SCXD_LOG" || fail "the log does not say which tunable was set"

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
