#!/bin/sh
# Workload 1 again, with the probe and the hogs in one auto layer
# (auto-isolation.ini: cgroup /bench; config scxd) instead of a latency
# layer for the probe's cgroup and a throughput layer for the hogs'
# (isolation.ini, config scxd-layers), or of one throughput layer for
# both (tput-isolation.ini, config scxd-tput: what a throughput catch-all
# did with tasks it has no rule for). All are roles of one daemon
# (--roles-dir /tests/cases), switched live (scxctl role set) in the
# rounds, beside EEVDF. benchsum's ratios: scxd / scxd-layers, what not
# naming the classes costs; scxd / scxd-tput, what an auto catch-all
# gains or costs over a throughput one; scxd / eevdf.
# timeout: 420
. /tests/lib.sh
. /tests/cases/bench.sh

W=isolation-auto
CONFIGS="eevdf scxd-layers scxd-tput scxd"

# enter_scxd CONFIG: the role of CONFIG (see bench.sh's enter).
enter_scxd() {
	case $1 in
	scxd) scxctl role set auto-isolation >/dev/null || fail "role set auto-isolation exited $?" ;;
	scxd-layers) scxctl role set isolation >/dev/null || fail "role set isolation exited $?" ;;
	scxd-tput) scxctl role set tput-isolation >/dev/null || fail "role set tput-isolation exited $?" ;;
	esac
}

# A main file that only selects a role: role set then runs each alone.
printf '[scxd]\nrole = auto-isolation\n' >"$CASE_TMP/main.ini"
start_scxd --config "$CASE_TMP/main.ini" --roles-dir /tests/cases
bench_cgroups
probe_in bench

rounds measure_latency $CONFIGS

enter scxd
scxctl status
stop_scxd || fail "scxd exited $?"
report_latency $W $CONFIGS
