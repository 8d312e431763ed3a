/* topology.c - see topology.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topology.h"

static int read_str(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* First CPU of a list such as "0-3,8-11"; -1 if unparsable. */
static int list_first(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end == s || v < 0 ? -1 : (int)v;
}

/* Is @cpu in the list @s ("0-3,8")? */
static int list_has(const char *s, int cpu)
{
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			return 0;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (cpu >= a && cpu <= b)
			return 1;
		s = *end == ',' ? end + 1 : end;
		if (*end != ',')
			break;
	}
	return 0;
}

/* The L3 (else the highest-level) cache's shared_cpu_list of @cpu. */
static int llc_list(const char *root, int cpu, char *buf, size_t len)
{
	char path[256], level[16];
	int idx, best = -1, best_level = 0;

	for (idx = 0; idx < 8; idx++) {
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cache/index%d/level",
			 root, cpu, idx);
		if (read_str(path, level, sizeof(level)) < 0)
			break;
		if (atoi(level) >= best_level) {
			best_level = atoi(level);
			best = idx;
		}
	}
	if (best < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list",
		 root, cpu, best);
	return read_str(path, buf, len);
}

static int cpu_node(const char *root, int cpu)
{
	char path[256];
	int node;

	for (node = 0; node < 64; node++) {
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/node%d", root, cpu, node);
		if (access(path, F_OK) == 0)
			return node;
	}
	return 0;
}

int topology_read_sysfs(const char *root, struct scxd_cpu_topo *t, u32 max_cpus, u32 *nr_cpus)
{
	char path[256], online[1024], list[1024];
	u32 n = 0, cpu, nr_llcs = 0;
	int r;

	snprintf(path, sizeof(path), "%s/devices/system/cpu/online", root);
	r = read_str(path, online, sizeof(online));
	if (r < 0)
		return r;

	for (cpu = 0; cpu < max_cpus; cpu++) {
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%u", root, cpu);
		if (access(path, F_OK) < 0)
			break;
		memset(&t[cpu], 0, sizeof(t[cpu]));
		t[cpu].online = list_has(online, cpu);
		t[cpu].node = cpu_node(root, cpu);
		if (llc_list(root, cpu, list, sizeof(list)) == 0 && list_first(list) >= 0) {
			t[cpu].llc_id = list_first(list);
			t[cpu].llc_size = 0;
			for (u32 c = 0; c < max_cpus && c < 4096; c++)
				t[cpu].llc_size += list_has(list, c);
		} else {
			t[cpu].llc_id = cpu;
			t[cpu].llc_size = 1;
		}
		n = cpu + 1;
	}
	if (!n)
		return -ENOENT;
	/* Dense indexes in order of each LLC's first CPU, as BPF numbers them. */
	for (cpu = 0; cpu < n; cpu++) {
		u32 lead = (u32)t[cpu].llc_id;

		if (lead >= cpu || lead >= n) {
			t[cpu].llc = nr_llcs < SCXD_MAX_LLCS ? nr_llcs : SCXD_MAX_LLCS - 1;
			nr_llcs++;
		} else {
			t[cpu].llc = t[lead].llc;
		}
	}
	*nr_cpus = n;
	return nr_llcs < SCXD_MAX_LLCS ? (int)nr_llcs : SCXD_MAX_LLCS;
}
