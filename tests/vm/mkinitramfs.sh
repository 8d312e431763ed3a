#!/usr/bin/env bash
# Build the initramfs the VM test rig boots: a busybox userland, the rig's
# /init, the scxd binaries (when built), the workload tools with their
# shared libraries, the VM tests and the role configs.
#
#   tests/vm/mkinitramfs.sh OUT.cpio
#
# OUT is a plain newc archive: under TCG the guest unpacks it faster than
# it would decompress a gzip one, and QEMU loads a few MB in no time (see
# tests/vm/README.md for the figures). The same inputs give the same bytes
# (sorted entries, mtime 0, owner root), so an unchanged tree can be
# compared with cmp.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT.cpio" >&2; exit 2; }
out=$(realpath -m "$1")
umask 022
cd "$(dirname "$0")/../.."

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib64,etc/scxd/roles,usr/lib/scxd/roles,proc,sys,dev,run,tmp,root,home/tester,tests/cases,tests/selftest}
chmod 1777 "$stage/tmp"

# The guest has no package manager and no ldconfig cache: each library
# goes where ldd found it, which is on the loader's built-in search path.
add_libs() {
	local bin=$1 line lib
	while read -r line; do
		case "$line" in
		*"not found"*) echo "mkinitramfs: $bin: $line" >&2; return 1 ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		/*) lib=${line%% (*} ;;
		*) continue ;; # linux-vdso.so.1 and statically linked
		esac
		[ -e "$stage$lib" ] || install -D -m 0755 "$(realpath "$lib")" "$stage$lib"
	done < <(ldd "$bin" 2>/dev/null || true)
}
add_bin() {
	local src=$1 dst=$2
	install -D -m 0755 "$src" "$stage$dst"
	add_libs "$src"
}

bb=$(command -v busybox) || { echo "mkinitramfs: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$bb" >/dev/null 2>&1; then
	echo "mkinitramfs: $bb is dynamically linked; install busybox-static" >&2
	exit 1
fi
install -m 0755 "$bb" "$stage/bin/busybox"
while read -r applet; do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done < <("$bb" --list-full)

for tool in stress-ng cyclictest hackbench; do
	src=$(command -v "$tool") || { echo "mkinitramfs: $tool not found (make deps)" >&2; exit 1; }
	add_bin "$src" "/usr/bin/$tool"
done
# Optional: busybox has no nice or chrt, and bpftool shows what is
# attached (struct_ops, programs, maps); taken when the host has them.
for tool in nice chrt bpftool; do
	if src=$(PATH=$PATH:/usr/sbin:/sbin command -v "$tool"); then add_bin "$src" "/usr/bin/$tool"; fi
done

# The daemon and its CLI are optional: the rig must run before they exist.
for bin in daemon/scxd ctl/scxctl build/tools/ctlclient build/tools/churn build/tools/jsonget build/tools/promcheck build/tools/frameloop build/tools/wakebench; do
	if [ -x "$bin" ]; then add_bin "$bin" "/usr/bin/${bin##*/}"; fi
done
# The sanitized build (case 83), when made.
for bin in build/san/scxd build/san/scxctl; do
	if [ -x "$bin" ]; then add_bin "$bin" "/usr/bin/${bin##*/}-san"; fi
done

install -m 0755 tests/vm/init "$stage/init"
install -m 0644 tests/vm/lib.sh "$stage/tests/lib.sh"
if [ -f tests/vm/demo.sh ]; then install -m 0755 tests/vm/demo.sh "$stage/tests/demo.sh"; fi
# Cases are the NN-*.sh files; anything else beside them (helpers, data)
# is for the cases to use.
for dir in cases selftest; do
	for f in tests/vm/"$dir"/*; do
		if [ -f "$f" ]; then install -m 0755 "$f" "$stage/tests/$dir/"; fi
	done
done
for f in config/roles/*.ini; do
	if [ -e "$f" ]; then install -m 0644 "$f" "$stage/usr/lib/scxd/roles/"; fi
done

# Tests need a privileged group (the control socket's) and a user outside it.
cat >"$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$stage/etc/group" <<'EOF'
root:x:0:
scxd:x:990:
tester:x:1000:
nogroup:x:65534:
EOF

# A device node cannot be made without root, so /dev/console is written
# as a hand-made newc entry in a first archive; the kernel reads the
# concatenation. Without it the kernel starts /init with no stdio.
newc() { # NAME MODE RDEVMAJOR RDEVMINOR
	local name=$1 mode=$2 major=$3 minor=$4 hdr
	hdr=$(printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		0 "$mode" 0 0 1 0 0 0 0 "$major" "$minor" $((${#name} + 1)) 0)
	printf '%s%s\0' "$hdr" "$name"
	# header (110 bytes) + name + NUL is padded to a multiple of 4
	local pad=$(((4 - (110 + ${#name} + 1) % 4) % 4))
	head -c "$pad" /dev/zero
}
tmp=$out.tmp
{
	newc dev $((0040755)) 0 0
	newc dev/console $((0020600)) 5 1
	newc 'TRAILER!!!' 0 0 0
} >"$tmp"

find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) >>"$tmp"
mv "$tmp" "$out"
