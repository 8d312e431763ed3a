#!/bin/sh
# The soak (make soak; not part of make test): MINUTES (soak.conf) of
# mixed load: stress-ng --aggressive on every CPU, fork storms, 8 threads
# renaming themselves between two layers, a task moved through cgroups
# created and removed, and a runtime change every second (weights,
# policies, match lines, a layer added and removed); a compare of both
# schedulers every 5 minutes. It passes with zero ejections (the
# scheduler's enable count moves only by the compares' own re-attaches),
# every change and status answered, exact task counts once the load is
# gone, and a flat daemon: RSS and open fds at the end within 1 MB and 4
# of those after the first minute. Prints "soak:" lines the host keeps.
# timeout: @TIMEOUT@
. /tests/lib.sh
. /tests/cases/soak.conf

churn_config /tmp/soak.ini /soak/box
enables() { cat /sys/kernel/sched_ext/enable_seq; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SCXD_PID/status"; }
fds() { ls "/proc/$SCXD_PID/fd" | wc -l; }
# relaunch NAME CGROUP ARGS...: start churn ARGS in CGROUP (output in
# /tmp/NAME.out, PID in /tmp/NAME.pid) unless the last one runs and has
# not said "done"; a done one is stopped first. Returns 0 when it started
# one and the last one had finished.
relaunch() {
	_name=$1 _cg=$2
	shift 2
	_done=1
	if [ -s "/tmp/$_name.pid" ]; then
		_pid=$(cat "/tmp/$_name.pid")
		if kill -0 "$_pid" 2>/dev/null && ! grep -q '^done' "/tmp/$_name.out"; then
			return 1
		fi
		grep -q '^churn:' "/tmp/$_name.out" && fail "$_name: $(cat "/tmp/$_name.out")"
		kill "$_pid" 2>/dev/null
	else
		_done=0
	fi
	churn_in "$_cg" "/tmp/$_name.out" "$@" >"/tmp/$_name.pid"
	return $((1 - _done))
}

start_scxd --config /tmp/soak.ini --state-dir /tmp/stsoak
# This script is interactive work: in a latency layer of its own (a cgroup
# below the rig's, so the rig's timeout still kills it), it keeps its one
# change a second beside the aggressive load, as an admin's shell would.
mkdir -p /sys/fs/cgroup/rig-case/driver && echo $$ >/sys/fs/cgroup/rig-case/driver/cgroup.procs ||
	fail "cannot enter /rig-case/driver"
scxctl add-layer driver --latency --match cgroup=/rig-case/driver >/dev/null || fail "add-layer driver"
seq0=$(enables)
secs=$((MINUTES * 60))
( echo 0 >"$(new_cgroup /soak/stress)/cgroup.procs" &&
	exec stress-ng --cpu 8 --fork 2 --switch 2 --aggressive --timeout "${secs}s" >/dev/null 2>&1 ) &
stress=$!
# A runtime change a second, cycling through the kinds, in a loop of its
# own (the churn below must not slow it down); it counts them in
# /tmp/changes.n and stops at /tmp/soak.end. While a compare runs, a
# change is refused as documented ("a compare is running"): counted apart.
rm -f /tmp/soak.end /tmp/changes.fail
echo 0 >/tmp/refused.n
(
	n=0 refused=0
	while [ ! -e /tmp/soak.end ]; do
		case $((n % 6)) in
		0) scxctl set-layer boxed --weight $((50 + n % 100)) ;;
		1) scxctl set-layer named --throughput ;;
		2) scxctl set-layer named --latency ;;
		3) scxctl match add other comm=soakx ;;
		4) scxctl match remove other comm=soakx ;;
		5) if [ $((n % 12)) = 5 ]; then
			scxctl add-layer extra --latency --match comm=soaky
		   else
			scxctl remove-layer extra
		   fi ;;
		esac >/dev/null 2>/tmp/change.err
		rc=$?
		if [ $rc != 0 ] && grep -q 'a compare is running' /tmp/change.err; then
			refused=$((refused + 1))
			echo $refused >/tmp/refused.n
		elif [ $rc != 0 ]; then
			echo "change $n (kind $((n % 6))) exited $rc: $(cat /tmp/change.err)" >/tmp/changes.fail
			exit 1
		else
			n=$((n + 1))
			echo $n >/tmp/changes.n
		fi
		sleep 1
	done
) &
changer=$!
forks=0 renames=0 moves=0 compares=0 statuses=0 movers=0
rss1= fds1=
t0=$(date +%s)
end=$((t0 + secs))
cmp_at=$((t0 - 150)) print_at=$t0
while :; do
	now=$(date +%s)
	[ "$now" -lt "$end" ] || break
	el=$((now - t0))
	# Churn: a fork storm, renamers and a mover, each started anew once
	# done (a mover in cgroups of its own: one killed mid-move leaves one).
	relaunch storm /soak/box/forks fork 1000 && forks=$((forks + 1000))
	relaunch names /soak/names rename 2000 8 churnA churnB && renames=$((renames + 2000))
	if [ ! -s /tmp/mover.pid ] || grep -q '^done' /tmp/mover.out; then
		movers=$((movers + 1))
		new_cgroup "/soak/box/m$movers" >/dev/null
		relaunch mover /soak/home cgroups 100 "/sys/fs/cgroup/soak/box/m$movers" &&
			moves=$((moves + 100))
	fi
	[ -s /tmp/changes.fail ] && fail "$(cat /tmp/changes.fail)"
	scxctl status >/tmp/status.out || fail "status at ${el} s"
	counts_sane /tmp/status.out ||
		fail "a negative count at ${el} s: $(cat /tmp/status.out)"
	statuses=$((statuses + 1))
	if [ $((now - cmp_at)) -ge 300 ]; then
		scxctl compare --duration 3 --rounds 1 >/tmp/cmp.out 2>&1 ||
			fail "compare at ${el} s: $(cat /tmp/cmp.out)"
		compares=$((compares + 1)) cmp_at=$now
	fi
	[ "$(sched_state)" = enabled ] || fail "sched_ext $(sched_state) at ${el} s"
	if [ -z "$rss1" ] && [ "$el" -ge 60 ]; then
		rss1=$(rss) fds1=$(fds)
		echo "soak: after 1 min: RSS $rss1 kB, $fds1 fds"
	fi
	if [ $((now - print_at)) -ge 300 ]; then
		echo "soak: ${el} s: RSS $(rss) kB, $(fds) fds, $(cat /tmp/changes.n) changes"
		print_at=$now
	fi
	sleep 1
