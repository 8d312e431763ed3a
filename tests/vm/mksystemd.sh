#!/usr/bin/env bash
# Build what the systemd rig lays over the root filesystem of
# tools/vm-rootfs.sh (systemd as PID 1): scxd as `make install` installs
# it (PREFIX=/usr, DESTDIR=the archive), the libraries it needs that the
# root filesystem lacks (libbpf from backports, cJSON, inih, ...), the
# cases' tools, the rig (tests/vm/init --systemd as rig.service) and the
# cases of tests/vm/systemd/.
#
#   tests/vm/mksystemd.sh ROOTFS.list OUT.cpio
#
# ROOTFS.list names every path of the root filesystem (tools/vm-rootfs.sh
# writes it beside rootfs.cpio).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 ROOTFS.list OUT.cpio" >&2; exit 2; }
list=$(realpath -e "$1")
out=$(realpath -m "$2")
umask 022
cd "$(dirname "$0")/../.."

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

# /usr/lib: the root filesystem's /lib is a symlink to it (merged /usr),
# which a directory of that name in this archive would not follow.
make -s install DESTDIR="$stage" PREFIX=/usr UNITDIR=/usr/lib/systemd/system >/dev/null

# A library goes where ldd found it on the host, unless the root
# filesystem has it already (/lib is /usr/lib there: merged /usr).
add_libs() {
	local bin=$1 line lib rel
	while read -r line; do
		case "$line" in
		*"not found"*) echo "mksystemd: $bin: $line" >&2; return 1 ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) continue ;;
		esac
		rel=${lib#/}
		rel=${rel#usr/}
		grep -qxF -e "$rel" -e "usr/$rel" "$list" && continue
		[ -e "$stage/usr/$rel" ] || install -D -m 0755 "$(realpath "$lib")" "$stage/usr/$rel"
	done < <(ldd "$bin" 2>/dev/null || true)
}
for bin in "$stage/usr/sbin/scxd" "$stage/usr/bin/scxctl"; do add_libs "$bin"; done
for bin in build/tools/ctlclient build/tools/jsonget build/tools/promcheck; do
	install -D -m 0755 "$bin" "$stage/usr/bin/${bin##*/}"
	add_libs "$bin"
done

install -D -m 0755 tests/vm/init "$stage/tests/init"
install -m 0644 tests/vm/lib.sh "$stage/tests/lib.sh"
mkdir -p "$stage/tests/cases"
for f in tests/vm/systemd/*; do
	if [ -f "$f" ]; then install -m 0755 "$f" "$stage/tests/cases/"; fi
done

# The rig is a service of the default target; no login prompts.
mkdir -p "$stage/etc/systemd/system/multi-user.target.wants"
cat >"$stage/etc/systemd/system/rig.service" <<'UNIT'
[Unit]
Description=scxd VM test rig (tests/vm/init --systemd)
After=basic.target

[Service]
Type=simple
ExecStart=/tests/init --systemd
StandardOutput=journal
UNIT
ln -s ../rig.service "$stage/etc/systemd/system/multi-user.target.wants/rig.service"
for u in getty@tty1 getty@tty2 getty@tty3 getty@tty4 getty-static serial-getty@ttyS0 \
	serial-getty@ttyS1 systemd-timesyncd apt-daily apt-daily-upgrade e2scrub_all fstrim \
	dpkg-db-backup man-db; do
	for t in service timer; do ln -sf /dev/null "$stage/etc/systemd/system/$u.$t"; done
done
echo scxd-vm >"$stage/etc/hostname"

find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >"$out.tmp"
mv "$out.tmp" "$out"
