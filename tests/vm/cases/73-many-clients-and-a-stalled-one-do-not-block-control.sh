#!/bin/sh
# The control socket serves many clients at once, and one that sends half
# a request and then stalls blocks nobody: 50 concurrent clients making 20
# status requests each all get their answers, a change still applies, and
# scxctl status answers within its timeout, while the stalled client is
# connected. (Size limits, malformed lines and the client cap are the
# host unit tests' part: tests/unit/test_control.c.)
# timeout: 120
# suite: once (the control socket is the daemon's alone: no kernel in it)
. /tests/lib.sh

command -v ctlclient >/dev/null || fail "ctlclient is not in the initramfs (make)"
rm -rf /tmp/st73 /tmp/stall.out	# case 83 runs this case again in the same boot
start_scxd --config /usr/lib/scxd/roles/desktop.ini --state-dir /tmp/st73

ctlclient stall "$SCXD_SOCK" >/tmp/stall.out &
staller=$!
wait_for 5 grep -q connected /tmp/stall.out || fail "the stalling client did not connect"

out=$(ctlclient load "$SCXD_SOCK" 50 20) || fail "concurrent clients: $out"
echo "$out"
case "$out" in "load: 1000 ok, 0 failed"*) ;; *) fail "unexpected: $out" ;; esac
kill -0 "$staller" || fail "the stalling client was dropped early"

scxctl --timeout 2000 status >/dev/null || fail "status with a stalled client exited $?"
scxctl --timeout 2000 set-layer batch --weight 9 || fail "set-layer with a stalled client exited $?"
assert_eq "$(scxctl status | awk '$1 == "batch" {print $3}')" 9 "batch weight"

kill "$staller"
scxctl status >/dev/null || fail "status after the stalled client left exited $?"
stop_scxd || fail "scxd exited $?"
