#!/usr/bin/env bash
# Fetch a Debian kernel that has sched_ext, for the VM test rig.
#
#   tools/vm-kernel.sh [NAME]   NAME is a key of the table below (default 7.3)
#
# The package is downloaded with apt's own signature checks through a
# private apt configuration, so the kernel's suite is never added to the
# host's sources. The result lands in $(scxd_cache)/kernel/NAME/:
#   vmlinuz  the bootable image      config   its .config
#   vmlinux  the ELF inside vmlinuz (BTF source for vmlinux.h)
# and the kernel's CONFIG_SCHED_CLASS_EXT=y is verified before it is used.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

name=${1:-7.3}
# NAME -> suite and pinned ABI. When the pinned ABI has left the archive
# the suite's linux-image-cloud-amd64 metapackage names its successor.
case "$name" in
7.3) suite=trixie-backports abi=7.3.4+deb13-cloud-amd64 ;;
7.2) suite=sid abi=7.2.13+deb14-cloud-amd64 ;;
*) echo "vm-kernel: unknown kernel '$name' (known: 7.3 7.2)" >&2; exit 2 ;;
esac

cache=$(scxd_cache)
out=$cache/kernel/$name
if [ -f "$out/ok" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/vmlinux" ]; then
	echo "vm-kernel: $name ready ($(cat "$out/ok"))"
	exit 0
fi

apt_dir=$cache/apt
mkdir -p "$apt_dir"/lists/partial "$apt_dir"/cache/archives/partial "$apt_dir"/state
: >"$apt_dir/state/status"
uri=$(debian_uri)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb [signed-by=$keyring] $uri $suite main" >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=-"
	-o "Dir::State::Lists=$apt_dir/lists/$suite" -o "Dir::Cache=$apt_dir/cache"
	-o "Dir::State::status=$apt_dir/state/status" -o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=root" -o "APT::Architecture=amd64" -o "APT::Architectures=amd64")
mkdir -p "$apt_dir/lists/$suite/partial"
apt-get -q "${apt_opts[@]}" update >/dev/null

available() { apt-cache "${apt_opts[@]}" show "$1" >/dev/null 2>&1; }
if ! available "linux-binary-$abi"; then
	old=$abi
	abi=$(apt-cache "${apt_opts[@]}" depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([^ ]*-cloud-amd64\)$/\1/p' | head -n1)
	[ -n "$abi" ] && available "linux-binary-$abi" ||
		{ echo "vm-kernel: linux-binary-$old is gone from $suite and no successor found" >&2; exit 1; }
	echo "vm-kernel: pinned $old has left $suite; using $abi (update tools/vm-kernel.sh)"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && chmod 755 . && apt-get -q "${apt_opts[@]}" download "linux-binary-$abi" "linux-base-$abi" >/dev/null)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done

vmlinuz=$(find "$work/root" -name vmlinuz -o -name "vmlinuz-*" | head -n1)
config=$(find "$work/root" -name config -path "*/modules/*" -o -name "config-*" -path "*/boot/*" | head -n1)
[ -n "$vmlinuz" ] || { echo "vm-kernel: no vmlinuz in linux-binary-$abi" >&2; exit 1; }
[ -n "$config" ] || { echo "vm-kernel: no kernel config in linux-base-$abi" >&2; exit 1; }
for opt in CONFIG_SCHED_CLASS_EXT=y CONFIG_DEBUG_INFO_BTF=y CONFIG_BPF_SYSCALL=y; do
	grep -qx "$opt" "$config" || { echo "vm-kernel: $abi lacks $opt" >&2; exit 1; }
done

# The bzImage carries the ELF vmlinux as one zstd frame; find its magic
# and decompress from there (trailing bytes after the frame are ignored).
off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$vmlinuz" | head -n1 | cut -d: -f1)
[ -n "$off" ] || { echo "vm-kernel: no zstd payload in $vmlinuz" >&2; exit 1; }
tail -c +$((off + 1)) "$vmlinuz" | zstd -dcq 2>/dev/null >"$work/vmlinux" || true
head -c 4 "$work/vmlinux" | grep -q 'ELF' || { echo "vm-kernel: could not extract vmlinux" >&2; exit 1; }

rm -rf "$out" && mkdir -p "$out"
cp "$vmlinuz" "$out/vmlinuz"
cp "$config" "$out/config"
mv "$work/vmlinux" "$out/vmlinux"
echo "$abi" >"$out/ok"
echo "vm-kernel: $name = $abi in $out"
