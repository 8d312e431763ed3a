/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - pure scheduling policy, shared by BPF and host unit tests.
 *
 * No kernel or libc calls: only arithmetic over the structs of scxd.h, so
 * that the very code the scheduler runs is unit-tested on the host.
 *
 * In BPF the matchers are global subprograms (verified once, not once per
 * call site), which keeps rule evaluation far from the verifier's limit.
 * Global subprograms may be handed NULL, hence the checks.
 */
#ifndef __SCXD_POLICY_H
#define __SCXD_POLICY_H

#include "scxd.h"

#ifdef __bpf__
#define SCXD_SUBPROG __attribute__((noinline))
#else
#define SCXD_SUBPROG static inline
#endif

/* Does @s start with the first @len bytes of @pfx? (@len <= @max) */
static inline int scxd_str_prefix(const char *s, const char *pfx, u32 len, u32 max)
{
	u32 i;

	for (i = 0; i < max; i++) {
		if (i >= len)
			return 1;
		if (s[i] != pfx[i])
			return 0;
	}
	return len <= max;
}

/* Is the cgroup at @path equal to @want or below it? */
static inline int scxd_cgroup_under(const char *path, const char *want, u32 len)
{
	if (len == 0 || len >= SCXD_PATH_LEN)
		return 0;
	/* "/" is the root: everything is below it. */
	if (len == 1 && want[0] == '/')
		return 1;
	if (!scxd_str_prefix(path, want, len, SCXD_PATH_LEN - 1))
		return 0;
	return path[len] == '\0' || path[len] == '/';
}

static inline int scxd_num_cmp(s32 have, u8 op, s32 want)
{
	switch (op) {
	case SCXD_OP_EQ: return have == want;
	case SCXD_OP_NE: return have != want;
	case SCXD_OP_LT: return have < want;
	case SCXD_OP_LE: return have <= want;
	case SCXD_OP_GT: return have > want;
	case SCXD_OP_GE: return have >= want;
	}
	return 0;
}

static inline int scxd_text_cmp(const char *have, const struct scxd_cond *c, u32 max)
{
	int hit;

	if (c->op == SCXD_OP_PREFIX || c->op == SCXD_OP_NOT_PREFIX)
		hit = scxd_str_prefix(have, c->str, c->len, max);
	else	/* exact: the prefix plus the terminating NUL */
		hit = c->len < max && scxd_str_prefix(have, c->str, c->len, max) &&
		      have[c->len & (SCXD_PATH_LEN - 1)] == '\0';
	return (c->op == SCXD_OP_NE || c->op == SCXD_OP_NOT_PREFIX) ? !hit : hit;
}

/* Does one condition hold for the task described by @f? */
SCXD_SUBPROG int scxd_cond_match(const struct scxd_cond *c,
				 const struct scxd_task_facts *f)
{
	int hit;

	if (!c || !f)
		return 0;

	switch (c->key) {
	case SCXD_KEY_ALL:
		return 1;
	case SCXD_KEY_COMM:
		return scxd_text_cmp(f->comm, c, SCXD_COMM_LEN);
	case SCXD_KEY_PCOMM:
		return scxd_text_cmp(f->pcomm, c, SCXD_COMM_LEN);
	case SCXD_KEY_CGROUP:
		hit = scxd_cgroup_under(f->cgroup, c->str, c->len);
		return c->op == SCXD_OP_NE ? !hit : hit;
	case SCXD_KEY_UID:	return scxd_num_cmp(f->uid, c->op, c->num);
	case SCXD_KEY_GID:	return scxd_num_cmp(f->gid, c->op, c->num);
	case SCXD_KEY_NICE:	return scxd_num_cmp(f->nice, c->op, c->num);
	case SCXD_KEY_PID:	return scxd_num_cmp(f->pid, c->op, c->num);
	case SCXD_KEY_TGID:	return scxd_num_cmp(f->tgid, c->op, c->num);
	case SCXD_KEY_PPID:	return scxd_num_cmp(f->ppid, c->op, c->num);
	case SCXD_KEY_KTHREAD:	return scxd_num_cmp(f->kthread, c->op, c->num);
	case SCXD_KEY_LEADER:	return scxd_num_cmp(f->leader, c->op, c->num);
	}
	return 0;
}

/* Does a whole rule (an AND of conditions) hold? */
SCXD_SUBPROG int scxd_rule_match(const struct scxd_rule *r,
				 const struct scxd_task_facts *f)
{
	u32 i;

	if (!r || !f || r->nr_conds == 0 || r->nr_conds > SCXD_MAX_CONDS)
		return 0;
	for (i = 0; i < SCXD_MAX_CONDS; i++) {
		if (i >= r->nr_conds)
			break;
		if (!scxd_cond_match(&r->conds[i], f))
			return 0;
	}
	return 1;
}

