#!/bin/sh
# scxctl changes layers while the scheduler stays attached: set-layer
# reaches the BPF map and enable_seq does not move (no detach); a rule
# added at runtime moves an already-running (sleeping) process; add-layer
# and remove-layer lose no task; an invalid change or a broken file at
# reload changes nothing and says why; save survives a daemon restart;
# changes need root or the scxd group, reads do not.
# timeout: 150
. /tests/lib.sh

command -v bpftool >/dev/null || fail "bpftool is not in the initramfs"
write_config /tmp/rt.ini <<'INI'
[layer.gaming]
policy = throughput
match = comm=gamebin
INI
state=/tmp/rt-state
rm -rf "$state"

col() { scxctl status | awk -v l="$1" -v c="$2" '$1 == l {print $c}'; }
policy_is() { [ "$(col "$1" 2)" = "$2" ]; }
tasks_are() { [ "$(col "$1" 5)" = "$2" ]; }
seq() { cat /sys/kernel/sched_ext/enable_seq; }
# The policy field of BPF's `layers` map entry @1 (0 latency, 1 throughput).
bpf_policy() {
	bpftool -j map lookup name layers key "$1" 0 0 0 |
		sed -n 's/.*"policy":\([0-9]*\).*/\1/p'
}

start_scxd --config /tmp/rt.ini --state-dir "$state"
seq0=$(seq)
assert_eq "$(bpf_policy 0)" 1 "BPF policy of layer 0 at start"

# --- set-layer: config, BPF map, no detach.
out=$(scxctl set-layer gaming --latency --weight 300) || fail "set-layer exited $?"
echo "$out"
assert_eq "$(col gaming 2)" latency "policy after set-layer"
assert_eq "$(col gaming 3)" 300 "weight after set-layer"
assert_eq "$(col gaming 4)" 2ms "slice follows the new policy"
assert_eq "$(bpf_policy 0)" 0 "BPF policy of layer 0 after set-layer"
assert_eq "$(seq)" "$seq0" "enable_seq after set-layer (a detach would bump it)"
# status lists what differs from the file; layers and layer show agree.
scxctl status | grep -qx '  + \[layer.gaming\] policy = latency' ||
	fail "status does not list the policy change: $(scxctl status)"
scxctl status | grep -qx '  - \[layer.gaming\] policy = throughput' ||
	fail "status does not list the file's policy"
scxctl layers
assert_eq "$(scxctl layers | awk '$1 == "gaming" {print $2, $3, $6}')" "latency 300 yes" \
	"policy, weight and preempt in scxctl layers"
scxctl layer show gaming
scxctl layer show gaming | grep -qx 'match = comm=gamebin' || fail "layer show lacks the rule"
scxctl layer show nosuch 2>/dev/null && fail "layer show of a missing layer succeeded"

# --- an invalid value: exit 78, the reason, nothing changed.
err=$(scxctl set-layer gaming --weight 0 2>&1) && fail "weight 0 was accepted"
rc=$?
echo "$err"
assert_eq "$rc" 78 "exit status of an invalid set-layer"
case "$err" in *"layer 'gaming': weight must be a number in 1..10000, not '0'"*) ;;
	*) fail "unexpected message: $err" ;; esac
assert_eq "$(col gaming 3)" 300 "weight after a refused change"
scxctl set-layer nosuch --latency 2>/dev/null && fail "an unknown layer was accepted"
assert_eq "$?" 1 "exit status for an unknown layer"

# --- a rule added at runtime reaches a process that sleeps meanwhile.
printf '#!/bin/sh\nwhile :; do sleep 1; done\n' >/tmp/zzapp
chmod +x /tmp/zzapp
/tmp/zzapp &
app=$!
wait_for 5 tasks_are gaming 0 || fail "gaming has $(col gaming 5) tasks before the rule"
scxctl match add gaming 'comm = zzapp' || fail "match add exited $?"
wait_for 2 tasks_are gaming 1 || fail "gaming has $(col gaming 5) tasks 2 s after the rule"

