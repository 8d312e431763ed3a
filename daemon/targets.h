/*
 * targets.h - the processes a pin request names (scxctl run, move, unpin):
 * one process, or every process of a cgroup subtree; who owns them; and
 * their threads. The /proc and cgroupfs roots are parameters, so that the
 * walk is tested on a fake tree. Returns -errno; never logs.
 */
#ifndef SCXD_TARGETS_H
#define SCXD_TARGETS_H

#include <stddef.h>
#include <sys/types.h>

#define CGROUP_ROOT		"/sys/fs/cgroup"
#define TARGETS_MAX_DEPTH	32	/* cgroup levels below the one named */

struct targets {
	pid_t	*pids;
	size_t	n, cap;
};

void targets_done(struct targets *t);
int targets_add(struct targets *t, pid_t pid);

/* Every process in cgroup @cgroup (an absolute path as in /proc/PID/cgroup,
 * "/" for the root) under @cgroup_root, and in its descendants. -EINVAL
 * for a path that is not absolute, climbs with "..", or is too long;
 * -ENOENT when there is no such cgroup; -ELOOP past TARGETS_MAX_DEPTH. */
int targets_add_cgroup(struct targets *t, const char *cgroup_root, const char *cgroup);

/* 0 if @uid is the real and effective uid of every target still running
 * (read under @proc_root); else -EPERM and *other is the first that is
 * not. Processes gone meanwhile are skipped. */
int targets_owned_by(const struct targets *t, const char *proc_root, uid_t uid, pid_t *other);

/* Calls @fn for every thread of every target still running; a non-zero
 * return stops the walk and is returned. */
int targets_for_each_thread(const struct targets *t, const char *proc_root,
			    int (*fn)(pid_t tid, void *data), void *data);

#endif
