#!/bin/sh
# scxctl stop detaches to the kernel's default scheduler and start attaches
# again with the running configuration (runtime changes included); roles:
# list shows the installed ones and the running one, show prints one, set
# switches to it without a detach; check validates a file with no daemon.
# timeout: 90
. /tests/lib.sh

col() { scxctl status | awk -v l="$1" -v c="$2" '$1 == l {print $c}'; }
seq() { cat /sys/kernel/sched_ext/enable_seq; }

# A fresh state directory: no saved configuration from an earlier run in
# this boot (case 83 runs this case again).
rm -rf /tmp/st72
start_scxd --config /usr/lib/scxd/roles/desktop.ini --state-dir /tmp/st72

# --- stop / start keep the configuration, runtime changes included, and
# start from a fresh scheduler's state: nr_layers_hw, the most layers
# since attach, forgets a layer added and removed before the stop.
hw() { bpftool -j map dump name scxd.bss | tr -d ' ' | sed -n 's/.*"nr_layers_hw":\([0-9]*\).*/\1/p'; }
command -v bpftool >/dev/null || fail "bpftool is not in the initramfs"
n=$(scxctl layers | awk 'NR > 1 && NF' | wc -l)
scxctl add-layer extra --before default --throughput --match 'comm=no-such-task' ||
	fail "add-layer exited $?"
scxctl remove-layer extra || fail "remove-layer exited $?"
assert_eq "$(hw)" "$((n + 1))" "nr_layers_hw after a layer came and went"
scxctl set-layer batch --weight 7 || fail "set-layer exited $?"
scxctl stop || fail "stop exited $?"
wait_for 5 state_is disabled || fail "sched_ext state after stop: $(sched_state)"
scxctl status | head -1
scxctl status | head -1 | grep -q 'attached: no' || fail "status does not say detached"
scxctl stop 2>/dev/null && fail "a second stop succeeded"
t0=$(date +%s)
scxctl start || fail "start exited $?"
echo "start took $(($(date +%s) - t0)) s (attaching the scheduler stop kept loaded)"
wait_for 5 state_is enabled || fail "sched_ext state after start: $(sched_state)"
assert_eq "$(sched_ops)" scxd "ops after start"
assert_eq "$(hw)" "$n" "nr_layers_hw after stop and start"
assert_eq "$(col batch 3)" 7 "batch weight after stop and start"
scxctl start 2>/dev/null && fail "start while attached succeeded"

# --- version: scxctl's own line, then the daemon's; --json the daemon's.
scxctl version
scxctl version | grep -q '^scxd [0-9][^ ]* (protocol 1)$' || fail "version lacks the daemon's line"
scxctl --json version | grep -q '"proto":[[:space:]]*1' || fail "version --json lacks proto"

# --- top: frames with rates from the second one on; --json, one per line.
scxctl top --count 3 --interval 300 >/tmp/top.out || fail "top exited $?"
cat /tmp/top.out
assert_eq "$(grep -c '^scxctl top ' /tmp/top.out)" 3 "frames top printed"
assert_eq "$(grep -c '^LAYER ' /tmp/top.out)" 3 "tables top printed"
tail -4 /tmp/top.out | awk '$1 == "default" && $8 ~ /^[0-9]+$/ {ok = 1} END {exit !ok}' ||
	fail "no wakeup rate in top's last frame"
assert_eq "$(scxctl --json top --count 2 --interval 200 | grep -c '^{.*"layers":')" 2 \
	"status documents from top --json"
scxctl top --count 0 2>/dev/null && fail "top --count 0 was accepted"

# --- roles.
scxctl role list
scxctl role list | grep -q '^\* desktop ' || fail "role list does not mark desktop as running"
for r in build gaming server; do
	scxctl role list | grep -q "^  $r " || fail "role list lacks $r"
done
scxctl role show server | grep -q '^role = server$' || fail "role show server"
seq0=$(seq)
scxctl role set gaming || fail "role set exited $?"
scxctl status | head -1 | grep -q 'role: gaming' || fail "status does not show role gaming"
assert_eq "$(seq)" "$seq0" "enable_seq after role set"
scxctl role set nosuch 2>/dev/null && fail "role set of a missing role succeeded"
assert_eq "$?" 1 "exit status of role set nosuch"
scxctl role set ../etc 2>/dev/null && fail "a role name with a slash was accepted"
mkdir -p /tmp/roles && printf '[layer.a]\npolicy = fast\n' >/tmp/roles/broken.ini
stop_scxd || fail "scxd exited $?"

start_scxd --config /usr/lib/scxd/roles/desktop.ini --state-dir /tmp/st72 --roles-dir /tmp/roles
err=$(scxctl role set broken 2>&1) && fail "a broken role was accepted"
rc=$?
echo "$err"
assert_eq "$rc" 78 "exit status of role set broken"
case "$err" in *"/tmp/roles/broken.ini:2: unknown policy 'fast'"*) ;;
	*) fail "unexpected message: $err" ;; esac
scxctl status | head -1 | grep -q 'role: desktop' || fail "a broken role changed the role"
stop_scxd || fail "scxd exited $?"

# --- check needs no daemon.
scxctl check /usr/lib/scxd/roles/server.ini >/tmp/check.out || fail "check of server.ini exited $?"
head -1 /tmp/check.out | grep -q 'layers' || fail "check printed: $(head -1 /tmp/check.out)"
scxctl check /tmp/roles/broken.ini 2>/dev/null && fail "check of a broken file succeeded"
assert_eq "$?" 78 "exit status of check of a broken file"
