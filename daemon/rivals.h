/*
 * rivals.h - what would fight scxd for the machine's scheduling: another
 * sched_ext scheduler attached (the kernel runs one at a time), and the
 * tuners that renice, re-affine or re-cgroup tasks by rules of their own
 * (ananicy-cpp, system76-scheduler, GameMode, tuned). Found from what a
 * running system shows: sched_ext's root/ops, the processes' names under
 * /proc and tuned's active profile. The root of those paths is a
 * parameter, so that tests hand it a fake tree. Returns -errno, never
 * logs: the manager warns at start, and `scxctl status` shows them.
 */
#ifndef SCXD_RIVALS_H
#define SCXD_RIVALS_H

#include <stddef.h>
#include <sys/types.h>

#include "protocol.h"

/* The root of the paths read: "" on a system, a fake tree in tests. */
#define RIVALS_ROOT	""
/* How stale the daemon lets its list of running tuners get. */
#define RIVALS_SCAN_USEC	(10 * 1000 * 1000ULL)

/*
 * The sched_ext scheduler attached (@root/sys/kernel/sched_ext/root/ops),
 * as out[*n] (name "sched_ext:OPS", pid 0; *n grows by one if @max
 * allows), unless there is none or its ops name is @self_ops (scxd's own,
 * once attached; NULL before: then any attached scheduler is another's,
 * even another scxd).
 */
void rivals_sched_ext(const char *root, const char *self_ops, struct proto_rival *out,
		      size_t max, uint32_t *n);

/* The known tuners that run (@root/proc/PID/comm), one entry each (its
 * first process), added to out[*n..max); tuned only when its active
 * profile (@root/etc/tuned/active_profile) or one it includes has a
 * [scheduler] section, or cannot be read. -errno when @root/proc cannot
 * be read. */
int rivals_tuners(const char *root, struct proto_rival *out, size_t max, uint32_t *n);

/* Both, the scheduler first, from *n = 0. */
int rivals_find(const char *root, const char *self_ops, struct proto_rival *out, size_t max,
		uint32_t *n);

/* Have the kernel disable whatever sched_ext scheduler runs, as SysRq-S
 * does, by writing "S" to @root/proc/sysrq-trigger (root may, whatever
 * kernel.sysrq says). Its loader sees an ejection. */
int rivals_disable_sched_ext(const char *root);

#endif
