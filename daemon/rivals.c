/* rivals.c - see rivals.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "rivals.h"

static bool tuned_is_rival(const char *root);

/* The tuners, by the name the kernel keeps for them (comm: 15 bytes);
 * @acts, where set, says whether one that runs is a rival after all. */
static const struct {
	const char *comm;
	const char *name;
	const char *why;
	bool (*acts)(const char *root);
} tuners[] = {
	{ "ananicy-cpp", "ananicy-cpp",
	  "renices, re-classes and re-cgroups processes by its own rules; scxd's layers may match them differently",
	  NULL },
	{ "system76-schedu", "system76-scheduler",
	  "renices foreground and background processes; scxd's nice= rules then see its choices",
	  NULL },
	{ "gamemoded", "gamemoded",
	  "GameMode renices games and pins them while they run; layers by nice= or cpus= may shift",
	  NULL },
	{ "tuned", "tuned",
	  "its profile's [scheduler] plugin renices and re-affines tasks behind scxd",
	  tuned_is_rival },
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

void rivals_sched_ext(const char *root, const char *self_ops,
		      struct proto_rival *out, size_t max, uint32_t *n)
{
	char path[512], ops[PROTO_OPS_LEN], name[PROTO_STR_LEN];

	snprintf(path, sizeof(path), "%s/sys/kernel/sched_ext/root/ops", root);
	if (file_read_line(path, ops, sizeof(ops)) < 0 || !ops[0] ||
	    (self_ops && !strcmp(ops, self_ops)))
		return;
	/* An ops name is short (SCX_OPS_NAME_LEN); cut to fit anyway. */
	snprintf(name, sizeof(name), "sched_ext:%.50s", ops);
	add(out, max, n, name, 0,
	    "another sched_ext scheduler is attached; scxd cannot attach until it detaches");
}

/*
 * Does tuned's profile @name, or one it includes, have a [scheduler]
 * section? 1 yes, 0 no, -1 when a profile cannot be read. /etc/tuned/NAME
 * overrides /usr/lib/tuned/NAME, as in tuned; includes are followed a few
 * levels deep.
 */
static int tuned_schedules(const char *root, const char *name, int depth)
{
	char path[512], line[512], *text = NULL, *save = NULL, *l;
	bool in_main = false;
	int found = 0;
	size_t len;

	if (depth > 4 || !name[0] || strchr(name, '/'))
		return -1;
	snprintf(path, sizeof(path), "%s/etc/tuned/%s/tuned.conf", root, name);
	if (file_read_text(path, 1 << 20, &text, &len) < 0) {
		snprintf(path, sizeof(path), "%s/usr/lib/tuned/%s/tuned.conf", root, name);
		if (file_read_text(path, 1 << 20, &text, &len) < 0)
			return -1;
	}
	for (l = strtok_r(text, "\n", &save); l && found != 1; l = strtok_r(NULL, "\n", &save)) {
		char *k = l + strspn(l, " \t"), *v;

		if (*k == '[') {
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(k + 1, "]"), k + 1);
			in_main = !strcmp(line, "main");
			if (!strcmp(line, "scheduler"))
				found = 1;
			continue;
		}
		if (!in_main || strncmp(k, "include", 7) || !(v = strchr(k, '=')))
			continue;
		/* include=a, b: comma-separated profiles */
		for (char *s2 = NULL, *inc = strtok_r(v + 1, ",", &s2); inc && found != 1;
		     inc = strtok_r(NULL, ",", &s2)) {
			inc += strspn(inc, " \t");
			inc[strcspn(inc, " \t\r")] = '\0';
			if (tuned_schedules(root, inc, depth + 1) != 0)
				found = 1;
		}
	}
	free(text);
	return found;
}

/* tuned runs: a rival only when its active profile schedules (or when
 * that cannot be told). */
static bool tuned_is_rival(const char *root)
{
	char path[512], active[256], *save = NULL;

	snprintf(path, sizeof(path), "%s/etc/tuned/active_profile", root);
	if (file_read_line(path, active, sizeof(active)) < 0)
		return true;
	/* Several profiles may be active at once, space-separated. */
	for (char *p = strtok_r(active, " \t", &save); p; p = strtok_r(NULL, " \t", &save))
		if (tuned_schedules(root, p, 0) != 0)
			return true;
	return false;
}

int rivals_tuners(const char *root, struct proto_rival *out, size_t max, uint32_t *n)
{
	int first[NR_TUNERS] = {0};
	char path[512];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/proc", root);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		char comm[32];
		char *end;
		long pid = strtol(d->d_name, &end, 10);

		if (!isdigit((unsigned char)d->d_name[0]) || *end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/proc/%s/comm", root, d->d_name);
		if (file_read_line(path, comm, sizeof(comm)) < 0)
			continue;
		for (size_t t = 0; t < NR_TUNERS; t++)
			if (!strcmp(comm, tuners[t].comm) && (!first[t] || pid < first[t]))
				first[t] = (int)pid;
	}
	closedir(dir);
	for (size_t t = 0; t < NR_TUNERS; t++)
		if (first[t] && (!tuners[t].acts || tuners[t].acts(root)))
			add(out, max, n, tuners[t].name, first[t], tuners[t].why);
	return 0;
}

int rivals_find(const char *root, const char *self_ops, struct proto_rival *out, size_t max,
		uint32_t *n)
{
	*n = 0;
	rivals_sched_ext(root, self_ops, out, max, n);
	return rivals_tuners(root, out, max, n);
}

int rivals_disable_sched_ext(const char *root)
{
	char path[512];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/proc/sysrq-trigger", root);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "S", 1) != 1)
		r = -errno ?: -EIO;
	close(fd);
	return r;
}
