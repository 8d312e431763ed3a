#!/bin/sh
# Each event an admin looks for is one journalctl MESSAGE_ID=... away, with
# its structured fields (scxd(8), LOGGING): attach and detach with the
# role; a change through the socket with the layer it names and the
# caller's uid and pid, and a refused one by another user; a reload by
# SIGHUP with the sender; an ejection (sysrq-S disables sched_ext) with
# its reason, after which systemd starts scxd again and it attaches anew.
# timeout: 150
# expect-kernel-log: sysrq
. /tests/lib.sh

ID_ATTACH=4183b828274b4f46b8ef18c482fd4921
ID_DETACH=792da6cafbe9421bab1f7d383598a2b4
ID_EJECT=0eeac1854e1648999650fa3c145d7574
ID_CHANGE=1f799b9c65d14ba098f17f11de97bf9b
ID_REFUSED=1ad8bc1a6775498eb416b82f38682b7a
ID_RELOAD=159c29299c21424884cc7043aaee0347

# entries MATCH...: how many journal entries of scxd.service match.
entries() {
	journalctl -q -u scxd.service --no-pager -o cat "$@" | wc -l
}
# expect N MATCH...: at least N such entries within 5 s, else fail.
expect() {
	_want=$1
	shift
	wait_for 5 '[ "$(entries '"$*"')" -ge '"$_want"' ]' ||
		fail "fewer than $_want journal entries with $*: $(journalctl -u scxd.service --no-pager -o verbose | tail -40)"
}

systemctl start scxd.service || fail "systemctl start scxd exited $?"
role=$(scxctl --json status | jsonget role)
expect 1 MESSAGE_ID=$ID_ATTACH SCXD_EVENT=attach SCXD_ROLE="$role"

# The binary itself, not lib.sh's scxctl function: $! is then its pid.
"$SCXCTL_BIN" set-layer batch --weight 70 &
pid=$!
wait $pid || fail "scxctl set-layer exited $?"
expect 1 MESSAGE_ID=$ID_CHANGE SCXD_LAYER=batch SCXD_CALLER_UID=0 SCXD_CALLER_PID=$pid SCXD_ROLE="$role"
journalctl -u scxd.service --no-pager -o cat MESSAGE_ID=$ID_CHANGE | tail -1

setpriv --reuid=65534 --regid=65534 --clear-groups scxctl set-layer batch --weight 80 2>/dev/null &&
	fail "nobody changed a layer"
expect 1 MESSAGE_ID=$ID_REFUSED SCXD_LAYER=batch SCXD_CALLER_UID=65534

systemctl reload scxd.service || fail "systemctl reload exited $?"
expect 1 MESSAGE_ID=$ID_RELOAD SCXD_EVENT=reload SCXD_CALLER_UID=0

scxctl stop || fail "scxctl stop exited $?"
expect 1 MESSAGE_ID=$ID_DETACH SCXD_EVENT=detach
scxctl start || fail "scxctl start exited $?"
expect 2 MESSAGE_ID=$ID_ATTACH

pid=$(systemctl show -p MainPID --value scxd.service)
echo 1 >/proc/sys/kernel/sysrq
echo S >/proc/sysrq-trigger
expect 1 MESSAGE_ID=$ID_EJECT SCXD_EVENT=eject
journalctl -u scxd.service --no-pager -o cat MESSAGE_ID=$ID_EJECT | tail -1
journalctl -u scxd.service --no-pager -o cat MESSAGE_ID=$ID_EJECT | grep -qi sysrq ||
	fail "the ejection's entry does not give the reason (sysrq)"
wait_for 15 '[ "$(systemctl show -p MainPID --value scxd.service)" != "$pid" ] && [ "$(sched_ops)" = scxd ]' ||
	fail "scxd not restarted and attached 15 s after the ejection"
expect 3 MESSAGE_ID=$ID_ATTACH
