#!/bin/sh
# scxctl run starts a command so that it and everything it starts (forks,
# threads, after exec) is in the given layer; move pins a running process
# or a cgroup's, unpin gives it back to the rules; explain says which
# layer and why. A user outside the scxd group may run and move their own
# processes, only into a layer with users = yes; never someone else's.
# timeout: 120
. /tests/lib.sh

write_config /tmp/pin.ini <<'INI'
[layer.games]
policy = latency
users = yes
match = comm=nevermatches

[layer.batch]
policy = throughput
match = comm=batchbin
INI

# field FIELD PID: a field of `scxctl --json explain PID` (strings only).
field() {
	scxctl --json explain "$2" | sed -n "s/.*\"$1\":[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}
layer_is() { [ "$(field layer "$1")" = "$2" ]; }

# The pid files the commands below write: waited for, so never stale
# (case 83 runs this case again in the same boot).
rm -f /tmp/run.child /tmp/tester.pid
start_scxd --config /tmp/pin.ini

# --- explain: a rule, the last layer's match = *.
printf '#!/bin/sh\nwhile :; do sleep 1; done\n' >/tmp/batchbin
chmod +x /tmp/batchbin
/tmp/batchbin &
b=$!
wait_for 5 layer_is "$b" batch || fail "batchbin is in '$(field layer "$b")'"
scxctl explain "$b"
assert_eq "$(field reason "$b")" rule "why batchbin is in batch"
assert_eq "$(field rule "$b")" "comm=batchbin" "the rule that matched"
sleep 1000 &
s=$!
wait_for 5 layer_is "$s" default || fail "sleep is in '$(field layer "$s")'"
assert_eq "$(field rule "$s")" "*" "the rule that put sleep in default"

# --- run: the command, a child it forks after exec, and a thread.
scxctl run --layer games -- sh -c 'sleep 1000 & echo $! >/tmp/run.child; exec sleep 1001' &
wait_for 5 test -s /tmp/run.child || fail "run did not start its command"
child=$(cat /tmp/run.child)
parent=
wait_for 5 layer_is "$child" games || fail "run's grandchild is in '$(field layer "$child")'"
assert_eq "$(field reason "$child")" pinned "why the grandchild is in games"
for p in /proc/[0-9]*; do
	grep -q '^sleep.1001' "$p/cmdline" 2>/dev/null || continue
	parent=${p#/proc/}
done
[ -n "$parent" ] || fail "the command run started is not running"
assert_eq "$(field layer "$parent")" games "layer of the command run started"
scxctl explain "$parent"
# Threads: cyclictest's measuring thread is created after exec.
"$SCXCTL_BIN" run --layer games -- cyclictest -q -t 1 -i 10000 -D 20 >/tmp/ct.out 2>&1 &
ct=$!
threaded() { [ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -ge 2 ]; }
wait_for 5 threaded "$ct" || fail "cyclictest started no thread: $(cat /tmp/ct.out)"
for t in $(ls /proc/$ct/task); do
	wait_for 2 layer_is "$t" games || fail "cyclictest thread $t is in '$(field layer "$t")'"
done

# --- move a running process, then a cgroup; unpin.
scxctl move "$b" --layer games || fail "move exited $?"
wait_for 2 layer_is "$b" games || fail "moved batchbin is in '$(field layer "$b")'"
scxctl unpin "$b" || fail "unpin exited $?"
wait_for 2 layer_is "$b" batch || fail "unpinned batchbin is in '$(field layer "$b")'"
c1=$(run_in_cgroup /pinme/a sleep 1000)
c2=$(run_in_cgroup /pinme/b/c sleep 1000)
scxctl move --cgroup /pinme --layer batch || fail "move --cgroup exited $?"
wait_for 2 layer_is "$c1" batch || fail "cgroup process 1 is in '$(field layer "$c1")'"
wait_for 2 layer_is "$c2" batch || fail "cgroup process 2 is in '$(field layer "$c2")'"
scxctl unpin --cgroup /pinme || fail "unpin --cgroup exited $?"
wait_for 2 layer_is "$c2" default || fail "unpinned cgroup process is in '$(field layer "$c2")'"

# --- a user outside the scxd group.
as_tester "$SCXCTL_BIN" run --layer games -- sh -c 'echo $$ >/tmp/tester.pid; exec sleep 1002' &
wait_for 5 test -s /tmp/tester.pid || fail "tester's run did not start"
tp=$(cat /tmp/tester.pid)
wait_for 5 layer_is "$tp" games || fail "tester's command is in '$(field layer "$tp")'"
err=$(as_tester "$SCXCTL_BIN" run --layer batch -- true 2>&1) &&
	fail "tester ran a command in a layer without users = yes"
rc=$?
echo "$err"
assert_eq "$rc" 4 "exit status of tester's run in batch"
err=$(as_tester "$SCXCTL_BIN" move "$b" --layer games 2>&1) &&
	fail "tester moved root's process"
rc=$?
echo "$err"
assert_eq "$rc" 4 "exit status of tester's move of root's process"
as_tester "$SCXCTL_BIN" unpin "$tp" || fail "tester could not unpin their own process"
wait_for 2 layer_is "$tp" default || fail "tester's unpinned command is in '$(field layer "$tp")'"
scxctl explain 999999 2>/dev/null && fail "explain of a missing process succeeded"
assert_eq "$?" 1 "exit status of explain of a missing process"

kill "$b" "$s" "$child" "$parent" "$c1" "$c2" "$tp" "$ct" 2>/dev/null
stop_scxd || fail "scxd exited $?"
