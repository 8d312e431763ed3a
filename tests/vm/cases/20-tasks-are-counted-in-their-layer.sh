#!/bin/sh
# A process whose comm matches layer "named" is counted there; a process
# started in cgroup /scxdtest (or below) is counted in layer "boxed";
# both counts follow the processes when they exit.
. /tests/lib.sh

write_config /tmp/classify.ini <<'INI'
[scxd]
log_level = debug

[layer.named]
policy = latency
match = comm=scxdprobe*

[layer.boxed]
policy = throughput
match = cgroup=/scxdtest
INI


start_scxd --config /tmp/classify.ini
assert_eq "$(tasks_of named)" 0 "named layer before"
assert_eq "$(tasks_of boxed)" 0 "boxed layer before"

# comm is the script's own name: one matching task (its children are "sleep").
printf '#!/bin/sh\nwhile :; do sleep 1; done\n' >/tmp/scxdprobe-a
chmod +x /tmp/scxdprobe-a
/tmp/scxdprobe-a &
probe=$!
wait_for 10 tasks_are named 1 || fail "named layer has $(tasks_of named) tasks, expected 1"

# Two tasks in the subtree, at two depths (cgroup v2 keeps processes in
# leaves once controllers are enabled, hence /scxdtest/a).
new_cgroup /scxdtest/a
new_cgroup /scxdtest/inner/b
p1=$(run_in_cgroup /scxdtest/a sleep 1000)
p2=$(run_in_cgroup /scxdtest/inner/b sleep 1000)
wait_for 10 tasks_are boxed 2 || fail "boxed layer has $(tasks_of boxed) tasks, expected 2"

kill "$probe" "$p1" "$p2"
wait_for 10 tasks_are named 0 || fail "named layer still has $(tasks_of named) tasks"
wait_for 10 tasks_are boxed 0 || fail "boxed layer still has $(tasks_of boxed) tasks"
scxctl status
stop_scxd || fail "scxd exited $?"
