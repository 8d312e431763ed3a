#!/usr/bin/env bash
# Install every build and test dependency of scxd from Debian's packages,
# then fetch the VM kernel. Idempotent: on a ready machine it checks and
# returns in seconds without touching apt.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/lib.sh

[ "$(id -u)" = 0 ] || { echo "deps: run as root (sudo make deps)" >&2; exit 1; }

# Packages from the release itself.
base_pkgs=(clang-19 llvm-19 libclang-rt-19-dev libsystemd-dev libcjson-dev libinih-dev
	libelf-dev zlib1g-dev pkg-config make gcc busybox-static
	cpio zstd rt-tests stress-ng gnupg ca-certificates binutils gnuplot-nox mmdebstrap)
# Packages that must be new enough; on bookworm they come from backports:
# libbpf 1.1 is too old for sched_ext, and QEMU 7.2's multi-threaded TCG
# oopses the guest (int3 from static-key patching at a sched_ext enable)
# often enough to lose benchmark boots; QEMU 10 runs the 2-vCPU bench
# shape clean (it still oopses 8 vCPUs on multi-threaded TCG, so the
# functional suite stays single-threaded).
bpf_pkgs=(libbpf-dev bpftool qemu-system-x86)
min_libbpf=1.4
min_qemu=1:10

. /etc/os-release
codename=${VERSION_CODENAME:-}

have_all() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
	done
}
libbpf_ok() {
	local v
	v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null) || return 1
	dpkg --compare-versions "${v#*:}" ge "$min_libbpf"
}
qemu_ok() {
	local v
	v=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null) || return 1
	dpkg --compare-versions "$v" ge "$min_qemu"
}

if have_all "${base_pkgs[@]}" "${bpf_pkgs[@]}" && libbpf_ok && qemu_ok; then
	echo "deps: packages present"
else
	updated=0
	bpo=()
	if [ "$codename" = bookworm ]; then
		# libbpf 1.1 in bookworm is too old for sched_ext; backports has 1.4.
		src=/etc/apt/sources.list.d/debian-backports.sources
		if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
			uri=$(debian_uri)
			cat >"$src" <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
			echo "deps: enabled bookworm-backports in $src"
		fi
		bpo=(-t bookworm-backports)
	fi
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${base_pkgs[@]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${bpo[@]}" "${bpf_pkgs[@]}"
	libbpf_ok || { echo "deps: libbpf-dev >= $min_libbpf not available" >&2; exit 1; }
	qemu_ok || { echo "deps: qemu-system-x86 >= ${min_qemu#*:} not available" >&2; exit 1; }
fi

# The suite runs on two sched_ext kernels: trixie-backports' 7.3 and sid's 7.2.
tools/vm-kernel.sh 7.3
tools/vm-kernel.sh 7.2
# A root filesystem with systemd as PID 1, for the service's tests.
tools/vm-rootfs.sh