/*
 * A latency task's recent CPU use: @burst ns as of @at, less half of the
 * wall time since. A task regains its burst at half a CPU: one that runs
 * a quarter of a CPU (a frame loop's 4 ms every 16.7 ms) stays near its
 * last run even when it falls behind and stops sleeping, while one that
 * runs flat out gains half of what it runs.
 */
static inline u64 scxd_recent_burst(u64 burst, u64 at, u64 now)
{
	u64 regained = now > at ? (now - at) / 2 : 0;

	return burst > regained ? burst - regained : 0;
}

/*
 * A task's behaviour (struct scxd_behavior), for auto layers. Averages
 * are exponentially weighted, a new sample weighing 1/8 (SCXD_BEH_SHIFT),
 * and no sample counts for more than SCXD_BEH_CAP_NS: a task that ran or
 * slept for minutes is back to its usual figures after a few dozen
 * wakeups, not after minutes.
 */
#define SCXD_BEH_SHIFT		3
#define SCXD_BEH_CAP_NS		1000000000ULL
/* Hysteresis: a latency task turns throughput once its runs average over
 * twice the threshold, a run goes on past SCXD_BEH_LONG_RUN times it, or
 * its wakeups come at under half the rate. So one burst never flips it:
 * a single run of up to 8x the threshold moves the average by at most
 * 1/8 of that, under the 2x that flips. */
#define SCXD_BEH_LONG_RUN	8

static inline u64 scxd_ewma(u64 avg, u64 sample)
{
	if (sample > SCXD_BEH_CAP_NS)
		sample = SCXD_BEH_CAP_NS;
	return avg - (avg >> SCXD_BEH_SHIFT) + (sample >> SCXD_BEH_SHIFT);
}

/* @b woke up at @now. A gap is between two wakeups: the first wakeup
 * only starts the clock, and the first gap is the average at once (so a
 * new task that wakes often shows it at its second wakeup). */
static inline void scxd_behavior_woke(struct scxd_behavior *b, u64 now)
{
	u64 gap = now > b->woke_at ? now - b->woke_at : 0;

	if (b->woke_at)
		b->gap_avg_ns = b->gap_avg_ns ? scxd_ewma(b->gap_avg_ns, gap) :
				gap < SCXD_BEH_CAP_NS ? gap : SCXD_BEH_CAP_NS;
	b->woke_at = now;
	b->wakeups++;
}

/* @b ran for @ns and then stopped, going to sleep if @sleeps (else it was
 * preempted or its slice ended: the same run goes on). */
static inline void scxd_behavior_ran(struct scxd_behavior *b, u64 ns, int sleeps)
{
	b->cpu_ns += ns;
	b->run_cur_ns += ns;
	if (!sleeps)
		return;
	/* The first run is the average at once, as the first gap is. */
	b->run_avg_ns = b->runs ? scxd_ewma(b->run_avg_ns, b->run_cur_ns) :
			b->run_cur_ns < SCXD_BEH_CAP_NS ? b->run_cur_ns : SCXD_BEH_CAP_NS;
	b->runs++;
	b->short_runs += b->run_cur_ns <= SCXD_SHORT_RUN_NS;
	b->run_cur_ns = 0;
}

/*
 * The class an auto layer with thresholds @run_ns (longest average run
 * for latency) and @gap_ns (longest average time between wakeups) serves
 * @b as at @now, from its class so far, b->cls. Between the bounds to
 * enter and to leave the latency class a task keeps its class. A task
 * that has not woken for longer than its average gap (a hog, or one that
 * went quiet) is judged by the time since.
 */
static inline u32 scxd_behavior_class(const struct scxd_behavior *b, u64 now, u64 run_ns,
				      u64 gap_ns)
{
	u64 since = b->woke_at && now > b->woke_at ? now - b->woke_at : SCXD_BEH_CAP_NS;
	u64 gap = b->gap_avg_ns ? b->gap_avg_ns : SCXD_BEH_CAP_NS;

	if (since > gap)
		gap = since;
	if (b->run_avg_ns <= run_ns && b->run_cur_ns <= run_ns && gap <= gap_ns)
		return SCXD_POLICY_LATENCY;
	if (b->run_avg_ns > 2 * run_ns || b->run_cur_ns > SCXD_BEH_LONG_RUN * run_ns ||
	    gap > 2 * gap_ns)
		return SCXD_POLICY_THROUGHPUT;
	return b->cls;
}

/*
 * May a CPU of another LLC take a queued task that was queued at
 * @queued_at and last stopped running at @ran_at (0: never ran)? Once its
 * cache is cold, having not run for @steal_ns, or once it has waited
 * @steal_ns: a task that ran a moment ago is left to its own LLC for that
 * long, as EEVDF leaves a task that ran within sched_migration_cost where
 * it is, but a woken task that slept is taken at once by a CPU that
 * would otherwise idle.
 */
static inline int scxd_may_steal(u64 now, u64 queued_at, u64 ran_at, u64 steal_ns)
{
	return now - queued_at >= steal_ns || now - ran_at >= steal_ns;
}

#endif /* __SCXD_POLICY_H */
