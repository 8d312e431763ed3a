#!/bin/sh
# What would fight scxd is named at start (log) and in `scxctl status`:
# stand-ins with the names of the tuners (ananicy-cpp, gamemoded) are
# warned of with their pids. Another sched_ext scheduler attached (here a
# first scxd) stops a second scxd from starting, which says why and how
# (--replace); with --replace the kernel disables the first (SysRq-S: it
# sees an ejection and exits non-zero) and the second attaches.
# timeout: 150
# expect-kernel-log: sysrq
. /tests/lib.sh

# A script's process is named after the script (its comm).
for n in ananicy-cpp gamemoded; do
	printf '#!/bin/sh\nwhile :; do sleep 1; done\n' >/tmp/$n
	chmod +x /tmp/$n
done
/tmp/ananicy-cpp &
ananicy=$!
/tmp/gamemoded &
wait_for 5 '[ "$(cat /proc/'"$ananicy"'/comm)" = ananicy-cpp ]' ||
	fail "the stand-in is named '$(cat /proc/$ananicy/comm)', not ananicy-cpp"

start_scxd
grep -q "ananicy-cpp (pid $ananicy) runs and would fight scxd" "$SCXD_LOG" ||
	fail "the start log does not name ananicy-cpp (pid $ananicy): $(cat "$SCXD_LOG")"
grep -q "gamemoded (pid [0-9]*) runs and would fight scxd" "$SCXD_LOG" ||
	fail "the start log does not name gamemoded"
scxctl status | head -4
assert_eq "$(scxctl --json status | jsonget 'rivals[name=ananicy-cpp].pid')" "$ananicy" \
	"ananicy-cpp's pid in the status"
scxctl status | grep -q "^warning: ananicy-cpp (pid $ananicy) runs: " ||
	fail "scxctl status does not warn of ananicy-cpp"
first=$SCXD_PID

# A second scxd over the first: refused, with the reason and the way out.
"$SCXD_BIN" --socket /run/second.sock >/tmp/second.log 2>&1
rc=$?
cat /tmp/second.log
[ $rc -ne 0 ] || fail "a second scxd started over the first"
grep -q 'sched_ext:scxd: another sched_ext scheduler is attached.*--replace' /tmp/second.log ||
	fail "the refusal does not say what is attached and what --replace does"
assert_eq "$(sched_ops)" scxd "root/ops after the refusal"
kill -0 "$first" || fail "the first scxd died of the refusal"

# --replace: the first is disabled and exits; the second attaches.
"$SCXD_BIN" --replace --socket /run/second.sock >/tmp/second.log 2>&1 &
second=$!
wait_for 30 '! kill -0 '"$first"' 2>/dev/null || grep -q "^State:.*Z" /proc/'"$first"'/status' ||
	fail "the first scxd still runs 30 s after --replace"
wait "$first"
rc=$?
[ $rc -ne 0 ] || fail "the replaced scxd exited 0, not as ejected"
grep -q "Scheduler exited: disabled by sysrq" "$SCXD_LOG" || fail "the first does not log its ejection"
SCXD_PID=$second SCXD_SOCK=/run/second.sock
wait_for 30 _scxd_ready || fail "the second scxd not attached 30 s after --replace: $(cat /tmp/second.log)"
grep -q "Replacing sched_ext:scxd" /tmp/second.log || fail "the second does not log the replacement"
stop_scxd || fail "the second scxd exited $?"
