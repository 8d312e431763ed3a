#!/bin/sh
# The guest side of `make demo` (tests/vm/run.sh --bench --demo): start
# scxd with the desktop role (or its built-in configuration), give it a
# small mixed workload, show where its tasks went, compare scxd with EEVDF
# on it (a short `scxctl compare`), stop. The host prints this output as
# it comes. Under emulation only the ratios mean something.
. /tests/lib.sh

if [ ! -x "$SCXD_BIN" ]; then
	echo "demo: scxd is not built, so there is nothing to show: run make, then make demo"
	exit 1
fi
if [ ! -x "$SCXCTL_BIN" ]; then
	echo "demo: scxctl is not built: run make, then make demo"
	exit 1
fi

cfg=/usr/lib/scxd/roles/desktop.ini
if [ -f $cfg ]; then
	echo "== starting scxd --config $cfg"
	start_scxd --config $cfg
else
	echo "== starting scxd with its built-in configuration (no $cfg)"
	start_scxd
fi
echo "   attached: $(sched_ops), state $(sched_state), pid $SCXD_PID"

mkdir -p /tmp/demo
# Something that looks like a desktop's audio server: short bursts of work.
printf '#!/bin/sh\nwhile :; do i=0; while [ $i -lt 300 ]; do i=$((i + 1)); done; sleep 0.02; done\n' >/tmp/demo/pipewire
chmod +x /tmp/demo/pipewire

echo "== workload: 4 niced stress-ng CPU hogs in /demo-batch (a build), a"
echo "   'pipewire' loop and a cyclictest probe in the user's session"
hogs=$(run_in_cgroup demo-batch nice -n 10 stress-ng --cpu 4 --timeout 60s --quiet)
audio=$(run_in_cgroup user.slice/session-1.scope /tmp/demo/pipewire)
probe=$(run_in_cgroup user.slice/session-1.scope cyclictest -q -D 60 -i 1000 -t 1)

sleep 3
echo "== scxctl layers: where the tasks went"
scxctl layers || echo "   scxctl layers exited $?"

echo
echo "== scxctl compare --duration 4 --rounds 1: the same workload under the"
echo "   kernel's EEVDF and under scxd, measured per layer by one instrument"
scxctl compare --duration 4 --rounds 1 2>&1 || echo "   scxctl compare exited $?"
echo
echo "   (P99_RATIO below 1: scxd wakes that layer's tasks sooner than EEVDF;"
echo "   CPU_RATIO above 1: it gives the layer more CPU. Absolute times come"
echo "   from an emulator and only compare with each other.)"

kill "$hogs" "$audio" "$probe" 2>/dev/null
echo "== stopping scxd"
rc=0
stop_scxd || rc=$?
echo "   scxd exited with code $rc; sched_ext is now $(sched_state)"
exit $rc
