/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxd.h - everything that crosses the BPF/userspace boundary.
 *
 * Included by bpf/scxd.bpf.c (after vmlinux.h) and by the daemon. Layer
 * parameters and match rules are written by the daemon into BPF array
 * maps (not rodata) so that they can change while the scheduler runs; a
 * task notices a change through cfg_gen (see scxd.bpf.c).
 *
 * Nothing here is declared anywhere else.
 */
#ifndef __SCXD_H
#define __SCXD_H

#ifndef __bpf__
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;
#endif

#define SCXD_OPS_NAME		"scxd"

enum scxd_limits {
	SCXD_MAX_LAYERS		= 16,
	SCXD_MAX_RULES		= 64,	/* match lines over all layers */
	SCXD_MAX_CONDS		= 8,	/* conditions joined by && in one rule */
	SCXD_NAME_LEN		= 32,	/* layer name, NUL included */
	SCXD_COMM_LEN		= 16,	/* TASK_COMM_LEN */
	SCXD_PATH_LEN		= 128,	/* cgroup path, NUL included */
	SCXD_CGROUP_DEPTH	= 16,	/* deepest cgroup level matched */
};

enum scxd_policy {
	SCXD_POLICY_LATENCY	= 0,
	SCXD_POLICY_THROUGHPUT	= 1,
	SCXD_NR_POLICIES,
};

/* What a match condition looks at. */
enum scxd_key {
	SCXD_KEY_ALL		= 0,	/* "*": every task */
	SCXD_KEY_COMM,			/* the thread's comm */
	SCXD_KEY_PCOMM,			/* the thread-group leader's comm */
	SCXD_KEY_CGROUP,		/* cgroup v2 path: that cgroup and below */
	SCXD_KEY_UID,
	SCXD_KEY_GID,
	SCXD_KEY_NICE,
	SCXD_KEY_PID,
	SCXD_KEY_TGID,
	SCXD_KEY_PPID,
	SCXD_KEY_KTHREAD,		/* value 1 = yes, 0 = no */
	SCXD_KEY_LEADER,		/* value 1 = yes, 0 = no */
	SCXD_NR_KEYS,
};

enum scxd_op {
	SCXD_OP_EQ		= 0,	/* text: exact; number: == */
	SCXD_OP_NE,
	SCXD_OP_PREFIX,			/* text only: "value*" */
	SCXD_OP_NOT_PREFIX,		/* text only: != "value*" */
	SCXD_OP_LT,
	SCXD_OP_LE,
	SCXD_OP_GT,
	SCXD_OP_GE,
	SCXD_NR_OPS,
};

struct scxd_cond {
	u8	key;			/* enum scxd_key */
	u8	op;			/* enum scxd_op */
	u16	len;			/* strlen(str) for text keys */
	s32	num;			/* value of numeric keys */
	char	str[SCXD_PATH_LEN];	/* value of text keys, NUL-terminated */
};

/* One match line: all conditions must hold. */
struct scxd_rule {
	u32	layer;			/* index into the layers map */
	u32	nr_conds;		/* 0 never matches; "*" is one ALL cond */
	struct scxd_cond conds[SCXD_MAX_CONDS];
};

/* One layer's parameters, as the scheduler reads them. */
struct scxd_layer {
	char	name[SCXD_NAME_LEN];
	u32	policy;			/* enum scxd_policy */
	u32	weight;			/* 1..10000 */
	u64	slice_ns;
};

/* Per-layer counters, per CPU; the daemon sums over CPUs. */
enum scxd_layer_stat {
	SCXD_LSTAT_ENQ		= 0,	/* enqueues into the layer */
	SCXD_LSTAT_DISPATCH,		/* tasks the layer handed to a CPU */
	SCXD_LSTAT_DIRECT,		/* went straight to an idle CPU */
	SCXD_LSTAT_RECLASSIFY,		/* classification ran for a task */
	SCXD_LSTAT_RESCUE,		/* served first: waited past STARVE_NS */
	SCXD_NR_LSTATS,
};
_Static_assert(SCXD_NR_LSTATS <= 8, "layer_stat_inc() masks stat with 7");

/* Global counters, per CPU. */
enum scxd_stat {
	SCXD_STAT_CLASSIFY_FAIL	= 0,	/* no rule matched: catch-all used */
	SCXD_NR_STATS,
};

/* Why the scheduler stopped, copied from struct scx_exit_info by ops.exit. */
struct scxd_exit_rec {
	s32	kind;			/* enum scx_exit_kind */
	u32	exited;			/* non-zero once ops.exit ran */
	s64	exit_code;
	char	reason[128];
	char	msg[1024];
};

/* Facts about a task that rules match against (filled by BPF, or by tests). */
struct scxd_task_facts {
	char	comm[SCXD_COMM_LEN];
	char	pcomm[SCXD_COMM_LEN];
	char	cgroup[SCXD_PATH_LEN];	/* "/a/b", "/" for the root */
	s32	uid, gid, nice, pid, tgid, ppid;
	u8	kthread, leader;
};

_Static_assert(sizeof(struct scxd_cond) == 136, "scxd_cond layout");
_Static_assert(sizeof(struct scxd_rule) == 8 + 8 * 136, "scxd_rule layout");
_Static_assert(sizeof(struct scxd_layer) == 48, "scxd_layer layout");

#endif /* __SCXD_H */
