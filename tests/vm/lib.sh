# Helpers for the VM test cases (busybox sh). A case starts with
#   . /tests/lib.sh
# The rig runs each case in its own shell with cwd $CASE_TMP (empty,
# per case), $CASE_NAME and $SCXD_VM_SHAPE (functional: 8 CPUs in 2 LLCs
# of 4; bench: 2 CPUs in 2 LLCs of 1) set; see tests/vm/README.md.

SCXD_BIN=${SCXD_BIN:-/usr/bin/scxd}
SCXCTL_BIN=${SCXCTL_BIN:-/usr/bin/scxctl}
SCXD_LOG=${SCXD_LOG:-/tmp/scxd.log}
SCXD_SOCK=${SCXD_SOCK:-/run/scxd/control.sock}
# Output of commands started by run_in_cgroup (they outlive the $(...)
# that starts them, so they cannot write to the case's stdout).
BG_LOG=${BG_LOG:-/tmp/bg.log}

# fail MSG...: report and end the case with exit code 1.
fail() {
	echo "FAIL: $*" >&2
	if [ -s "$SCXD_LOG" ]; then
		echo "--- the last 20 lines of $SCXD_LOG:" >&2
		tail -n 20 "$SCXD_LOG" >&2
	fi
	exit 1
}

# assert_eq ACTUAL EXPECTED [MSG]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-assert_eq}: got '$1', want '$2'"
}

