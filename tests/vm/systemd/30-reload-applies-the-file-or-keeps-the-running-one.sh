#!/bin/sh
# `systemctl reload scxd` re-reads the files without detaching (sched_ext's
# enable_seq stays): /etc/scxd/scxd.ini as make install wrote it selects
# role desktop; a change to one of its layers, then another role, then a
# drop-in each apply. A broken drop-in is rejected with its file:line in
# the journal, and the running configuration, the scheduler and the unit
# stay as they were.
. /tests/lib.sh

# weight LAYER: its weight in `scxctl --json status`; role: the role.
weight() {
	scxctl --json status | jsonget "layers[name=$1].weight"
}
role() {
	scxctl --json status | jsonget role
}
# reload_to WHAT CONDITION: reload, wait for CONDITION, keep enable_seq.
reload_to() {
	systemctl reload scxd.service || fail "systemctl reload for $1 exited $?"
	wait_for 10 "$2" || fail "$1: not applied 10 s after reload (role $(role), batch weight $(weight batch))"
	assert_eq "$(cat /sys/kernel/sched_ext/enable_seq)" "$seq0" "enable_seq after reload for $1"
}

ini=/etc/scxd/scxd.ini
grep -q '^role = desktop$' $ini || fail "the installed $ini does not select desktop: $(cat $ini)"
systemctl start scxd.service || fail "systemctl start scxd exited $?"
seq0=$(cat /sys/kernel/sched_ext/enable_seq)
assert_eq "$(role)" desktop "role from the installed $ini"
w0=$(weight batch) || fail "no layer batch in role desktop"
echo "role desktop, batch weight $w0, enable_seq $seq0"
[ "$w0" != 70 ] || fail "role desktop already has weight 70"

# One key of one layer of the role.
printf '\n[layer.batch]\nweight = 70\n' >>$ini
reload_to "weight 70 in $ini" '[ "$(weight batch)" = 70 ]'
journalctl -u scxd.service --no-pager -o cat | grep -q "Reloaded $ini" ||
	fail "no 'Reloaded $ini' in the journal"
line=$(grep -n '^weight = 70$' $ini | cut -d: -f1)
scxctl check --explain | grep -q "^weight = 70 *; $ini:$line\$" ||
	fail "check --explain does not trace weight 70 to $ini:$line: $(scxctl check --explain | grep 'weight = 70')"

# Another role: its layers, with the same change to its batch layer.
sed -i 's/^role = desktop$/role = server/' $ini
reload_to "role server" '[ "$(role)" = server ]'
scxctl --json status | jsonget "layers[name=services].policy" >/dev/null ||
	fail "role server's layer services is not running"
assert_eq "$(weight batch)" 70 "batch weight in role server"

# A drop-in comes after the main file.
mkdir -p $ini.d
printf '[layer.batch]\nweight = 80\n' >$ini.d/50-batch.ini
reload_to "drop-in weight 80" '[ "$(weight batch)" = 80 ]'

# A broken drop-in: rejected, at its own file and line.
printf '; broken on purpose\n[layer.batch]\npolicy = fast\n' >$ini.d/60-broken.ini
systemctl reload scxd.service || fail "systemctl reload exited $?"
wait_for 10 "journalctl -u scxd.service --no-pager -o cat | grep -q 'Reload rejected'" ||
	fail "no 'Reload rejected' in the journal"
msg=$(journalctl -u scxd.service --no-pager -o cat | grep 'Reload rejected')
echo "journal: $msg"
echo "$msg" | grep -q "$ini.d/60-broken.ini:3: unknown policy 'fast'" ||
	fail "the rejection does not name $ini.d/60-broken.ini:3"
assert_eq "$(role)" server "role after the rejected reload"
assert_eq "$(weight batch)" 80 "batch weight after the rejected reload"
assert_eq "$(systemctl is-active scxd.service)" active "scxd.service after the rejected reload"
assert_eq "$(cat /sys/kernel/sched_ext/enable_seq)" "$seq0" "enable_seq after the rejected reload"
assert_eq "$(sched_ops)" scxd "root/ops after the rejected reload"
rm $ini.d/60-broken.ini
