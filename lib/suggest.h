/* SPDX-License-Identifier: GPL-2.0 */
/*
 * suggest.h - scxctl suggest: from what each process did over a window
 * (two "processes" snapshots), a configuration that puts processes that
 * behave alike in a layer with the policy their behaviour calls for.
 *
 * A process is judged over the window by its threads' sums:
 *  - idle: under SUGGEST_IDLE_CPUS of a CPU and under one wakeup a
 *    second: nothing to decide, the catch-all takes it;
 *  - latency: it wakes at least AUTO_WAKEUPS_DEFAULT times a second and
 *    at least SUGGEST_LATENCY_SHORT of its runs are short (at most the
 *    auto layers' default run, SCXD_SHORT_RUN_NS): what an auto layer
 *    would serve as latency;
 *  - throughput: it uses at least SUGGEST_BUSY_CPUS of a CPU and under
 *    SUGGEST_THROUGHPUT_SHORT of its runs are short (a task that never
 *    sleeps has no runs that ended: none short);
 *  - mixed: the rest, which an auto catch-all sorts out per thread.
 * Latency processes become one layer, throughput ones another, each
 * matched by pcomm (never by pid), or by cgroup where two or more share a
 * cgroup that holds no active process of another kind, and a comment
 * with the evidence; the catch-all is auto.
 *
 * Pure: no I/O. The text passes config_load_string() (the caller checks
 * it anyway).
 */
#ifndef SCXD_SUGGEST_H
#define SCXD_SUGGEST_H

#include <stddef.h>

#include "config.h"
#include "protocol.h"

#define SUGGEST_IDLE_CPUS		0.01
#define SUGGEST_BUSY_CPUS		0.25
#define SUGGEST_LATENCY_SHORT		0.8
#define SUGGEST_THROUGHPUT_SHORT	0.5
/* Match lines per suggested layer, at most (the rest stay in the catch-all). */
#define SUGGEST_MAX_MATCHES		16

enum suggest_kind { SUGGEST_IDLE, SUGGEST_LATENCY, SUGGEST_THROUGHPUT, SUGGEST_MIXED };

/* One process over the window. */
struct suggest_proc {
	struct proto_process	p;		/* as of the window's end; counters: deltas */
	double			wakeups_per_s;
	double			cpus;		/* CPU time / window */
	double			short_frac;	/* short runs / runs; 0 without runs */
	enum suggest_kind	kind;
};

/*
 * What each process of @after did since @before, over @secs seconds:
 * *out (malloc()ed) gets one entry per process of @after that is not a
 * kernel thread, judged. A process not in @before (same pid and comm)
 * counts from zero. -ENOMEM.
 */
int suggest_observe(const struct proto_processes *before, const struct proto_processes *after,
		    double secs, struct suggest_proc **out, size_t *n);

/* The judgement above, for one process. */
enum suggest_kind suggest_judge(const struct suggest_proc *s);

/*
 * The suggested configuration, malloc()ed: "; " @header lines first, then
 * [scxd] role = suggested, the layers, the catch-all. NULL on ENOMEM.
 */
char *suggest_ini(const struct suggest_proc *s, size_t n, double secs, const char *header);

/*
 * Against configuration @role: for each group of the suggestion whose
 * processes @role serves otherwise (a layer of another policy, or the
 * catch-all when it is not auto), "+ ..." lines of a layer to add before
 * the catch-all, and a comment saying where they are now. "" when @role
 * already serves every group so. NULL on ENOMEM.
 */
char *suggest_diff(const struct suggest_proc *s, size_t n, double secs,
		   const struct scxd_config *role);

#endif /* SCXD_SUGGEST_H */
