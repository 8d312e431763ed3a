#!/bin/sh
# The CPU -> LLC map scxd uses is the kernel's own, read from BPF: on 7.2+
# sched_ext's topology (scx_bpf_cid_topo, source "cid"), else the
# scheduler domains' sd_llc_id ("kernel"), else the daemon's sysfs table
# ("sysfs"). Each source, forced in turn with scxd --topology, equals
# what sysfs says: two CPUs share an LLC index exactly when they share
# cache/index3/shared_cpu_list, indexes are dense in order of each LLC's
# first CPU, and each CPU's llc_size is the size of that list. So all
# three agree. Without --topology, a kernel with the cid kfuncs uses cid.
. /tests/lib.sh

# check SOURCE: scxd started with --topology SOURCE reports SOURCE and
# the sysfs map.
check() {
	start_scxd --topology "$1"
	out=$(scxctl topology) || fail "scxctl topology exited $?"
	echo "$out"
	scxctl --json topology >/tmp/topo.json || fail "scxctl --json topology exited $?"
	assert_eq "$(jsonget source </tmp/topo.json)" "$1" "topology source with --topology $1"
	n=0 next=0
	for d in /sys/devices/system/cpu/cpu[0-9]*; do
		cpu=${d##*/cpu}
		list=$(cat "$d/cache/index3/shared_cpu_list")
		key=$(echo "$list" | tr ',-' '__')
		size=$(echo "$list" | tr ',' '\n' |
			awk -F- '{ n += NF == 2 ? $2 - $1 + 1 : 1 } END { print n }')
		v=$(jsonget "cpus[cpu=$cpu].llc" "cpus[cpu=$cpu].llc_size" </tmp/topo.json) ||
			fail "cpu$cpu missing from the topology"
		set -- $v
		eval "want=\${llc_$key:-}"
		if [ -z "$want" ]; then
			# First CPU of a new L3: it must open the next dense index.
			want=$next
			next=$((next + 1))
			eval "llc_$key=$want"
		fi
		assert_eq "$1" "$want" "cpu$cpu LLC index (sysfs shared_cpu_list $list)"
		assert_eq "$2" "$size" "cpu$cpu LLC size (sysfs shared_cpu_list $list)"
		n=$((n + 1))
	done
	assert_eq "$n" "$(nproc)" "CPUs compared"
	assert_eq "$(jsonget nr_llcs </tmp/topo.json)" "$next" "nr_llcs vs distinct L3s in sysfs"
	stop_scxd || fail "scxd exited $?"
	unset $(set | sed -n 's/^\(llc_[0-9_]*\)=.*/\1/p')
}

check cid
check kernel
check sysfs
start_scxd
assert_eq "$(scxctl --json topology | jsonget source)" cid "topology source by default"
stop_scxd || fail "scxd exited $?"
