/* test_topology.c - the sysfs CPU -> LLC table (daemon/topology.c), read
 * from a fake sysfs tree. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "topology.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	test_put(root, rel, text);
}

/* cpu @cpu: an L1 (index0), an L2 (index1) of its own and, with l3, an L3. */
static void put_cpu(int cpu, const char *l3, int node)
{
	char rel[128], own[16];

	snprintf(own, sizeof(own), "%d\n", cpu);
	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index0/level", cpu);
	put(rel, "1\n");
	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index0/shared_cpu_list", cpu);
	put(rel, own);
	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index1/level", cpu);
	put(rel, "2\n");
	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index1/shared_cpu_list", cpu);
	put(rel, own);
	if (l3) {
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index2/level", cpu);
		put(rel, "3\n");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index2/shared_cpu_list",
			 cpu);
		put(rel, l3);
	}
	snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/node%d/x", cpu, node);
	put(rel, "");
}

/* A fresh tree whose online CPUs are @online and whose CPUs first..last
 * share the L3 @l3 on node 0. */
static void make_tree(const char *online, int first, int last, const char *l3)
{
	test_new_dir(root);
	put("devices/system/cpu/online", online);
	for (int c = first; c <= last; c++)
		put_cpu(c, l3, 0);
}

/* Two sockets: cpu0-3 share one L3, cpu4-6 another; cpu3 is offline;
 * cpu7 has no L3 (its L2 is its highest cache); cpu8 has no cache at all. */
TEST(each_cpu_gets_its_l3_as_llc_numbered_densely_by_first_cpu)
{
	struct scxd_cpu_topo t[16];
	u32 n = 0;

	make_tree("0-2,4-8\n", 0, 3, "0-3\n");
	for (int c = 4; c < 7; c++)
		put_cpu(c, "4-6\n", 1);
	put_cpu(7, NULL, 1);
	put("devices/system/cpu/cpu8/online", "1\n");

	/* Without an L3 the highest cache (cpu7's own L2) is the LLC; without
	 * any cache information (cpu8) a CPU is an LLC of its own. */
	static const struct scxd_cpu_topo want[] = {
		/* llc_id, llc, node, llc_size, online, pad */
		{ 0, 0, 0, 4, 1, 0 }, { 0, 0, 0, 4, 1, 0 }, { 0, 0, 0, 4, 1, 0 }, { 0, 0, 0, 4, 0, 0 },
		{ 4, 1, 1, 3, 1, 0 }, { 4, 1, 1, 3, 1, 0 }, { 4, 1, 1, 3, 1, 0 },
		{ 7, 2, 1, 1, 1, 0 }, { 8, 3, 0, 1, 1, 0 },
	};
	CHECK_INT(topology_read_sysfs(root, t, 16, &n), 4);
	CHECK_INT(n, 9);
	for (u32 c = 0; c < n; c++) {
		if (memcmp(&t[c], &want[c], sizeof(want[c])))
			printf("  cpu%u: llc_id %d llc %u node %d llc_size %u online %u\n", c,
			       t[c].llc_id, t[c].llc, t[c].node, t[c].llc_size, t[c].online);
		CHECK(!memcmp(&t[c], &want[c], sizeof(want[c])));
	}
}

TEST(only_as_many_cpus_as_asked_for_are_read)
{
	struct scxd_cpu_topo t[2];
	u32 n = 0;

	make_tree("0-3\n", 0, 3, "0-3\n");
	CHECK_INT(topology_read_sysfs(root, t, 2, &n), 1);
	CHECK_INT(n, 2);
	/* An LLC's size counts the CPUs asked for. */
	CHECK_INT(t[1].llc_size, 2);
}

TEST(a_tree_without_cpus_or_online_list_is_an_error)
{
	struct scxd_cpu_topo t[4];
	u32 n = 0;

	test_new_dir(root);
	CHECK_INT(topology_read_sysfs(root, t, 4, &n), -ENOENT);
	put("devices/system/cpu/online", "0\n");
	CHECK_INT(topology_read_sysfs(root, t, 4, &n), -ENOENT);
	/* sysfs writes lists the kernel's way; anything else is refused
	 * rather than guessed at. */
	put("devices/system/cpu/online", "zero\n");
	put_cpu(0, "0\n", 0);
	CHECK_INT(topology_read_sysfs(root, t, 4, &n), -EINVAL);
}

TEST(cleanup)
{
	CHECK_INT(test_rm_dir(root), 0);
}

TEST_MAIN
