#!/bin/sh
# scxd.socket listens on /run/scxd/control.sock (mode 0666) while the
# service is stopped; the first `scxctl status` starts scxd.service, which
# takes the listening socket from systemd (sd_listen_fds) and answers that
# very request. Any user may connect and read; a change from a user
# outside the scxd group is refused by the daemon, per request.
. /tests/lib.sh

systemctl start scxd.socket || fail "systemctl start scxd.socket exited $?"
assert_eq "$(systemctl is-active scxd.service)" inactive "scxd.service before the first client"
assert_eq "$(sched_state)" disabled "sched_ext before the first client"
mode=$(stat -c %a /run/scxd/control.sock) || fail "no /run/scxd/control.sock"
assert_eq "$mode" 666 "the socket's mode"

out=$(scxctl status) || fail "scxctl status exited $?: $out"
echo "$out" | head -3
echo "$out" | grep -q 'attached: yes' || fail "the first reply does not say attached: yes"
assert_eq "$(systemctl is-active scxd.service)" active "scxd.service after the first client"
assert_eq "$(sched_ops)" scxd "root/ops after the first client"
journalctl -u scxd.service --no-pager -o cat | grep -q 'Scheduler scxd attached' ||
	fail "scxd.service did not log its attach"

# nobody: may read, may not change.
setpriv --reuid=65534 --regid=65534 --clear-groups scxctl status >/dev/null ||
	fail "a user outside the scxd group cannot read the status"
err=$(setpriv --reuid=65534 --regid=65534 --clear-groups scxctl set-layer batch --weight 70 2>&1) &&
	fail "a user outside the scxd group changed a layer: $err"
echo "nobody's change: $err"
echo "$err" | grep -q 'permission denied' || fail "the refusal does not say permission denied: $err"

# Stopped again, the socket stays and starts it once more.
systemctl stop scxd.service || fail "systemctl stop scxd.service exited $?"
assert_eq "$(sched_state)" disabled "sched_ext after stop"
assert_eq "$(systemctl is-active scxd.socket)" active "scxd.socket after the service stopped"
scxctl status >/dev/null || fail "the second activation failed"
assert_eq "$(systemctl is-active scxd.service)" active "scxd.service after the second client"
