/* targets.c - see targets.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"
#include "targets.h"

void targets_done(struct targets *t)
{
	free(t->pids);
	*t = (struct targets){0};
}

int targets_add(struct targets *t, pid_t pid)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		pid_t *p = realloc(t->pids, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->pids = p;
		t->cap = cap;
	}
	t->pids[t->n++] = pid;
	return 0;
}

static int walk_cgroup(struct targets *t, const char *dir, int depth)
{
	char path[PATH_MAX + 16];
	struct dirent *de;
	long pid;
	FILE *f;
	DIR *d;
	int r = 0;

	if (depth > TARGETS_MAX_DEPTH)
		return -ELOOP;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (r == 0 && fscanf(f, "%ld", &pid) == 1)
		r = targets_add(t, pid);
	fclose(f);
	d = opendir(dir);
	if (!d)
		return r ?: -errno;
	while (r == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		r = walk_cgroup(t, path, depth + 1);
	}
	closedir(d);
	return r;
}

int targets_add_cgroup(struct targets *t, const char *cgroup_root, const char *cgroup)
{
	char dir[PATH_MAX];
	int n;

	if (cgroup[0] != '/' || strstr(cgroup, "/..") || strlen(cgroup) > PATH_MAX - 32)
		return -EINVAL;
	n = snprintf(dir, sizeof(dir), "%s%s", cgroup_root, strcmp(cgroup, "/") ? cgroup : "");
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -EINVAL;
	return walk_cgroup(t, dir, 0);
}

int targets_owned_by(const struct targets *t, const char *proc_root, uid_t uid, pid_t *other)
{
	struct proc_ids ids;
	int r;

	for (size_t i = 0; i < t->n; i++) {
		r = proc_ids_read(proc_root, t->pids[i], &ids);
		if (r == 0 && (ids.uid[PROC_REAL] != uid || ids.uid[PROC_EFFECTIVE] != uid)) {
			*other = t->pids[i];
			r = -EPERM;
		}
		proc_ids_done(&ids);
		if (r == -ESRCH)
			continue;	/* gone meanwhile */
		if (r < 0)
			return r;
	}
	return 0;
}

int targets_for_each_thread(const struct targets *t, const char *proc_root,
			    int (*fn)(pid_t tid, void *data), void *data)
{
	char path[PATH_MAX];
	struct dirent *de;
	int r = 0;
	DIR *d;

	for (size_t i = 0; i < t->n && !r; i++) {
		snprintf(path, sizeof(path), "%s/%d/task", proc_root, (int)t->pids[i]);
		d = opendir(path);
		if (!d)
			continue;	/* gone meanwhile */
		while (!r && (de = readdir(d)))
			if (de->d_name[0] != '.')
				r = fn(atoi(de->d_name), data);
		closedir(d);
	}
	return r;
}
