# Sourced by the selftest cases that attach rigsched.bpf.c.
. /tests/lib.sh

# rigsched_load ok|error|stall: attach that build, pinned (it stays
# attached after bpftool exits, until the pin is removed).
rigsched_load() {
	assert_eq "$(sched_state)" disabled "sched_ext state before loading"
	bpftool struct_ops register "/tests/selftest/rigsched-$1.bpf.o" /sys/fs/bpf/rigsched >/dev/null ||
		fail "bpftool could not attach rigsched-$1"
	wait_state enabled
	assert_eq "$(sched_ops)" rigsched "attached scheduler"
}

# rigsched_victim: start a task the error and stall builds pick on.
rigsched_victim() {
	printf '#!/bin/sh\nsleep 0.2\n' >/tmp/rigvictim
	chmod +x /tmp/rigvictim
	/tmp/rigvictim &
}
