#!/usr/bin/env bash
# The rooms' rules (docs/architecture.md), checked on the built objects:
# lib/ never logs and never touches sd-event, libsystemd or libbpf; scxctl
# carries none of the daemon's code (no allocator, no sysfs topology, no
# loader, manager, control server or methods; role files are lib/'s, since
# scxctl check reads them) and links no library but
# libc, cJSON and inih.
# Prints "ok NAME" / "FAIL NAME: why" and ends with "unit: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/unit/check.sh
none() { # PATTERN: stdin has no line matching PATTERN (printing any that do)
	! grep -E "$1"
}
only() { # PATTERN: every line of stdin matches PATTERN (printing any that do not)
	! grep -Ev "$1"
}

lib_undef=$(nm -u build/lib/*.o | awk 'NF == 2 {print $2}' | sort -u)
check lib_objects_call_no_logging_sd_event_or_libbpf \
	"lib/ calls the daemon's log, libsystemd or libbpf" \
	none '^(log_internal|log_set|log_get|log_libbpf|sd_|bpf_|libbpf_)' <<<"$lib_undef"

ctl_defined=$(nm ctl/scxctl | awk 'NF == 3 && $2 ~ /[TtDdBbRr]/ {print $3}')
check scxctl_has_no_daemon_code "scxctl carries code of daemon/" \
	none '^(alloc_|topology_read|loader_|manager_|control_|method_|targets_|saved_|tunables_|log_internal|log_set)' \
	<<<"$ctl_defined"

ctl_needed=$(readelf -d ctl/scxctl | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
check scxctl_links_only_libc_cjson_and_inih "scxctl links another library" \
	only '^(libc\.so|libcjson\.so|libinih\.so)' <<<"$ctl_needed"

# A library linked is a library used: scxd needs libbpf (the scheduler),
# libsystemd (event loop, notify, journal), cJSON (the protocol) and inih
# (the configuration); nothing else may be recorded as needed.
scxd_needed=$(readelf -d daemon/scxd | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
check scxd_links_only_what_it_uses "scxd links another library" \
	only '^(libc\.so|libbpf\.so|libsystemd\.so|libcjson\.so|libinih\.so)' \
	<<<"$scxd_needed"

finish
