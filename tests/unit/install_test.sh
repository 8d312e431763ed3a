#!/usr/bin/env bash
# make install / uninstall into a DESTDIR, and the units they install:
# systemd-analyze verify finds nothing to say about scxd.service and
# scxd.socket (as installed, with ExecStart pointed at the DESTDIR's
# binary, since verify checks that it exists); systemd-sysusers reads the
# sysusers entry as the scxd group; an scxctl that is not ours (scx-loader
# ships one of that name) is not overwritten unless asked; uninstall
# removes what install wrote and keeps the admin's /etc/scxd.
# Prints "ok NAME" / "FAIL NAME: why" and ends with "unit: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/unit/check.sh

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
unitdir=/lib/systemd/system
inst() { make -s install DESTDIR="$1" PREFIX=/usr UNITDIR=$unitdir "${@:2}" >"$tmp/make.out" 2>&1; }

check install_into_a_destdir_succeeds "make install failed: $(cat "$tmp/make.out" 2>/dev/null)" \
	inst "$root"
for f in usr/sbin/scxd usr/bin/scxctl etc/scxd/scxd.ini usr/lib/scxd/roles/desktop.ini \
	usr/lib/scxd/roles/default.ini usr/lib/scxd/roles/database.ini \
	lib/systemd/system/scxd.service lib/systemd/system/scxd.socket \
	usr/lib/sysusers.d/scxd.conf usr/share/man/man8/scxd.8; do
	check "install_writes_${f//\//_}" "no $f" test -s "$root/$f"
done
check the_admins_role_dir_and_drop_in_dir_start_empty "not empty dirs" \
	test -d "$root/etc/scxd/roles" -a -d "$root/etc/scxd/scxd.ini.d" -a \
	-z "$(ls -A "$root/etc/scxd/roles")$(ls -A "$root/etc/scxd/scxd.ini.d")"
# The new scxd.ini selects the role, and is valid with the installed roles.
check the_installed_scxd_ini_selects_desktop "$(cat "$root/etc/scxd/scxd.ini")" \
	grep -q '^role = desktop$' "$root/etc/scxd/scxd.ini"
checked() {
	ctl/scxctl check "$root/etc/scxd/scxd.ini" --roles-dir "$root/etc/scxd/roles" \
		--roles-dir "$root/usr/lib/scxd/roles" >"$tmp/check.out" 2>&1
}
check the_installed_configuration_checks "$(cat "$tmp/check.out" 2>/dev/null)" checked
for r in default desktop gaming build server database batch; do
	check "scxctl_check_passes_installed_role_$r" "$(ctl/scxctl check "$root/usr/lib/scxd/roles/$r.ini" 2>&1)" \
		eval 'ctl/scxctl check "$root/usr/lib/scxd/roles/$r.ini" >/dev/null'
done
check role_picks_what_a_new_scxd_ini_selects "$(cat "$tmp/make.out" 2>/dev/null)" \
	eval 'inst "$tmp/r2" ROLE=server && grep -q "^role = server$" "$tmp/r2/etc/scxd/scxd.ini"'
check an_unknown_role_is_refused "installed anyway" eval '! inst "$tmp/r3" ROLE=nosuch'
check the_unit_runs_the_installed_binary "ExecStart is not /usr/sbin/scxd" \
	grep -q '^ExecStart=/usr/sbin/scxd --config /etc/scxd/scxd.ini$' "$root$unitdir/scxd.service"

mkdir -p "$tmp/verify"
sed "s|=/usr/sbin/scxd|=$root/usr/sbin/scxd|" "$root$unitdir/scxd.service" >"$tmp/verify/scxd.service"
cp "$root$unitdir/scxd.socket" "$tmp/verify/"
verified() {
	systemd-analyze verify --man=no "$tmp/verify/scxd.service" "$tmp/verify/scxd.socket" \
		>"$tmp/verify.out" 2>&1 && [ ! -s "$tmp/verify.out" ]
}
check systemd_analyze_verify_is_clean "$(cat "$tmp/verify.out" 2>/dev/null)" verified
# The check itself: a misspelt value is what verify reports.
sed -i 's/^Restart=on-failure/Restart=on-failur/' "$tmp/verify/scxd.service"
check systemd_analyze_verify_would_see_a_bad_line "verify said nothing of Restart=on-failur" \
	eval '! verified'

sysusers() {
	systemd-sysusers --dry-run --root="$root" >"$tmp/sysusers.out" 2>&1 &&
		grep -q "Creating group 'scxd'" "$tmp/sysusers.out"
}
check sysusers_creates_the_scxd_group "$(cat "$tmp/sysusers.out" 2>/dev/null)" sysusers

# Someone else's scxctl is kept; ours (or an explicit overwrite) is replaced.
other=$tmp/other
mkdir -p "$other/usr/bin"
printf '#!/bin/sh\necho "scxctl (scx_loader) 1.0.0"\n' >"$other/usr/bin/scxctl"
chmod +x "$other/usr/bin/scxctl"
check install_refuses_to_overwrite_another_scxctl "install overwrote it" eval '! inst "$other"'
check the_refusal_says_why "no reason given: $(cat "$tmp/make.out")" \
	grep -q "is another program's" "$tmp/make.out"
check the_other_scxctl_is_intact "it changed" grep -q scx_loader "$other/usr/bin/scxctl"
check scxctl_overwrite_1_replaces_it "$(cat "$tmp/make.out" 2>/dev/null)" inst "$other" SCXCTL_OVERWRITE=1
check install_over_our_own_scxctl_succeeds "$(cat "$tmp/make.out" 2>/dev/null)" inst "$root"

uninst() { make -s uninstall DESTDIR="$root" PREFIX=/usr UNITDIR=$unitdir >"$tmp/make.out" 2>&1; }
check uninstall_succeeds "$(cat "$tmp/make.out" 2>/dev/null)" uninst
left=$(cd "$root" && find . -type f | LC_ALL=C sort | tr '\n' ' ')
check uninstall_keeps_only_the_admins_config "left: $left" \
	test "$left" = "./etc/scxd/scxd.ini "
check uninstall_removes_the_vendor_roles "left: $(ls -A "$root/usr/lib/scxd" 2>&1)" \
	test ! -e "$root/usr/lib/scxd"

finish
