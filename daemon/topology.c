/* topology.c - see topology.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpulist.h"
#include "cpumask.h"
#include "file.h"
#include "topology.h"

/* sysfs lists may name CPUs past the ones scxd schedules: read them whole. */
#define SYSFS_CPUS	4096

/* The CPUs of the L3 (else the highest-level) cache of @cpu. */
static int llc_cpus(const char *root, int cpu, u64 *cpus)
{
	char path[256], buf[1024];
	int idx, best = -1, best_level = 0, r;

	for (idx = 0; idx < 8; idx++) {
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cache/index%d/level",
			 root, cpu, idx);
		if (file_read_line(path, buf, sizeof(buf)) < 0)
			break;
		if (atoi(buf) >= best_level) {
			best_level = atoi(buf);
			best = idx;
		}
	}
	if (best < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list",
		 root, cpu, best);
	r = file_read_line(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	r = cpulist_parse(buf, cpus, SYSFS_CPUS, 0);
	return r < 0 ? r : r ? 0 : -ENOENT;
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

/* The lowest set bit of a SYSFS_CPUS-bit set (one that is not empty). */
static int first_bit(const u64 *w)
{
	int i = 0;

	while (!w[i])
		i++;
	return i * 64 + __builtin_ctzll(w[i]);
}

int topology_read_sysfs(const char *root, struct scxd_cpu_topo *t, u32 max_cpus, u32 *nr_cpus)
{
	u64 online[SYSFS_CPUS / 64], llc[SYSFS_CPUS / 64];
	char path[256], buf[1024];
	u32 n = 0, cpu, nr_llcs = 0;
	int r;

	snprintf(path, sizeof(path), "%s/devices/system/cpu/online", root);
	r = file_read_line(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	r = cpulist_parse(buf, online, SYSFS_CPUS, 0);
	if (r < 0)
		return r;

	for (cpu = 0; cpu < max_cpus; cpu++) {
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%u", root, cpu);
		if (access(path, F_OK) < 0)
			break;
		memset(&t[cpu], 0, sizeof(t[cpu]));
		t[cpu].online = cpu < SYSFS_CPUS && scxd_bit_test(online, cpu);
		t[cpu].node = cpu_node(root, cpu);
		if (llc_cpus(root, cpu, llc) == 0) {
			t[cpu].llc_id = first_bit(llc);
			/* Counting the CPUs scxd schedules, as BPF does. */
			t[cpu].llc_size = 0;
			for (u32 c = 0; c < max_cpus && c < SYSFS_CPUS; c++)
				t[cpu].llc_size += scxd_bit_test(llc, c);
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
