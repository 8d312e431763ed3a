#!/bin/sh
# The VM kernel has sched_ext with nothing attached, BTF for the BPF
# loader, and the CPU topology the tests rely on: 8 CPUs in two LLCs
# (cpu0-3, cpu4-7) in the functional shape, 2 CPUs with an LLC each in
# the bench shape.
# timeout: 30
. /tests/lib.sh

assert_eq "$(sched_state)" disabled "sched_ext state"
assert_eq "$(sched_ops)" "" "attached scheduler"
[ -s /sys/kernel/btf/vmlinux ] || fail "no /sys/kernel/btf/vmlinux"
grep -q '^0::/rig-case$' /proc/self/cgroup || fail "case not in cgroup rig-case: $(cat /proc/self/cgroup)"
for c in cpu cpuset; do
	grep -qw $c /sys/fs/cgroup/cgroup.subtree_control || fail "cgroup controller $c not enabled"
done

case "$SCXD_VM_SHAPE" in
functional) want_cpus=8 want_llcs="0-3 4-7" ;;
bench) want_cpus=2 want_llcs="0 1" ;;
*) fail "unknown SCXD_VM_SHAPE '$SCXD_VM_SHAPE'" ;;
esac
assert_eq "$(nproc)" "$want_cpus" "online CPUs"
llcs=$(cat /sys/devices/system/cpu/cpu*/cache/index3/shared_cpu_list | sort -u | tr '\n' ' ')
assert_eq "${llcs% }" "$want_llcs" "distinct LLC cpu lists"
echo "cpus=$(nproc) llcs=$llcs"
