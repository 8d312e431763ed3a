/* SPDX-License-Identifier: GPL-2.0 */
/* verb_topology.c - topology: the CPUs and LLCs the scheduler sees. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cpulist.h"
#include "cpumask.h"
#include "ctl.h"
#include "table.h"

static const char *topo_source_detail(const char *source)
{
	if (!strcmp(source, "cid"))
		return " (scx_bpf_cid_topo)";
	if (!strcmp(source, "kernel"))
		return " (sd_llc_id)";
	if (!strcmp(source, "sysfs"))
		return " (cache/index3)";
	return "";
}

static int print_topology(const struct proto_topology *tp)
{
	uint32_t nr_cpus = tp->nr_cpus < SCXD_MAX_CPUS ? tp->nr_cpus : SCXD_MAX_CPUS;
	uint32_t nr_llcs = tp->nr_llcs < SCXD_MAX_LLCS ? tp->nr_llcs : SCXD_MAX_LLCS;
	static char list[CPULIST_LEN];
	uint32_t online = 0;
	struct table t;
	int r;

	for (uint32_t i = 0; i < nr_cpus; i++)
		online += tp->cpus[i].online;
	printf("source: %s%s, %u CPU%s", tp->source[0] ? tp->source : "-",
	       topo_source_detail(tp->source), nr_cpus, nr_cpus == 1 ? "" : "s");
	if (online != nr_cpus)
		printf(" (%u online)", online);
	printf(", %u LLC%s\n", nr_llcs, nr_llcs == 1 ? "" : "s");

	if (table_init(&t, ">CPU >LLC >LLC_ID >NODE ONLINE", nr_cpus) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr_cpus; i++) {
		const struct proto_topology_cpu *c = &tp->cpus[i];

		table_row(&t);
		table_add(&t, "%u", c->cpu);
		table_add(&t, "%u", c->llc);
		table_add(&t, "%d", c->llc_id);
		table_add(&t, "%d", c->node);
		table_add(&t, "%s", c->online ? "yes" : "no");
	}
	putchar('\n');
	r = table_flush(&t);
	if (r < 0)
		return r;

	if (table_init(&t, ">LLC >ID >NR_CPUS CPUS", nr_llcs) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr_llcs; i++) {
		const struct proto_topology_llc *l = &tp->llcs[i];

		cpulist_format(l->cpus.bits, SCXD_MAX_CPUS, list, sizeof(list));
		table_row(&t);
		table_add(&t, "%u", l->index);
		table_add(&t, "%d", l->id);
		table_add(&t, "%u", scxd_cpumask_count(&l->cpus));
		table_add(&t, "%s", list[0] ? list : "-");
	}
	putchar('\n');
	return table_flush(&t);
}

int run_topology(const struct opts *o, int argc, char **argv)
{
	static struct proto_topology tp;
	bool printed;
	int status;

	status = rpc_decode(o, PROTO_METHOD_TOPOLOGY, &tp, &printed);
	if (status != EXIT_OK || printed)
		return status;
	if (print_topology(&tp) < 0)
		return ctl_oom();
	return EXIT_OK;
}
