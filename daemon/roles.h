/*
 * roles.h - role files: one configuration per kind of machine (desktop,
 * build, gaming, server, ...), NAME.ini in a roles directory. The
 * directory is a parameter, so that tests can hand it a fake one.
 * Returns -errno; never logs.
 */
#ifndef SCXD_ROLES_H
#define SCXD_ROLES_H

#include <stddef.h>

#define ROLE_NAME_MAX	64
#define ROLES_MAX	256	/* a directory's roles listed at most */

/* The file of role @name in @dir into path (len bytes). -EINVAL: not a
 * role name (1..ROLE_NAME_MAX of A-Z a-z 0-9 _ . -, not starting with
 * '.'); -ENOENT: no such readable file. */
int role_path(const char *dir, const char *name, char *path, size_t len);

/* A role file's one-line summary: its first line when that is a comment,
 * after "NAME.ini - " if it says so; "" otherwise. */
void role_description(const char *path, char *buf, size_t len);

/* Calls @fn for each role of @dir in name order (at most ROLES_MAX);
 * @fn returning non-zero stops the walk. A missing directory has no
 * roles; another error of opendir() is returned. */
int roles_list(const char *dir, int (*fn)(const char *name, void *data), void *data);

#endif
