#!/bin/sh
# A confined layer's tasks are only ever seen on the CPUs allocated to it,
# and a throughput layer placed on LLC 1 never leaves it, even with more
# runnable tasks than those CPUs (sampled from /proc/PID/stat).
# timeout: 120
. /tests/lib.sh

[ "$SCXD_VM_SHAPE" = functional ] || { echo "needs 2 LLCs of 4 CPUs"; exit 0; }
write_config /tmp/place.ini <<'INI'
[layer.boxed]
policy = throughput
kind = confined
cpus = 2
match = comm=stress-ng*

[layer.west]
policy = throughput
llcs = 1
match = comm=westhog
INI
busy_loop westhog

# expand LIST: a kernel cpulist ("0-1,4") as " 0 1 4 ", so that the
# sampling loop tests membership without forking (under load, a fork per
# sample made 40 samples outlast the hogs).
expand() {
	echo "$1" | tr ',' '\n' | while IFS=- read -r a b; do
		[ -n "$a" ] || continue
		i=$a
		while [ "$i" -le "${b:-$a}" ]; do printf ' %s' "$i"; i=$((i + 1)); done
	done
	echo ' '
}

# cpu_into PID: $cpu, the CPU the task last ran on (as lib.sh's cpu_of,
# without the fork of a command substitution); false if it is gone.
cpu_into() {
	read -r _st <"/proc/$1/stat" 2>/dev/null || return 1
	# shellcheck disable=SC2086 # split on purpose: field 3 becomes $1
	set -- ${_st##*)}
	cpu=${37}
}

# now_s: $now, seconds since boot.
now_s() {
	read -r now _ </proc/uptime
	now=${now%.*}
}

# pids_named PREFIX: processes whose comm starts with PREFIX (no pgrep here).
pids_named() {
	for d in /proc/[0-9]*; do
		read -r c <"$d/comm" 2>/dev/null || continue
		case "$c" in "$1"*) echo "${d#/proc/}" ;; esac
	done
}

start_scxd --config /tmp/place.ini
new_cgroup /place
run_in_cgroup /place stress-ng --cpu 4 --timeout 60s --quiet >/dev/null
i=0
while [ $i -lt 6 ]; do run_in_cgroup /place /tmp/westhog >/dev/null; i=$((i + 1)); done
sleep 3

owned=$(scxctl --json status | jsonget 'layers[name=boxed].owned')
echo "boxed owns CPUs $owned"
n=$(echo "$owned" | tr ',' '\n' | awk -F- '{n += ($2 == "" ? 1 : $2 - $1 + 1)} END {print n}')
assert_eq "$n" 2 "CPUs owned by the confined layer (cpus = 2)"

owned_cpus=$(expand "$owned")
boxed_pids=$(pids_named stress-ng)
west_pids=$(pids_named westhog)
echo "sampling $(echo $boxed_pids | wc -w) confined and $(echo $west_pids | wc -w) LLC-1 tasks"
samples=0 seen_boxed="" seen_west=""
now_s
t0=$now
# 40 samples, or as many as 30 s allow (the hogs run 60 s).
while [ $samples -lt 40 ] && [ $((now - t0)) -lt 30 ]; do
	for pid in $boxed_pids; do
		cpu_into "$pid" || continue
		case "$owned_cpus" in
		*" $cpu "*) ;;
		*) fail "confined task $pid on cpu$cpu, outside $owned" ;;
		esac
		seen_boxed="$seen_boxed $cpu"
	done
	for pid in $west_pids; do
		cpu_into "$pid" || continue
		[ "$cpu" -ge 4 ] || fail "west task $pid on cpu$cpu, outside LLC 1 (cpus 4-7)"
		seen_west="$seen_west $cpu"
	done
	samples=$((samples + 1))
	sleep 0.1
	now_s
done
echo "$samples samples in $((now - t0)) s"
[ $samples -ge 5 ] || fail "only $samples samples"
echo "confined layer seen on: $(echo $seen_boxed | tr ' ' '\n' | sort -u | tr '\n' ' ')"
echo "LLC-1 layer seen on: $(echo $seen_west | tr ' ' '\n' | sort -u | tr '\n' ' ')"
[ -n "$seen_boxed" ] && [ -n "$seen_west" ] || fail "no samples"
assert_eq "$(sched_state)" enabled "sched_ext after the run"
scxctl status
stop_scxd || fail "scxd exited $?"
