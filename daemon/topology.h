/* topology.h - the CPU -> LLC table from sysfs: the fallback the BPF side
 * keeps when the kernel has no sd_llc_id, and the table written before the
 * scheduler attaches. The kernel's own view, read by BPF, replaces it. */
#ifndef SCXD_TOPOLOGY_H
#define SCXD_TOPOLOGY_H
#include "scxd.h"

/* Fills t[0..*nr_cpus) from @sysfs_root ("/sys" normally). A CPU's LLC is
 * the CPUs sharing its L3 cache (cache/index*, level 3), or its
 * highest-level cache where it has no L3; a CPU without cache information
 * is an LLC of its own. llc_id is the LLC's first CPU; LLCs are numbered
 * densely in the order of their first CPU, like the BPF side.
 * Returns the number of LLCs, or -errno. Never logs. */
int topology_read_sysfs(const char *sysfs_root, struct scxd_cpu_topo *t, u32 max_cpus,
			u32 *nr_cpus);
#endif
