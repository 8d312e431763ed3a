#!/bin/sh
# `systemctl reload scxd` re-reads /etc/scxd/scxd.ini without detaching:
# the change applies and sched_ext's enable_seq stays (no second attach).
# A broken file is rejected with its file:line in the journal, and the
# running configuration, the scheduler and the unit stay as they were.
. /tests/lib.sh

# weight: a layer's weight in `scxctl --json status`.
weight() {
	scxctl --json status | jsonget "layers[name=$1].weight"
}

systemctl start scxd.service || fail "systemctl start scxd exited $?"
seq0=$(cat /sys/kernel/sched_ext/enable_seq)
w0=$(weight batch) || fail "no layer batch in the installed scxd.ini"
echo "batch weight $w0, enable_seq $seq0"
[ "$w0" != 70 ] || fail "the installed file already has weight 70"

ini=/etc/scxd/scxd.ini
awk '/^\[layer\.batch\]/ { print; print "weight = 70"; skip = 1; next }
     /^\[/ { skip = 0 }
     skip && /^weight[[:space:]]*=/ { next }
     { print }' $ini >$ini.new && mv $ini.new $ini
systemctl reload scxd.service || fail "systemctl reload exited $?"
wait_for 10 '[ "$(weight batch)" = 70 ]' || fail "batch weight is $(weight batch) 10 s after reload, not 70"
assert_eq "$(cat /sys/kernel/sched_ext/enable_seq)" "$seq0" "enable_seq after reload"
journalctl -u scxd.service --no-pager -o cat | grep -q "Reloaded $ini" ||
	fail "no 'Reloaded $ini' in the journal"

# the blank line, [layer.broken], then the policy line
line=$(($(wc -l <$ini) + 3))
printf '\n[layer.broken]\npolicy = fast\nmatch = comm=x\n' >>$ini
systemctl reload scxd.service || fail "systemctl reload exited $?"
wait_for 10 "journalctl -u scxd.service --no-pager -o cat | grep -q 'Reload rejected'" ||
	fail "no 'Reload rejected' in the journal"
msg=$(journalctl -u scxd.service --no-pager -o cat | grep 'Reload rejected')
echo "journal: $msg"
echo "$msg" | grep -q "$ini:$line: " || fail "the rejection does not name $ini:$line"
assert_eq "$(weight batch)" 70 "batch weight after the rejected reload"
assert_eq "$(systemctl is-active scxd.service)" active "scxd.service after the rejected reload"
assert_eq "$(cat /sys/kernel/sched_ext/enable_seq)" "$seq0" "enable_seq after the rejected reload"
assert_eq "$(sched_ops)" scxd "root/ops after the rejected reload"
