#!/bin/sh
# With a realistic 16-layer, 64-rule configuration every BPF program is
# verified far below the kernel's 1M-instruction limit (here: under 20%),
# and the numbers are printed for the record.
. /tests/lib.sh

cfg=/tmp/sixteen.ini
: >$cfg
i=0
while [ $i -lt 15 ]; do
	pol=throughput
	[ $((i % 2)) -eq 0 ] && pol=latency
	{
		echo "[layer.l$i]"
		echo "policy = $pol"
		echo "match = comm=app$i* && nice<0"
		echo "match = cgroup=/work.slice/l$i.scope && uid>=1000"
		echo "match = pcomm=svc$i && kthread=no && leader=yes"
		echo "match = ppid=$((i + 100)) && gid!=0 && comm!=bash"
		echo
	} >>$cfg
	i=$((i + 1))
done
printf '[layer.default]\npolicy = throughput\nmatch = *\n' >>$cfg

out=$(scxd --verifier-stats --config $cfg) || fail "scxd --verifier-stats exited $?: $out"
echo "$out"
echo "$out" | head -n1 | grep -q '16 layers, 61 rules' || fail "not the 16-layer config"
progs=$(echo "$out" | grep -c 'processed')
[ "$progs" -ge 10 ] || fail "only $progs programs reported"
echo "$out" | awk '/processed/ {
	n = $3 + 0
	if (n > 200000) { print "over budget: " $0; bad = 1 }
} END { exit bad }' || fail "a program uses over 20% of the verifier's budget"
