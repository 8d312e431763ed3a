#!/bin/sh
# The CPU -> LLC map scxd uses is the kernel's own (sd_llc_id, read from
# BPF) and equals what sysfs says: two CPUs share an LLC index exactly
# when they share cache/index3/shared_cpu_list, and indexes are dense in
# order of each LLC's first CPU.
. /tests/lib.sh

start_scxd
out=$(scxctl topology) || fail "scxctl topology exited $?"
echo "$out"
echo "$out" | grep -q '^source: kernel' || fail "topology source is not the kernel"

n=0 next=0
for d in /sys/devices/system/cpu/cpu[0-9]*; do
	cpu=${d##*/cpu}
	list=$(cat "$d/cache/index3/shared_cpu_list")
	key=$(echo "$list" | tr ',-' '__')
	llc=$(echo "$out" | awk -v c="$cpu" '$1 == c && NF >= 5 {print $2}')
	[ -n "$llc" ] || fail "cpu$cpu missing from scxctl topology"
	eval "want=\${llc_$key:-}"
	if [ -z "$want" ]; then
		# First CPU of a new L3: it must open the next dense index.
		want=$next
		next=$((next + 1))
		eval "llc_$key=$want"
	fi
	assert_eq "$llc" "$want" "cpu$cpu LLC index (sysfs shared_cpu_list $list)"
	n=$((n + 1))
done
assert_eq "$n" "$(nproc)" "CPUs compared"
nr=$(scxctl --json topology | sed -n 's/.*"nr_llcs":[[:space:]]*\([0-9]*\).*/\1/p')
assert_eq "$nr" "$next" "nr_llcs vs distinct L3s in sysfs"
stop_scxd || fail "scxd exited $?"
