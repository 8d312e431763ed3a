#!/bin/sh
# Under systemd as PID 1, as `make install` installed it: `systemctl start
# scxd` returns once the unit is active, which a Type=notify unit is only
# after READY=1, sent once the scheduler is attached and the socket
# listens: sched_ext runs scxd at that moment already. The unit's
# StatusText is the daemon's STATUS= line (layers, role, tasks); the sysusers entry made the
# scxd group; the journal has the daemon's attach message under the unit;
# `systemctl stop` detaches, and sched_ext is disabled when it returns.
. /tests/lib.sh

systemctl start scxd.service || fail "systemctl start scxd exited $?"
# Checked right away: no waiting allowed for what READY=1 promised.
assert_eq "$(sched_state)" enabled "sched_ext state when start returned"
assert_eq "$(sched_ops)" scxd "root/ops when start returned"
assert_eq "$(systemctl is-active scxd.service)" active "scxd.service"
scxctl status || fail "scxctl status exited $?"

# STATUS= names the layers and role at once, and the tasks from the first
# sample on (a second).
role=$(scxctl --json status | jsonget role)
scxctl --json status >/tmp/status.json || fail "scxctl --json status exited $?"
nl=0
while jsonget "layers[$nl].name" </tmp/status.json >/dev/null 2>&1; do nl=$((nl + 1)); done
status_text() {
	systemctl show -p StatusText --value scxd.service
}
wait_for 5 'case "$(status_text)" in "Scheduling with $nl layers of role $role: "[1-9]*" tasks") true ;; *) false ;; esac' ||
	fail "StatusText is '$(status_text)', not 'Scheduling with $nl layers of role $role: N tasks' (N > 0)"
echo "StatusText: $(status_text)"
getent group scxd >/dev/null || fail "no scxd group: systemd-sysusers did not read scxd.conf"
journalctl -u scxd.service --no-pager -o cat | grep -q 'Scheduler scxd attached' ||
	fail "no attach message in the unit's journal: $(journalctl -u scxd.service --no-pager | tail -5)"

systemctl stop scxd.service || fail "systemctl stop scxd exited $?"
assert_eq "$(sched_state)" disabled "sched_ext state when stop returned"
assert_eq "$(systemctl is-active scxd.service)" inactive "scxd.service after stop"
