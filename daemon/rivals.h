/*
 * rivals.h - what would fight scxd for the machine's scheduling: another
 * sched_ext scheduler attached (the kernel runs one at a time), and the
 * tuners that renice, re-affine or re-cgroup tasks by rules of their own
 * (ananicy-cpp, system76-scheduler, GameMode, tuned). Found from what a
 * running system shows: sched_ext's root/ops and the processes' names
 * under /proc. Both roots are parameters, so that tests hand it a fake
 * tree. Returns -errno, never logs: the manager warns at start, and
 * `scxctl status` shows them.
 */
#ifndef SCXD_RIVALS_H
#define SCXD_RIVALS_H

#include <stddef.h>
#include <sys/types.h>

#include "protocol.h"

#define SCHED_EXT_ROOT	"/sys/kernel/sched_ext"
/* How stale the daemon lets its list of running tuners get. */
#define RIVALS_SCAN_USEC	(10 * 1000 * 1000ULL)

/*
 * The sched_ext scheduler attached, as out[*n] (name "sched_ext:OPS",
 * pid 0; *n grows by one if @max allows), unless there is none or its ops
 * name is @self_ops (scxd's own, once attached; NULL before: then any
 * attached scheduler is another's, even another scxd).
 */
void rivals_sched_ext(const char *sched_ext_root, const char *self_ops,
		      struct proto_rival *out, size_t max, uint32_t *n);

/* The known tuners that run, one entry each (its first process), added
 * to out[*n..max). -errno when @proc_root cannot be read. */
int rivals_tuners(const char *proc_root, struct proto_rival *out, size_t max, uint32_t *n);

/* Both, the scheduler first, from *n = 0. */
int rivals_find(const char *proc_root, const char *sched_ext_root, const char *self_ops,
		struct proto_rival *out, size_t max, uint32_t *n);

/* Have the kernel disable whatever sched_ext scheduler runs, as SysRq-S
 * does, by writing "S" to @sysrq_trigger (/proc/sysrq-trigger; root may
 * whatever kernel.sysrq says). Its loader sees an ejection. */
int rivals_disable_sched_ext(const char *sysrq_trigger);

#endif
