#!/bin/sh
# `scxctl save` onto a full or read-only state directory fails with the
# reason, leaves the saved file as it was and no temporary beside it, and
# changes nothing that runs; once there is room again, save works.
# timeout: 120
# suite: once (files, not the scheduler)
. /tests/lib.sh

st=/tmp/st84
mkdir -p $st
mount -t tmpfs -o size=64k tmpfs $st || fail "cannot mount a small tmpfs"
weight() { scxctl --json status | jsonget "layers[name=$1].weight"; }
done84() {
	stop_scxd >/dev/null 2>&1
	umount $st 2>/dev/null
}

start_scxd --config /usr/lib/scxd/roles/desktop.ini --state-dir $st
scxctl set-layer batch --weight 77 || fail "set-layer exited $?"
scxctl save || fail "save exited $?"
cp $st/saved.ini /tmp/saved84.ref
grep -q '^weight = 77$' /tmp/saved84.ref || fail "weight 77 not saved"
scxctl set-layer batch --weight 88 || fail "set-layer exited $?"

# Full: the temporary file cannot be written whole.
dd if=/dev/zero of=$st/fill bs=1k count=200 2>/dev/null
df -k $st | tail -n 1
err=$(scxctl save 2>&1) && fail "save onto a full file system succeeded"
echo "save: $err"
case "$err" in *"No space left on device"*) ;; *) fail "save did not say why: $err" ;; esac
cmp -s $st/saved.ini /tmp/saved84.ref || fail "the saved file changed on a full disk"
[ ! -e $st/saved.ini.tmp ] || fail "a temporary file was left behind"
assert_eq "$(weight batch)" 88 "running weight after the failed save"

# Read-only.
rm $st/fill
mount -o remount,ro $st || fail "cannot remount read-only"
err=$(scxctl save 2>&1) && fail "save onto a read-only file system succeeded"
echo "save: $err"
case "$err" in *"Read-only file system"*) ;; *) fail "save did not say why: $err" ;; esac
cmp -s $st/saved.ini /tmp/saved84.ref || fail "the saved file changed on a read-only disk"

# Room again: save works and holds the running configuration.
mount -o remount,rw $st || fail "cannot remount read-write"
scxctl save || fail "save after the disk came back exited $?"
grep -q '^weight = 88$' $st/saved.ini || fail "weight 88 not saved"
assert_eq "$(scxctl status | head -1 | grep -c 'attached: yes')" 1 "attached after the saves"
done84
