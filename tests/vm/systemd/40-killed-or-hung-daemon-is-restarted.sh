#!/bin/sh
# Restart=on-failure: scxd killed with SIGKILL is started again by systemd
# and the scheduler is back within 10 s. WatchdogSec=: a daemon that stops
# feeding the watchdog (SIGSTOP) is killed by systemd and restarted; a
# drop-in shortens the watchdog to 10 s for the test (30 s as shipped).
# Not shorter: the watchdog runs from the daemon's start on, and loading
# the scheduler through the verifier, before the event loop feeds it,
# takes seconds under emulation (a 3 s watchdog killed every start once in
# a make test run, until the start limit left the unit failed).
# timeout: 180
. /tests/lib.sh

mainpid() {
	systemctl show -p MainPID --value scxd.service
}
# back_within SECONDS OLDPID: a new main process, active, scxd attached.
back_within() {
	wait_for "$1" '[ "$(mainpid)" != 0 ] && [ "$(mainpid)" != "'"$2"'" ] &&
		[ "$(systemctl is-active scxd.service)" = active ] && [ "$(sched_ops)" = scxd ]'
}

systemctl start scxd.service || fail "systemctl start scxd exited $?"
pid=$(mainpid)
kill -9 "$pid"
back_within 10 "$pid" || fail "not back within 10 s of kill -9: $(systemctl status scxd.service --no-pager | head -5)"
echo "kill -9 $pid: back as $(mainpid)"

mkdir -p /etc/systemd/system/scxd.service.d
printf '[Service]\nWatchdogSec=10\nTimeoutAbortSec=2\n' >/etc/systemd/system/scxd.service.d/watchdog.conf
systemctl daemon-reload
systemctl restart scxd.service || fail "systemctl restart exited $?"
assert_eq "$(systemctl show -p WatchdogUSec --value scxd.service)" 10s "WatchdogUSec with the drop-in"
pid=$(mainpid)
sleep 15
assert_eq "$(mainpid)" "$pid" "the main process after 15 s of a 10 s watchdog"
kill -STOP "$pid"
back_within 45 "$pid" || fail "not back within 45 s of SIGSTOP: $(systemctl status scxd.service --no-pager | head -5; journalctl -u scxd.service --no-pager | tail -25)"
echo "SIGSTOP $pid: back as $(mainpid)"
journalctl -u scxd.service --no-pager | grep -q 'Watchdog timeout' ||
	fail "the journal does not say the watchdog fired"
