#!/usr/bin/env bash
# make soak: the soak case (tests/soak/99-soak.sh) in the VM for
# SOAK_MINUTES (default 30) on the first kernel of SCXD_TEST_KERNELS
# (default 7.3). Its "soak:" lines go to build/soak/result.txt, which
# docs/reliability.md quotes. Exit non-zero if it failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
minutes=${SOAK_MINUTES:-30}
# At least 2: the daemon's baseline is taken after the first minute.
[[ $minutes =~ ^[1-9][0-9]*$ ]] && [ "$minutes" -ge 2 ] ||
	{ echo "soak: SOAK_MINUTES wants whole minutes, 2 or more, not '$minutes'" >&2; exit 2; }
k=${SCXD_TEST_KERNELS:-7.3}
k=${k%% *}
dir=build/soak/cases
rm -rf "$dir" && mkdir -p "$dir"
# The case's timeout: the soak, its start and its end.
sed "s/@TIMEOUT@/$((minutes * 60 + 600))/" tests/soak/99-soak.sh >"$dir/99-soak.sh"
echo "MINUTES=$minutes" >"$dir/soak.conf"
# The case's own output: the rig keeps it in its log, not in run.log.
log=${SCXD_VM_OUT:-build/vm}/cases/99-soak.log
rm -f "$log"
set +e
tests/vm/run.sh --kernel "$k" --cases "$dir" 99-soak 2>&1 | tee build/soak/run.log
rc=${PIPESTATUS[0]}
set -e
{
	echo "# make soak, $(date -u +%F), kernel $k, $minutes min, $(git describe --always --dirty)"
	sed -n 's/^.*\(soak: .*\)$/\1/p' "$log"
} >build/soak/result.txt
cat build/soak/result.txt
exit "$rc"
