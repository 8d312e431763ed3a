#!/bin/sh
# A CPU with nothing of its own LLC to run takes a task queued on the
# other LLC at once when that task's cache is cold (it has not run for
# steal_ns: a woken worker that slept), instead of going idle beside it
# until the task has waited steal_ns (scxd_may_steal(), unit-tested on
# the host). wakebench, message threads handing 2 ms requests to twice
# as many workers as CPUs, leaves woken workers queued on one LLC while
# a CPU of the other runs out of work. Asserted on counters, not on
# time: with the default steal_ns the layer's tasks are taken across
# LLCs (STEAL; 659 in one run), and with steal_ns=1s, where a task is
# cold only after a second without running, at most a tenth as many
# (1 in that run).
# timeout: 120
. /tests/lib.sh

write_config /tmp/steal.ini <<'INI'
[layer.work]
policy = throughput
match = comm=wakebench
INI

# measure TAG [SCXD ARGS...]: wakebench under scxd; sets steals.
measure() {
	_tag=$1
	shift
	start_scxd --config /tmp/steal.ini "$@"
	wakebench 4 4 2000 6 || fail "wakebench exited $?"
	steals=$(scxctl --json status | jsonget 'layers[name=work].counters.steals') ||
		fail "no steals counter in status"
	scxctl stats
	echo "$_tag: $steals tasks taken from the other LLC"
	stop_scxd || fail "scxd exited $?"
}

measure default
[ "$steals" -ge 20 ] || fail "only $steals tasks taken across LLCs with the default steal_ns"
cold=$steals
measure warm --tune steal_ns=1s
[ $((steals * 10)) -le "$cold" ] ||
	fail "steal_ns=1s still took $steals tasks across LLCs (default: $cold)"
