/*
 * roles.h - role files: one configuration per kind of machine (desktop,
 * build, gaming, server, ...), NAME.ini in a search path of directories
 * where the first that has NAME.ini wins: the admin's /etc/scxd/roles
 * before the vendor's /usr/local/lib/scxd/roles and /usr/lib/scxd/roles
 * (SCXD_ROLE_DIRS). Role "default" is also built in: without a file of
 * that name it is the built-in configuration (config_builtin_text()).
 * The directories are a parameter, so that tests can hand over fake ones.
 * Returns -errno; never logs.
 */
#ifndef SCXD_ROLES_H
#define SCXD_ROLES_H

#include <stddef.h>

#define ROLE_NAME_MAX	64
#define ROLES_MAX	256	/* roles listed at most */
#define ROLE_DIRS_MAX	8	/* directories in a search path */
#define ROLE_DEFAULT	"default"
#define ROLE_BUILTIN	"(built-in)"	/* the path of the built-in default */

/* Is @name a role name: 1..ROLE_NAME_MAX-1 of A-Z a-z 0-9 _ . -, not
 * starting with '.'? */
int role_name_valid(const char *name);

/*
 * The file of role @name in @dirs (NULL-terminated) into path (len bytes):
 * the first directory's that is readable, or ROLE_BUILTIN for "default"
 * when none is. -EINVAL: not a role name; -ENOENT: no such role.
 */
int role_find(const char *const *dirs, const char *name, char *path, size_t len);

/* A role's one-line summary: the first line of its file (@path, or the
 * built-in text for ROLE_BUILTIN) when that is a comment, after
 * "NAME.ini - " if it says so; "" otherwise. */
void role_description(const char *path, char *buf, size_t len);

/* Calls @fn for each role of @dirs in name order, with the path that
 * role_find() would return (at most ROLES_MAX); @fn returning non-zero
 * stops the walk. A missing directory has no roles; another error of
 * opendir() is returned. */
int roles_list(const char *const *dirs,
	       int (*fn)(const char *name, const char *path, void *data), void *data);

/* "DIR, DIR and DIR" into buf, for messages. */
const char *role_dirs_str(const char *const *dirs, char *buf, size_t len);

#endif