# --- add-layer before gaming takes the process (first match wins); removing
#     it puts the process back: no task lost.
scxctl add-layer extra --throughput --match comm=zzapp --before gaming ||
	fail "add-layer exited $?"
wait_for 2 tasks_are extra 1 || fail "extra has $(col extra 5) tasks"
assert_eq "$(col gaming 5)" 0 "gaming tasks while extra matches first"
scxctl add-layer extra2 --throughput 2>/dev/null && fail "a layer without a rule was accepted"
# Busy tasks queued in the last layer's queues when a layer before it
# goes: that queue now belongs to no layer, and must still be served.
hogs=
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	sh -c 'while :; do :; done' &
	hogs="$hogs $!"
done
sleep 1
scxctl remove-layer extra || fail "remove-layer exited $?"
ticks() { for h in $hogs; do set -- $(cut -d')' -f2 "/proc/$h/stat"); echo "$h ${12}"; done; }
t0=$(ticks)
sleep 3
t1=$(ticks)
echo "$t0" | while read -r h a; do
	b=$(echo "$t1" | awk -v h="$h" '$1 == h {print $2}')
	[ "$b" -gt "$a" ] || { echo "hog $h did not run after remove-layer ($a -> $b ticks)"; exit 1; }
done || fail "a task queued in a removed layer's queue starved"
kill $hogs
wait_for 2 tasks_are gaming 1 || fail "gaming has $(col gaming 5) tasks after remove-layer"
[ -z "$(col extra 1)" ] || fail "layer extra still listed"
scxctl match remove gaming comm=zzapp || fail "match remove exited $?"
wait_for 2 tasks_are gaming 0 || fail "gaming still has $(col gaming 5) tasks"
assert_eq "$(seq)" "$seq0" "enable_seq after all changes"

# --- permissions: reads for anyone, changes for root or the scxd group.
as_tester "$SCXCTL_BIN" status >/dev/null || fail "tester's status exited $?"
err=$(as_tester "$SCXCTL_BIN" set-layer gaming --weight 5 2>&1) &&
	fail "tester changed a layer"
rc=$?
echo "$err"
assert_eq "$rc" 4 "exit status of tester's set-layer"
assert_eq "$(col gaming 3)" 300 "weight after tester's attempt"

# --- save, restart: the change is back.
scxctl save || fail "save exited $?"
grep -q '^weight = 300$' "$state/saved.ini" || fail "saved.ini lacks the change"
stop_scxd || fail "scxd exited $?"
start_scxd --config /tmp/rt.ini --state-dir "$state"
assert_eq "$(col gaming 2)" latency "policy after a restart"
assert_eq "$(col gaming 3)" 300 "weight after a restart"

# --- reload: a broken file changes nothing and names the line; a good
#     one returns to the file and sets the saved configuration aside.
cp /tmp/rt.ini /tmp/rt.good
sed -i 's/^policy = throughput$/policy = fast/' /tmp/rt.ini
err=$(scxctl reload 2>&1) && fail "a broken file was reloaded"
rc=$?
echo "$err"
assert_eq "$rc" 78 "exit status of a reload of a broken file"
case "$err" in *"/tmp/rt.ini:2: unknown policy 'fast'"*) ;;
	*) fail "unexpected message: $err" ;; esac
assert_eq "$(col gaming 2)" latency "policy after a refused reload"
cp /tmp/rt.good /tmp/rt.ini
scxctl reload || fail "reload exited $?"
assert_eq "$(col gaming 2)" throughput "policy after reload"
scxctl status | grep -q 'runtime changes' && fail "status lists changes after reload"
[ ! -e "$state/saved.ini" ] && [ -e "$state/saved.ini.old" ] ||
	fail "reload did not set saved.ini aside"
assert_eq "$(sched_state)" enabled "sched_ext state at the end"
kill "$app"
stop_scxd || fail "scxd exited $?"
