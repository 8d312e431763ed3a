#!/bin/sh
# The control benchmark (tests/bench/control.sh): how fast runtime changes
# and status requests are, in the bench-shaped VM. Reports, never judges:
#   BENCH set_layer_p50_ms=.. set_layer_p99_ms=.. set_layer_max_ms=..
#         status_rps=..
# set-layer round trip, two ways: from starting scxctl to its exit (what a
# user waits for), and from sending the request to its answer on an open
# connection (the daemon's part). The daemon answers only after it has
# written the BPF maps (and re-classified every task, when rules moved),
# so at the answer the change is visible in the map; the case checks
# that with bpftool after the runs. 200 runs each, alternating two
# weights so that every run is a real change. Beside them, for scale:
# scxctl --help (process start alone, no daemon) and scxctl version (a
# round trip that changes nothing). status: 8 clients x 250 requests.
# timeout: 240
. /tests/lib.sh

start_scxd --config /usr/lib/scxd/roles/desktop.ini --state-dir /tmp/stbench
# A little background work, so that re-classification walks real tasks.
for i in 1 2 3 4; do sleep 1000 & done

cat >/tmp/flip.sh <<'SH'
#!/bin/sh
# Alternate batch's weight between 50 and 60.
if [ -e /tmp/flip ]; then rm /tmp/flip; w=50; else : >/tmp/flip; w=60; fi
exec scxctl set-layer batch --weight "$w" >/dev/null
SH
chmod +x /tmp/flip.sh
out=$(ctlclient time 200 -- /tmp/flip.sh) || fail "set-layer runs failed: $out"
echo "$out"
echo "scxctl version (a round trip that changes nothing): $(ctlclient time 100 -- scxctl version)"
help=$(ctlclient time 100 -- scxctl --help)
echo "scxctl --help (no daemon at all): $help"
req='{"jsonrpc":"2.0","id":1,"method":"set-layer","params":{"layer":"batch","set":{"weight":"%s"}}}'
rtt=$(ctlclient rtt "$SCXD_SOCK" 200 "$(printf "$req" 70)" "$(printf "$req" 80)") ||
	fail "set-layer requests failed: $rtt"
echo "$rtt"
idx=$(scxctl layers | awk 'NR > 1 {i++} $1 == "batch" {print i - 1}')
want=$(scxctl status | awk '$1 == "batch" {print $3}')
got=$(bpftool -j map lookup name layers key "$idx" 0 0 0 | sed -n 's/.*"weight":\([0-9]*\).*/\1/p')
assert_eq "$got" "$want" "batch's weight in the BPF map after the runs"

load=$(ctlclient load "$SCXD_SOCK" 8 250) || fail "status load failed: $load"
echo "$load"
p50=$(echo "$out" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
p99=$(echo "$out" | sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p')
max=$(echo "$out" | sed -n 's/.*max \([0-9.]*\) ms.*/\1/p')
rps=$(echo "$load" | sed -n 's/.* \([0-9]*\) requests\/s.*/\1/p')
rp50=$(echo "$rtt" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
rp99=$(echo "$rtt" | sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p')
hp50=$(echo "$help" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
echo "BENCH set_layer_p50_ms=$p50 set_layer_p99_ms=$p99 set_layer_max_ms=$max request_p50_ms=$rp50 request_p99_ms=$rp99 scxctl_start_p50_ms=$hp50 status_rps=$rps"
stop_scxd || fail "scxd exited $?"