# wait_for SECONDS CMD...: run CMD every 0.1 s until it succeeds; returns 1
# if it never did within SECONDS (whole seconds). The caller decides
# whether that fails the case: wait_for 5 test -S "$SCXD_SOCK" || fail ...
# Arguments are expanded once, by the caller, so `wait_for 10 test
# "$(sched_state)" = disabled` tests one old value 100 times. To re-read
# on each try, call a function (wait_for 10 state_is disabled) or pass ONE
# string, which is eval'ed each time:
#   wait_for 10 '[ "$(scxctl status | wc -l)" -gt 3 ]' || fail ...
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ $_n -gt 0 ]; do
		_try "$@" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	_try "$@"
}
_try() {
	if [ $# -eq 1 ]; then eval "$1"; else "$@"; fi
}

# state_is STATE: true when sched_ext's state is STATE; a predicate for
# wait_for, which calls it afresh on each try:
#   wait_for 10 state_is disabled || fail ...
state_is() {
	[ "$(sched_state)" = "$1" ]
}

# wait_state STATE [SECONDS]: wait (default 10 s) until sched_ext's state
# is STATE; fails the case otherwise.
wait_state() {
	wait_for "${2:-10}" state_is "$1" ||
		fail "sched_ext state is '$(sched_state)', want '$1' within ${2:-10} s"
}

# sched_state: enabled, disabled, enabling or disabling.
sched_state() {
	cat /sys/kernel/sched_ext/state
}

# sched_ops: name of the attached BPF scheduler; empty when none.
sched_ops() {
	cat /sys/kernel/sched_ext/root/ops 2>/dev/null
}

# start_scxd [ARGS...]: start scxd in the background (log in $SCXD_LOG),
# wait until sched_ext is enabled and the control socket exists (30 s at
# most), and set SCXD_PID. Fails the case, showing the log, otherwise.
# The run's tunables ($SCXD_TUNE, NAME=TIME words) come first, so that a
# case's own --tune wins.
start_scxd() {
	[ -x "$SCXD_BIN" ] || fail "$SCXD_BIN is not in the initramfs (run make, then the VM tests)"
	mkdir -p "${SCXD_SOCK%/*}"
	_tune=
	for _t in ${SCXD_TUNE:-}; do _tune="$_tune --tune $_t"; done
	# shellcheck disable=SC2086 # one word per tunable
	"$SCXD_BIN" $_tune "$@" >"$SCXD_LOG" 2>&1 &
	SCXD_PID=$!
	wait_for 30 _scxd_ready && return 0
	echo "--- $SCXD_LOG:" >&2
	cat "$SCXD_LOG" >&2
	fail "scxd not ready after 30 s (sched_ext state: $(sched_state), socket: $(ls "$SCXD_SOCK" 2>&1))"
}
_scxd_ready() {
	if ! kill -0 "$SCXD_PID" 2>/dev/null; then
		wait "$SCXD_PID"
		_rc=$?
		echo "--- $SCXD_LOG:" >&2
		cat "$SCXD_LOG" >&2
		fail "scxd exited with code $_rc while starting"
	fi
	[ "$(sched_state)" = enabled ] && [ -S "$SCXD_SOCK" ]
}

# stop_scxd: SIGTERM scxd and return its exit code (SIGKILL after 20 s,
# which returns 137). Under set -e, call it as: stop_scxd || rc=$?
stop_scxd() {
	[ -n "$SCXD_PID" ] || fail "stop_scxd: scxd was not started by start_scxd"
	kill -TERM "$SCXD_PID" 2>/dev/null
	if ! wait_for 20 _gone "$SCXD_PID"; then
		echo "stop_scxd: no exit 20 s after SIGTERM; sending SIGKILL" >&2
		kill -KILL "$SCXD_PID" 2>/dev/null
	fi
	wait "$SCXD_PID"
	_rc=$?
	SCXD_PID=
	return $_rc
}
# A child that exited is a zombie until waited for: kill -0 still works.
_gone() {
	! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

# write_config FILE: FILE gets the layers on stdin, then the catch-all
# layer a configuration ends with ("default", throughput, match = *):
#   write_config /tmp/x.ini <<'INI'
#   [layer.hogs]
#   policy = throughput
#   match = comm=stress-ng*
#   INI
write_config() {
	cat >"$1" || fail "write_config: cannot write $1"
	printf '\n[layer.default]\npolicy = throughput\nmatch = *\n' >>"$1"
}

# busy_loop NAME...: /tmp/NAME, a script that spins forever: a CPU hog
# with a command name of its own, for match rules.
busy_loop() {
	for _n; do
		printf '#!/bin/sh\nwhile :; do :; done\n' >"/tmp/$_n" && chmod +x "/tmp/$_n" ||
			fail "busy_loop: cannot write /tmp/$_n"
	done
}

# boxed_config TAG: /tmp/TAG.ini, the fault cases' configuration: layer
# "boxed" (throughput) holds cgroup /TAG, the catch-all the rest.
# boxed_hogs TAG N: N busy loops (/tmp/hogTAG) in /TAG/a, their PIDs in
# $HOGS; waits until scxd counts N tasks in "boxed".
boxed_config() {
	write_config "/tmp/$1.ini" <<-INI
	[layer.boxed]
	policy = throughput
	match = cgroup=/$1
	INI
}
boxed_hogs() {
	busy_loop "hog$1"
	HOGS=
	_i=0
	while [ $_i -lt "$2" ]; do
		HOGS="$HOGS $(run_in_cgroup "/$1/a" "/tmp/hog$1")"
		_i=$((_i + 1))
	done
	wait_for 10 tasks_are boxed "$2" || fail "boxed has $(tasks_of boxed) tasks, expected $2"
}

# churn_config FILE CGROUP: the churn cases' layers (tests/vm/tools/
# churn.c): "named" (latency) holds comm churnA*, "other" comm churnB*,
# "boxed" cgroup CGROUP; then the catch-all.
churn_config() {
	write_config "$1" <<-INI
	[layer.named]
	policy = latency
	match = comm=churnA*

	[layer.other]
	policy = throughput
	match = comm=churnB*

	[layer.boxed]
	policy = throughput
	match = cgroup=$2
	INI
}

# churn_in CGROUP OUT ARGS...: churn ARGS in CGROUP (created if needed),
# its output in OUT; prints its PID (not the caller's child: kill -0).
churn_in() {
	_cg=$(new_cgroup "$1") || exit 1
	_out=$2
	shift 2
	(
		echo 0 >"$_cg/cgroup.procs" || fail "cannot enter $_cg"
		exec churn "$@" >"$_out" 2>&1 </dev/null
	) &
	echo $!
}

# saturate CGROUP SECONDS: 16 stress-ng CPU hogs (more than any shape has
# CPUs) in CGROUP for SECONDS, started as run_in_cgroup does; prints the PID.
saturate() {
	run_in_cgroup "$1" stress-ng --cpu 16 --timeout "$2s" --quiet
}

# tasks_of LAYER: the tasks `scxctl status` counts in LAYER;
# tasks_are LAYER N: whether that is N (for wait_for).
tasks_of() { scxctl status | awk -v l="$1" '$1 == l {print $5}'; }
tasks_are() { [ "$(tasks_of "$1")" = "$2" ]; }
# counts_sane FILE: `scxctl status` output in FILE has no negative TASKS
# count in its layer table (prints the rows that have one).
counts_sane() {
	awk '/^LAYER / { t = 1; next } /^$/ { t = 0 } t && $5 ~ /^-/ { print; bad = 1 } END { exit bad }' "$1"
}

# scxctl ARGS...: the CLI installed in the VM. A function: to start a
# client in the background and kill it, run "$SCXCTL_BIN" itself (a
# function in the background is a subshell, and $! is that shell's pid).
scxctl() {
	[ -x "$SCXCTL_BIN" ] || fail "$SCXCTL_BIN is not in the initramfs"
	"$SCXCTL_BIN" "$@"
}

# new_cgroup PATH: create /sys/fs/cgroup/PATH (parents too, with every
# controller enabled down to it) and print its full path. The rig removes
# all cgroups, and kills their processes, after each case.
new_cgroup() {
	_cg=/sys/fs/cgroup
	for _part in $(echo "${1#/}" | tr / ' '); do
		sed 's/[^ ]*/+&/g' "$_cg/cgroup.controllers" >"$_cg/cgroup.subtree_control" 2>/dev/null
		_cg=$_cg/$_part
		mkdir -p "$_cg" || fail "new_cgroup: cannot create $_cg"
	done
	echo "$_cg"
}

# run_in_cgroup PATH CMD...: start CMD in cgroup PATH (relative to
# /sys/fs/cgroup, created if needed) in the background and print its PID:
#   pid=$(run_in_cgroup hogs stress-ng --cpu 2)
# CMD is forked from a subshell that first moved itself into the cgroup,
# so it is there from its first instruction (it may not have exec'd CMD
# yet when the PID is printed). Its output goes to $BG_LOG. It is not the
# caller's child (the rig reaps it): check it with kill -0, not wait.
run_in_cgroup() {
	_cg=$(new_cgroup "$1") || exit 1
	shift
	(
		echo 0 >"$_cg/cgroup.procs" || fail "run_in_cgroup: cannot enter $_cg"
		"$@" </dev/null >>"$BG_LOG" 2>&1 &
		echo $!
	)
}

# cpu_of PID: the CPU the task last ran on (field 39 of /proc/PID/stat).
# comm (field 2) may hold spaces and ')', so count from after the last ')'.
cpu_of() {
	read -r _stat <"/proc/$1/stat" || return 1
	# shellcheck disable=SC2086 # split on purpose: field 3 becomes $1
	set -- ${_stat##*)}
	echo "${37}"
}

# cgroup_of PID: the task's cgroup path relative to /sys/fs/cgroup.
cgroup_of() {
	sed -n 's/^0::\///p' "/proc/$1/cgroup"
}

# as_tester CMD...: run CMD as the unprivileged user tester (uid 1000,
# not in group scxd).
as_tester() {
	# One quoted command line: su would take an argument such as
	# --weight for an option of its own.
	_q=
	for _a; do
		_q="$_q '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
	done
	su -s /bin/sh -c "exec$_q" tester
}
