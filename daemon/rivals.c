/* rivals.c - see rivals.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "file.h"
#include "rivals.h"

/* The tuners, by the name the kernel keeps for them (comm: 15 bytes). */
static const struct {
	const char *comm;
	const char *name;
	const char *why;
} tuners[] = {
	{ "ananicy-cpp", "ananicy-cpp",
	  "renices, re-classes and re-cgroups processes by its own rules; scxd's layers may match them differently" },
	{ "system76-schedu", "system76-scheduler",
	  "renices foreground and background processes; scxd's nice= rules then see its choices" },
	{ "gamemoded", "gamemoded",
	  "GameMode renices games and pins them while they run; layers by nice= or cpus= may shift" },
	{ "tuned", "tuned",
	  "a tuned profile with a [scheduler] plugin renices and re-affines tasks behind scxd" },
};
#define NR_TUNERS (sizeof(tuners) / sizeof(tuners[0]))

static void add(struct proto_rival *out, size_t max, uint32_t *n, const char *name, int pid,
		const char *why)
{
	if (*n >= max)
		return;
	snprintf(out[*n].name, sizeof(out[*n].name), "%s", name);
	out[*n].pid = pid;
	snprintf(out[*n].why, sizeof(out[*n].why), "%s", why);
	(*n)++;
}

void rivals_sched_ext(const char *sched_ext_root, const char *self_ops,
		      struct proto_rival *out, size_t max, uint32_t *n)
{
	char path[512], ops[PROTO_OPS_LEN], name[PROTO_STR_LEN];

	snprintf(path, sizeof(path), "%s/root/ops", sched_ext_root);
	if (file_read_line(path, ops, sizeof(ops)) < 0 || !ops[0] ||
	    (self_ops && !strcmp(ops, self_ops)))
		return;
	/* An ops name is short (SCX_OPS_NAME_LEN); cut to fit anyway. */
	snprintf(name, sizeof(name), "sched_ext:%.50s", ops);
	add(out, max, n, name, 0,
	    "another sched_ext scheduler is attached; scxd cannot attach until it detaches");
}

int rivals_tuners(const char *proc_root, struct proto_rival *out, size_t max, uint32_t *n)
{
	int first[NR_TUNERS] = {0};
	char path[512];
	struct dirent *d;
	DIR *dir;

	dir = opendir(proc_root);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		char comm[32];
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (!isdigit((unsigned char)d->d_name[0]) || *end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", proc_root, d->d_name);
		if (file_read_line(path, comm, sizeof(comm)) < 0)
			continue;
		for (size_t t = 0; t < NR_TUNERS; t++)
			if (!strcmp(comm, tuners[t].comm) && (!first[t] || pid < first[t]))
				first[t] = (int)pid;
	}
	closedir(dir);
	for (size_t t = 0; t < NR_TUNERS; t++)
		if (first[t])
			add(out, max, n, tuners[t].name, first[t], tuners[t].why);
	return 0;
}

int rivals_find(const char *proc_root, const char *sched_ext_root, const char *self_ops,
		struct proto_rival *out, size_t max, uint32_t *n)
{
	*n = 0;
	rivals_sched_ext(sched_ext_root, self_ops, out, max, n);
	return rivals_tuners(proc_root, out, max, n);
}

int rivals_disable_sched_ext(const char *sysrq_trigger)
{
	int fd = open(sysrq_trigger, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, "S", 1) != 1)
		r = -errno ?: -EIO;
	close(fd);
	return r;
}
