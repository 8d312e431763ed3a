#!/bin/sh
# The scheduler fails (an error exit: scx_bpf_error(), which the debug
# build injects with --debug-error-exits) while hogs load every CPU. The
# daemon logs the kernel's reason, the tasks run on the fair class
# meanwhile, and it attaches again after 0.5 s, then 1 s, with its
# runtime change and every task counted in its layer. A scheduler that
# fails on every attach is given up after the fifth error in a row: scxd
# exits non-zero with the reason, and the tasks stay on the fair class.
# expect-kernel-log: disabled \(scx_bpf_error\)|injected error|scx_bpf_error|sched_ext_ops
# timeout: 300
# suite: once (the daemon's restart logic; the exit is the kernel's, case 50's on each)
. /tests/lib.sh

[ -x /usr/bin/scxd-san ] || fail "no debug build in the initramfs (make test builds build/san/scxd)"
SCXD_BIN=/usr/bin/scxd-san
rm -rf /tmp/san88 && mkdir -p /tmp/san88
export ASAN_OPTIONS=log_path=/tmp/san88/asan:detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=log_path=/tmp/san88/ubsan:print_stacktrace=1:halt_on_error=1
# A release build has no such knob.
/usr/bin/scxd --debug-error-exits 1 2>&1 | grep -q "unrecognized option" ||
	fail "the release scxd accepts --debug-error-exits"

boxed_config c88
weight() { scxctl --json status | jsonget "layers[name=$1].weight"; }
count() { grep -c "$1" "$SCXD_LOG"; }
enables() { cat /sys/kernel/sched_ext/enable_seq; }

# Two errors, each 10 s after its attach: time enough to change a layer
# before the first.
seq0=$(enables)
start_scxd --config /tmp/c88.ini --state-dir /tmp/st88 --debug-error-exits 2,10000
boxed_hogs c88 12
scxctl set-layer boxed --weight 77 || fail "set-layer exited $?"
wait_for 90 '[ "$(count "Scheduler scxd attached")" -ge 3 ]' ||
	fail "not attached a third time: $(count 'Scheduler scxd attached') attaches"
wait_for 30 '[ "$(sched_state)" = enabled ] && [ -S "$SCXD_SOCK" ]' || fail "state $(sched_state)"
assert_eq "$(count 'Scheduler exited: BPF error (kind 1025.*injected error')" 2 "error exits logged with the reason"
grep -q 'Re-attaching in 500 ms (error 1 of at most 5 in a row)' "$SCXD_LOG" || fail "no first back-off"
grep -q 'Re-attaching in 1000 ms (error 2 of at most 5 in a row)' "$SCXD_LOG" || fail "no second back-off"
assert_eq $(($(enables) - seq0)) 3 "attaches the kernel counted"
assert_eq "$(weight boxed)" 77 "boxed weight after two restarts (the runtime change)"
wait_for 10 tasks_are boxed 12 || fail "boxed has $(tasks_of boxed) tasks after the restarts, expected 12"
# shellcheck disable=SC2086
kill -0 $HOGS || fail "a hog died"
stop_scxd || fail "scxd exited $? after the restarts"

# Errors on every attach, 1 s after it: given up at the fifth.
seq0=$(enables)
# Not start_scxd: the daemon may give up before it would see it ready.
"$SCXD_BIN" --config /tmp/c88.ini --state-dir /tmp/st88 --debug-error-exits 100,1000 \
	>"$SCXD_LOG" 2>&1 &
SCXD_PID=$!
wait_for 120 '! kill -0 "$SCXD_PID" 2>/dev/null' || fail "scxd still running after 120 s of errors"
wait "$SCXD_PID"
rc=$?
cat "$SCXD_LOG"
[ "$rc" -ne 0 ] || fail "scxd exited 0 after giving up"
grep -q 'Giving up: the scheduler failed 5 times in a row.*injected error' "$SCXD_LOG" ||
	fail "no give-up with the reason"
assert_eq "$(count 'Re-attaching in')" 4 "re-attaches before giving up"
assert_eq $(($(enables) - seq0)) 5 "attaches before giving up"
assert_eq "$(sched_state)" disabled "sched_ext after giving up"
# shellcheck disable=SC2086
kill -0 $HOGS || fail "a hog died after the give-up"
ls /tmp/san88 | grep -q . && { cat /tmp/san88/*; fail "sanitizer reports"; }
kill $HOGS
