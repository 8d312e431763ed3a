#!/bin/sh
# Hostile clients against the running daemon: 200 concurrent clients, the
# probes of `ctlclient hostile` (a 16 MB line, a request dribbled over
# 10 s, JSON nested 100,000 deep, invalid UTF-8, out-of-range numbers for
# every numeric parameter, unknown methods and params: one clean answer
# each), a non-admin trying every changing verb (exit 4, each refusal
# logged with the caller), then 100,000 requests (version, the cheapest
# to answer: status costs ~4-5 ms of emulated CPU each here) and 2,000
# status. The daemon's RSS and open fds are the same after as before (RSS
# within 1 MB), status answers throughout, and the scheduler stays
# attached.
# timeout: 600
# suite: once (the control socket is the daemon's alone: no kernel in it)
. /tests/lib.sh

command -v ctlclient >/dev/null || fail "ctlclient is not in the initramfs (make)"
start_scxd --config /usr/lib/scxd/roles/desktop.ini --state-dir /tmp/st85
rss() { awk '/^VmRSS:/ {print $2}' /proc/$SCXD_PID/status; }
fds() { ls /proc/$SCXD_PID/fd | wc -l; }

start_rss=$(rss) start_fds=$(fds)
echo "at start: RSS $start_rss kB, $start_fds fds"

out=$(ctlclient load "$SCXD_SOCK" 200 5) || fail "200 concurrent clients: $out"
echo "$out"

ctlclient hostile "$SCXD_SOCK" || fail "a hostile probe was not answered as it should be"
scxctl status >/dev/null || fail "status after the hostile probes exited $?"

# A non-admin: every verb that changes something is refused, and logged.
for v in "set-layer batch --weight 5" "add-layer x --latency --match comm=x" \
	"remove-layer batch" "match add batch comm=x" "match remove batch comm=cc1*" \
	"reload" "save" "stop" "start" "role set gaming"; do
	# shellcheck disable=SC2086
	as_tester "$SCXCTL_BIN" $v >/dev/null 2>&1 && fail "tester's '$v' succeeded"
	rc=$?
	assert_eq "$rc" 4 "exit status of tester's '$v'"
done
n=$(grep -c 'by uid 1000 .* refused' "$SCXD_LOG")
[ "$n" -ge 10 ] || fail "only $n refusals of uid 1000 logged, want 10"
assert_eq "$(scxctl --json status | jsonget 'layers[name=batch].weight')" 50 "batch weight after the refusals"

# Warm up (the allocator's pools for ten clients, the status document's
# buffers), then measure across the 100,000.
ctlclient load "$SCXD_SOCK" 10 100 version >/dev/null || fail "warm-up load failed"
ctlclient load "$SCXD_SOCK" 10 20 >/dev/null || fail "warm-up load failed"
rss0=$(rss) fds0=$(fds)
echo "before: RSS $rss0 kB, $fds0 fds"
out=$(ctlclient load "$SCXD_SOCK" 10 10000 version) || fail "100,000 requests: $out"
echo "$out"
out=$(ctlclient load "$SCXD_SOCK" 10 200) || fail "2,000 status requests: $out"
echo "$out"
rss1=$(rss) fds1=$(fds)
echo "after: RSS $rss1 kB, $fds1 fds"
assert_eq "$fds1" "$fds0" "open fds after 100,000 requests"
assert_eq "$fds1" "$start_fds" "open fds after everything"
[ $((rss1 - rss0)) -le 1024 ] || fail "RSS grew by $((rss1 - rss0)) kB over 100,000 requests"
assert_eq "$(sched_ops)" scxd "root/ops after the hostile clients"
stop_scxd || fail "scxd exited $?"
