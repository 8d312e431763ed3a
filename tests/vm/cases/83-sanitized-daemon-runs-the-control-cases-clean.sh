#!/bin/sh
# The control cases (70-73: runtime changes, run/move/pin, stop/start,
# roles and check, many and stalled clients) again, and the hostile
# clients' probes (`ctlclient hostile`, as in case 85), against scxd and
# scxctl built with AddressSanitizer and UndefinedBehaviorSanitizer
# (build/san/, as `make SANITIZE=1` builds them). Each must pass as with
# the plain build, and no sanitizer may report anything: a memory error,
# a leak at exit or undefined behaviour writes a report under /tmp/san/,
# which fails this case.
# timeout: 900
# suite: once (the sanitizers check the daemon's code, not the kernel's)
. /tests/lib.sh

[ -x /usr/bin/scxd-san ] && [ -x /usr/bin/scxctl-san ] ||
	fail "no sanitized build in the initramfs (make test builds build/san/scxd)"
rm -rf /tmp/san && mkdir -p /tmp/san
# The runtime is really there: it answers for its flags.
ASAN_OPTIONS=help=1 /usr/bin/scxd-san --version 2>&1 | grep -q 'AddressSanitizer' ||
	fail "scxd-san has no AddressSanitizer runtime"

# Sanitized and emulated, a change that re-classifies every task (add- or
# remove-layer) takes longer than scxctl's default 5 s timeout: the cases'
# clients wait up to 60 s (one that sets its own timeout keeps it).
printf '#!/bin/sh\nexec /usr/bin/scxctl-san --timeout 60000 "$@"\n' >/tmp/scxctl-san
chmod +x /tmp/scxctl-san
export ASAN_OPTIONS=log_path=/tmp/san/asan:detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=log_path=/tmp/san/ubsan:print_stacktrace=1:halt_on_error=1
for c in /tests/cases/70-*.sh /tests/cases/71-*.sh /tests/cases/72-*.sh /tests/cases/73-*.sh; do
	name=${c##*/}
	echo "== ${name%.sh}"
	mkdir -p "$CASE_TMP/${name%.sh}"
	(cd "$CASE_TMP/${name%.sh}" && SCXD_BIN=/usr/bin/scxd-san SCXCTL_BIN=/tmp/scxctl-san \
		CASE_NAME=${name%.sh} CASE_TMP="$CASE_TMP/${name%.sh}" sh "$c") ||
		fail "${name%.sh} failed against the sanitized build"
done
echo "== hostile clients"
SCXD_BIN=/usr/bin/scxd-san SCXCTL_BIN=/tmp/scxctl-san
start_scxd --config /usr/lib/scxd/roles/desktop.ini --state-dir /tmp/st83
ctlclient hostile "$SCXD_SOCK" >/tmp/hostile83.out || {
	cat /tmp/hostile83.out
	fail "a hostile probe was not answered as it should be"
}
tail -n 1 /tmp/hostile83.out
stop_scxd || fail "scxd-san exited $? after the hostile probes"
reports=$(ls /tmp/san)
if [ -n "$reports" ]; then
	for r in /tmp/san/*; do
		echo "--- $r"
		head -n 60 "$r"
	done
	fail "sanitizer reports: $reports"
fi
echo "no sanitizer report from 4 control cases and the hostile probes"
