#!/bin/sh
# Rig selftest: a case and the commands it runs in the foreground see
# SIGINT and SIGQUIT at their default action. (The runner is a foreground
# subshell for this: were it a background job, every process of every
# case would inherit both ignored.) Two things that are not the rig's:
# a case's own background jobs (cmd &) start with SIGINT and SIGQUIT
# ignored, as POSIX wants of a non-interactive shell, so stop them with
# TERM or use a program that sets its own handler (stress-ng does); and
# busybox sh ignores SIGQUIT in itself, and so in what `sh -c` execs.
# selftest-expect: pass
. /tests/lib.sh
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status)
assert_eq "$ign" 0000000000000000 "ignored signals of a command the case runs"
sh -c 'kill -INT $$; sleep 5; exit 0'
assert_eq $? 130 "exit status of a shell that sent itself SIGINT"
