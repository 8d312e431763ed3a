#!/bin/sh
# The guest side of `make demo` (tests/vm/run.sh --demo): start scxd with
# the desktop role (or its built-in configuration), give it a small mixed
# workload, show `scxctl status`, stop it. The host prints this output as
# it comes. Latency figures under emulation are only indicative.
. /tests/lib.sh

if [ ! -x "$SCXD_BIN" ]; then
	echo "demo: scxd is not built, so there is nothing to show: run make, then make demo"
	exit 1
fi
if [ ! -x "$SCXCTL_BIN" ]; then
	echo "demo: scxctl is not built: run make, then make demo"
	exit 1
fi

cfg=/etc/scxd/roles/desktop.ini
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

echo "== workload: 4 niced stress-ng CPU hogs in /demo-batch, a 'pipewire' loop"
echo "   and a cyclictest probe in /user.slice, a plain shell loop"
hogs=$(run_in_cgroup demo-batch nice -n 10 stress-ng --cpu 4 --timeout 30s --quiet)
audio=$(run_in_cgroup user.slice/session-1.scope /tmp/demo/pipewire)
probe=$(BG_LOG=/tmp/demo/probe.log run_in_cgroup user.slice/session-1.scope cyclictest -q -D 8 -i 1000 -t 1)
(while :; do /bin/true; done) &
loop=$!

sleep 5
echo "== scxctl status (5 s into the workload)"
scxctl status || echo "   scxctl status exited $?"

wait_for 20 '! kill -0 '"$probe"' 2>/dev/null' || kill "$probe" 2>/dev/null
echo "== cyclictest probe (SCHED_OTHER, 1 ms period, 8 s; in user.slice):"
sed 's/^/   /' /tmp/demo/probe.log

kill "$hogs" "$audio" "$loop" 2>/dev/null
wait "$loop" 2>/dev/null
echo "== stopping scxd"
rc=0
stop_scxd || rc=$?
echo "   scxd exited with code $rc; sched_ext is now $(sched_state)"
tail -n 5 "$SCXD_LOG" | sed 's/^/   log: /'
exit $rc
