#!/bin/sh
# scxd.service Conflicts= with the other sched_ext loaders' units
# (scx_loader.service, scx.service): starting scxd stops them. Stand-ins
# of those names run here.
. /tests/lib.sh

for u in scx_loader scx; do
	printf '[Service]\nExecStart=/bin/sleep infinity\n' >/etc/systemd/system/$u.service
done
systemctl daemon-reload
systemctl start scx_loader.service scx.service || fail "cannot start the stand-ins"
systemctl start scxd.service || fail "systemctl start scxd exited $?"
assert_eq "$(systemctl is-active scx_loader.service)" inactive "scx_loader.service after scxd started"
assert_eq "$(systemctl is-active scx.service)" inactive "scx.service after scxd started"
assert_eq "$(sched_ops)" scxd "root/ops"
systemctl stop scxd.service
rm -f /etc/systemd/system/scx_loader.service /etc/systemd/system/scx.service
systemctl daemon-reload
