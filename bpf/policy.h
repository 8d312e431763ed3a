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
