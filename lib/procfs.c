/* SPDX-License-Identifier: GPL-2.0 */
/* procfs.c - see procfs.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

/* The numbers after "Groups:" (as many as there are). */
static int parse_groups(const char *s, struct proc_ids *ids)
{
	size_t cap = 0;

	for (;;) {
		char *end;
		unsigned long g = strtoul(s, &end, 10);

		if (end == s)
			return 0;
		if (ids->nr_groups == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			gid_t *p = realloc(ids->groups, ncap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			ids->groups = p;
			cap = ncap;
		}
		ids->groups[ids->nr_groups++] = g;
		s = end;
	}
}

int proc_ids_read(const char *proc_root, pid_t pid, struct proc_ids *ids)
{
	char path[256], *line = NULL;
	bool have_uid = false, have_gid = false;
	unsigned long a[4];
	size_t n = 0;
	int r = 0;
	FILE *f;

	memset(ids, 0, sizeof(*ids));
	snprintf(path, sizeof(path), "%s/%d/status", proc_root, (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (r == 0 && getline(&line, &n, f) > 0) {
		if (sscanf(line, "Uid: %lu %lu %lu %lu", &a[0], &a[1], &a[2], &a[3]) == 4) {
			for (int i = 0; i < 4; i++)
				ids->uid[i] = a[i];
			have_uid = true;
		} else if (sscanf(line, "Gid: %lu %lu %lu %lu", &a[0], &a[1], &a[2], &a[3]) == 4) {
			for (int i = 0; i < 4; i++)
				ids->gid[i] = a[i];
			have_gid = true;
		} else if (!strncmp(line, "Groups:", 7)) {
			r = parse_groups(line + 7, ids);
		}
	}
	free(line);
	fclose(f);
	if (r == 0 && (!have_uid || !have_gid))
		r = -ESRCH;
	return r;
}

void proc_ids_done(struct proc_ids *ids)
{
	if (!ids)
		return;
	free(ids->groups);
	ids->groups = NULL;
	ids->nr_groups = 0;
}