done
: >/tmp/soak.end
wait "$changer" || fail "$(cat /tmp/changes.fail)"
changes=$(cat /tmp/changes.n)
rss2=$(rss) fds2=$(fds)
# Ejections: every enable is the start or a compare's re-attach.
ejections=$(grep -c 'Scheduler exited' "$SCXD_LOG")
echo "soak: $MINUTES min: $changes changes ($(cat /tmp/refused.n) refused during a compare)," \
	"$statuses status, $compares compares," \
	"$forks forks, $renames renames, $moves cgroups created, moved into and removed"
echo "soak: RSS $rss1 kB -> $rss2 kB, fds $fds1 -> $fds2," \
	"enables $(($(enables) - seq0)) (compares $compares), ejections $ejections"
assert_eq "$ejections" 0 "ejections"
assert_eq $(($(enables) - seq0)) "$compares" "enables beyond the compares' re-attaches"
[ $((rss2 - rss1)) -le 1024 ] || fail "RSS grew by $((rss2 - rss1)) kB"
[ $((fds2 - fds1)) -le 4 ] || fail "fds grew by $((fds2 - fds1))"
kill "$stress" "$(cat /tmp/storm.pid)" "$(cat /tmp/names.pid)" "$(cat /tmp/mover.pid)" 2>/dev/null
load_left() { grep -lE '^(stress-ng|churn)' /proc/[0-9]*/comm 2>/dev/null | wc -l; }
wait_for 60 '[ "$(load_left)" = 0 ]' || fail "the load did not end: $(load_left) processes left"
for l in named other boxed; do
	wait_for 30 tasks_are $l 0 || fail "$l still counts $(tasks_of $l) tasks with the load gone"
done
stop_scxd || fail "scxd exited $?"
echo "soak: passed"
