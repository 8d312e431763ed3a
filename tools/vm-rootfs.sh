#!/usr/bin/env bash
# Build the root filesystem the VM rig boots with systemd as PID 1, for
# the tests of scxd as a systemd service (tests/vm/run.sh --systemd):
# Debian bookworm's own packages (systemd 252, the host's release), made
# by mmdebstrap, packed as a newc cpio that the kernel unpacks as its
# rootfs, with /init pointing at systemd.
#
#   tools/vm-rootfs.sh
#
# The result lands in $(scxd_cache)/rootfs/: rootfs.cpio, rootfs.list
# (every path in it, so that the rig adds only the libraries it lacks)
# and ok (the package list it was made from: a different list builds it
# again). About 150 MB and a minute; scxd itself is not in it: the rig
# lays `make install DESTDIR=...` over it at each run.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

suite=bookworm
# systemd as PID 1 and what the cases use; udev and dbus are not needed
# (systemctl talks to PID 1 over its private socket).
pkgs=systemd,systemd-sysv,procps,kmod,util-linux,psmisc
stamp="$suite $pkgs v1"

out=$(scxd_cache)/rootfs
if [ -s "$out/rootfs.cpio" ] && [ "$(cat "$out/ok" 2>/dev/null)" = "$stamp" ]; then
	echo "vm-rootfs: ready ($stamp)"
	exit 0
fi
command -v mmdebstrap >/dev/null || { echo "vm-rootfs: mmdebstrap not found (make deps)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "vm-rootfs: run as root (sudo make deps)" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
uri=$(debian_uri)
echo "vm-rootfs: building a $suite root filesystem with $pkgs from $uri"
mmdebstrap --quiet --variant=minbase --include="$pkgs" \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
	"$suite" "$work/root.tar" "$uri"
mkdir "$work/root"
tar -C "$work/root" -xf "$work/root.tar"
rm -f "$work/root.tar"
# The kernel runs /init of an initramfs; the apt lists are dead weight.
ln -sf /lib/systemd/systemd "$work/root/init"
rm -rf "$work/root"/var/lib/apt/lists/* "$work/root"/var/cache/apt/*
(cd "$work/root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) >"$work/rootfs.list"
(cd "$work/root" && cpio --quiet -o -H newc -R 0:0 <"$work/rootfs.list") >"$work/rootfs.cpio"
mv "$work/rootfs.list" "$work/rootfs.cpio" "$out/"
echo "$stamp" >"$out/ok"
echo "vm-rootfs: $out/rootfs.cpio ($(du -h "$out/rootfs.cpio" | cut -f1))"
