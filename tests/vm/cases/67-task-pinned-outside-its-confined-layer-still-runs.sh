#!/bin/sh
# A task whose affinity (taskset) excludes every CPU of its confined layer
# still runs: affinity wins over placement, instead of the task waiting
# in a queue that no CPU it may use serves.
# timeout: 90
. /tests/lib.sh

[ "$SCXD_VM_SHAPE" = functional ] || { echo "needs 8 CPUs"; exit 0; }
write_config /tmp/outside.ini <<'INI'
[layer.boxed]
policy = throughput
kind = confined
cpus = 2
llcs = 0
match = comm=outside*
INI
printf '#!/bin/sh\ni=0\nwhile [ $i -lt 3000 ]; do i=$((i + 1)); done\necho done\n' >/tmp/outside-job
chmod +x /tmp/outside-job

start_scxd --config /tmp/outside.ini
# The layer owns 2 CPUs of LLC 0; the job may only use cpus 6-7 (LLC 1).
taskset -c 6-7 /tmp/outside-job >/tmp/outside.out &
job=$!
i=0
while kill -0 "$job" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$job" 2>/dev/null && fail "job pinned outside its confined layer never finished"
wait "$job"
assert_eq "$(cat /tmp/outside.out)" done "job output"
assert_eq "$(sched_state)" enabled "sched_ext after the run"
stop_scxd || fail "scxd exited $?"
