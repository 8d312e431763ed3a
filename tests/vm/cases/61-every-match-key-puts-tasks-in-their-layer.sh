#!/bin/sh
# Each match key puts exactly the tasks it names into its layer, and the
# layer follows the task through exec, a rename (prctl), a cgroup move by
# another task, a nice change by another task, and a rule change made
# while the task sleeps (SIGHUP reload).
# timeout: 180
. /tests/lib.sh

expect() { # LAYER N WHAT
	wait_for 10 tasks_are "$1" "$2" || fail "$3: layer $1 has $(tasks_of "$1") tasks, want $2"
	echo "ok: $3 ($1 = $2)"
}
script() { # NAME BODY: an executable whose comm is NAME
	printf '#!/bin/sh\n%s\n' "$2" >"/tmp/$1"
	chmod +x "/tmp/$1"
}

# Processes whose ids the rules name are started first.
sleep 1000 &
by_pid=$!
sh -c 'sleep 1000 & sleep 1000 & wait' &
parent=$!
cp "$(command -v cyclictest)" /tmp/mkthreads
/tmp/mkthreads -q -t 3 -i 10000 -D 300 >/dev/null &
threaded=$!
new_cgroup /mk/a/b
new_cgroup /mk/x

write_config() { # extra layers go first
	{
		printf '%s' "$1"
		cat <<INI
[layer.k_comm_exact]
policy = latency
match = comm=mk-exact

[layer.k_comm_prefix]
policy = latency
match = comm=mkpre*

[layer.k_pcomm]
policy = throughput
match = pcomm=mkthreads && leader=no

[layer.k_tgid]
policy = throughput
match = tgid=$threaded

[layer.k_uid]
policy = throughput
match = uid=1000 && gid=1000 && comm=mkuid

[layer.k_nice]
policy = throughput
match = nice>=7 && nice<=9 && kthread=no

[layer.k_pid]
policy = throughput
match = pid=$by_pid

[layer.k_ppid]
policy = throughput
match = ppid=$parent && comm=sleep

[layer.k_kthread]
policy = throughput
match = kthread=yes

[layer.k_cgroup]
policy = throughput
match = cgroup=/mk/a

[layer.k_neg]
policy = throughput
match = comm=mkneg* && uid!=1000

[layer.k_exec]
policy = throughput
match = comm=mkexec-after

[layer.k_rename]
policy = throughput
match = comm=stress-ng-cpu

[layer.default]
policy = throughput
match = *
INI
	} >/tmp/keys.ini
}
write_config ""
start_scxd --config /tmp/keys.ini

script mk-exact 'while :; do sleep 1; done'
script mk-exactly 'while :; do sleep 1; done'
script mkpre-one 'while :; do sleep 1; done'
script mkpre-two 'while :; do sleep 1; done'
script mkneg 'while :; do sleep 1; done'
script mkuid 'while :; do sleep 1; done'
/tmp/mk-exact & /tmp/mk-exactly & /tmp/mkpre-one & /tmp/mkpre-two &
/tmp/mkneg &
as_tester /tmp/mkneg &
as_tester /tmp/mkuid &
/tmp/mkuid &
nice -n 8 sleep 1000 &
run_in_cgroup /mk/a/b sleep 1000 >/dev/null

expect k_comm_exact 1 "comm= is exact (mk-exactly does not match)"
expect k_comm_prefix 2 "comm=PREFIX* matches both mkpre-*"
expect k_pcomm 3 "pcomm= && leader=no: the 3 measuring threads"
expect k_tgid 1 "tgid=: its leader (the threads matched k_pcomm first)"
expect k_uid 1 "uid= && gid=: the tester's mkuid, not root's"
expect k_nice 1 "nice range"
expect k_pid 1 "pid="
expect k_ppid 2 "ppid=: the two children"
[ "$(tasks_of k_kthread)" -gt 5 ] || fail "kthread=yes: only $(tasks_of k_kthread) kthreads"
echo "ok: kthread=yes ($(tasks_of k_kthread))"
expect k_cgroup 1 "cgroup= subtree: /mk/a/b is under /mk/a"
expect k_neg 1 "uid!=: root's mkneg only"

# exec: comm changes from mkexec-before to mkexec-after.
script mkexec-after 'while :; do sleep 1; done'
script mkexec-before 'sleep 1; exec /tmp/mkexec-after'
/tmp/mkexec-before &
expect k_exec 1 "after exec"

# rename: stress-ng's workers rename themselves with prctl(PR_SET_NAME).
stress-ng --cpu 2 --timeout 60s --quiet &
expect k_rename 2 "after prctl rename"

# cgroup move by another task, of a sleeping task.
mover=$(run_in_cgroup /mk/x sleep 1000)
echo "$mover" >/sys/fs/cgroup/mk/a/b/cgroup.procs
expect k_cgroup 2 "after cgroup move"

# nice change by another task, of a sleeping task.
sleep 1000 &
sleeper=$!
renice -n 8 -p "$sleeper" >/dev/null
expect k_nice 2 "after renice"

# A rule added while its task sleeps reaches it (SIGHUP reload).
script mklate 'sleep 1000'
/tmp/mklate &
sleep 1
write_config '[layer.k_late]
policy = latency
match = comm=mklate

'
kill -HUP "$SCXD_PID"
expect k_late 1 "rule added at runtime reaches a sleeping task"
expect k_comm_exact 1 "other layers unchanged by the reload"

scxctl status
stop_scxd || fail "scxd exited $?"
