/* SPDX-License-Identifier: GPL-2.0 */
/*
 * defaults.h - the names scxd is known by on a machine, defined once:
 * its release, where it listens, where its files are. The daemon, scxctl,
 * the man pages and the unit file all mean these.
 */
#ifndef SCXD_DEFAULTS_H
#define SCXD_DEFAULTS_H

/* The release; the build may override it with -DSCXD_VERSION=... */
#ifndef SCXD_VERSION
#define SCXD_VERSION		"0.5.0"
#endif

#define SCXD_SOCKET_PATH	"/run/scxd/control.sock"
#define SCXD_CONFIG_PATH	"/etc/scxd/scxd.ini"
#define SCXD_STATE_DIR		"/var/lib/scxd"		/* scxctl save writes here */
/* Role files, NAME.ini: where the first that has NAME.ini wins. The
 * admin's first, then the vendor's (make install: $(PREFIX)/lib/scxd/roles). */
#define SCXD_ROLES_DIR		"/etc/scxd/roles"
#define SCXD_ROLE_DIRS		SCXD_ROLES_DIR, "/usr/local/lib/scxd/roles", "/usr/lib/scxd/roles"
/* Members of this group (besides root) may change the running scheduler. */
#define SCXD_ADMIN_GROUP	"scxd"

#endif /* SCXD_DEFAULTS_H */
