/* SPDX-License-Identifier: GPL-2.0 */
/*
 * procfs.h - a process's credentials, read from /proc/PID/status: the one
 * reader for the control server (whose peer is in the admin group?) and
 * the pin methods (whose processes are these?). The root is a parameter
 * so that tests can hand it a fake tree. Pure: -errno, never logs.
 */
#ifndef SCXD_PROCFS_H
#define SCXD_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

#define PROC_ROOT	"/proc"

struct proc_ids {
	uid_t	uid[4];		/* real, effective, saved, filesystem ("Uid:") */
	gid_t	gid[4];		/* the same for groups ("Gid:") */
	gid_t	*groups;	/* supplementary groups ("Groups:"), malloc()ed */
	size_t	nr_groups;
};

enum { PROC_REAL = 0, PROC_EFFECTIVE = 1 };

/* Fills *ids from @proc_root/@pid/status. -ESRCH when there is no such
 * process (or its status has no Uid: and Gid: lines), -errno when it
 * cannot be read. Release with proc_ids_done(), whatever the result. */
int proc_ids_read(const char *proc_root, pid_t pid, struct proc_ids *ids);
void proc_ids_done(struct proc_ids *ids);

#endif /* SCXD_PROCFS_H */
