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
	SCXD_MAX_CPUS		= 512,
	SCXD_MAX_LLCS		= 64,	/* dense LLC indexes 0..63 */
	SCXD_CPUMASK_WORDS	= SCXD_MAX_CPUS / 64,
	SCXD_NO_LAYER		= 0xffffffff,
	SCXD_LAT_BUCKETS	= 32,	/* wakeup latency: log2(ns) buckets */
	SCXD_HIST_BUCKETS	= 160,	/* the compare instrument's: hist.h */
};

/*
 * A layer's policy. A task is served as one of two classes, latency or
 * throughput; an auto layer serves each of its tasks as the class its
 * measured behaviour calls for (struct scxd_behavior). The scheduler
 * never sees AUTO: the daemon writes an auto layer as two entries of
 * `layers`, one per class (config_bpf_layers()), and a task moves
 * between them when its class changes.
 */
enum scxd_policy {
	SCXD_POLICY_LATENCY	= 0,
	SCXD_POLICY_THROUGHPUT	= 1,
	SCXD_NR_CLASSES,
	SCXD_POLICY_AUTO	= SCXD_NR_CLASSES,
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

enum scxd_kind {
	SCXD_KIND_OPEN		= 0,	/* may use any idle CPU of its LLCs */
	SCXD_KIND_CONFINED	= 1,	/* runs only on the CPUs allocated to it */
};

/* One layer's parameters, as the scheduler reads them. */
struct scxd_layer {
	char	name[SCXD_NAME_LEN];
	u32	policy;			/* enum scxd_policy */
	u32	weight;			/* 1..10000 */
	u64	slice_ns;
	u32	kind;			/* enum scxd_kind */
	u32	preempt;		/* 1: may preempt throughput tasks (latency only) */
	u32	cpus_min;		/* CPU allocation bounds, in CPUs */
	u32	cpus_max;		/* 0: no upper bound */
	u64	llcs;			/* dense LLC indexes it may use; 0: auto (all) */
	u32	id;			/* stable across changes: a hash of name, never 0 */
	u32	users;			/* 1: any user may run/move own tasks into it */
	/* Auto layers: a task is served as latency while its runs average
	 * at most auto_run_ns and it wakes at least auto_wakeups times a
	 * second (scxd_behavior_class()). */
	u64	auto_run_ns;
	u64	auto_gap_ns;		/* 1 s / auto_wakeups: written by config_bpf_layers() */
	u32	auto_wakeups;
	u32	peer;			/* in `layers`: the entry of the other class of its
					 * auto layer; SCXD_NO_LAYER if not auto */
};

/*
 * A task pinned to a layer (scxctl run / move), in the `pins` task
 * storage map: by the layer's id, which survives layers being added or
 * removed; a pin to a layer that no longer exists is ignored. A task
 * forked by a pinned task is pinned the same, so a command started with
 * scxctl run keeps every descendant in its layer.
 */
struct scxd_pin {
	u32	layer_id;
	u32	pad;
};

/* Why a task is in its layer (struct scxd_task_info.rule). */
enum scxd_reason {
	SCXD_RULE_CATCH_ALL	= 0xffffffff,	/* no rule matched: the last layer */
	SCXD_RULE_PINNED	= 0xfffffffe,	/* pinned (scxd_pin) */
};

/*
 * How a task behaves, kept by the scheduler for every task: how long it
 * runs between sleeps and how often it wakes, as exponentially weighted
 * averages (policy.h), and totals. Auto layers serve a task by it;
 * scxctl explain and suggest report it.
 */
struct scxd_behavior {
	u64	run_avg_ns;		/* CPU time from a wakeup to the next sleep */
	u64	run_cur_ns;		/* ... so far, since the last wakeup */
	u64	gap_avg_ns;		/* time between wakeups; 0: none seen */
	u64	woke_at;		/* the last wakeup, ns; 0: none */
	u64	wakeups;		/* total */
	u64	cpu_ns;			/* total CPU time */
	u64	runs;			/* total runs that ended in a sleep */
	u64	short_runs;		/* ... of at most SCXD_SHORT_RUN_NS */
	u32	cls;			/* enum scxd_policy, a class: as what an auto
					 * layer serves it */
	u32	pad;
};

/* A run this short counts in short_runs (scxctl suggest's evidence): the
 * default of auto_latency_run_us. */
#define SCXD_SHORT_RUN_NS	5000000ULL

/* One task's record from the scxd_behaviors iterator (scxctl suggest). */
struct scxd_task_record {
	s32	tid;
	s32	tgid;
	u32	kthread;		/* 1: a kernel thread */
	u32	layer;			/* its entry of `layers` */
	struct scxd_behavior beh;
};

/* What `scxctl explain` reads of a task: the head of BPF's task_ctx. */
struct scxd_task_info {
	u32	layer;			/* in `layers`; SCXD_NO_LAYER until enabled */
	u32	rule;			/* index in `rules`, or enum scxd_reason */
	struct scxd_behavior beh;
};

/*
 * Where a layer may run right now, written by the daemon's allocator
 * (daemon/alloc.c): `span` is every CPU of the layer's LLCs for an open
 * layer and exactly its allocated CPUs for a confined one; `owned` are
 * the CPUs allocated to it (a confined layer's span; reported for all).
 */
struct scxd_cpumask {
	u64	bits[SCXD_CPUMASK_WORDS];
};

struct scxd_layer_cpus {
	struct scxd_cpumask span;
	struct scxd_cpumask owned;
	u64	span_llcs;		/* LLCs that have a CPU in span */
	u32	nr_span;		/* CPUs in span */
	u32	nr_owned;
};

/* One CPU as the kernel sees it (filled by BPF from sd_llc_id & co). */
struct scxd_cpu_topo {
	s32	llc_id;			/* the kernel's sd_llc_id: the LLC's first CPU, or a
					 * dense id (7.x); from sysfs: its first CPU */
	u32	llc;			/* dense index, 0..SCXD_MAX_LLCS-1 */
	s32	node;
	u32	llc_size;
	u32	online;			/* 1 if the CPU exists and is online */
	u32	pad;
};

/*
 * Where the CPU -> LLC map came from, best first. The loader may start
 * further down the list (scxd --topology), so that a test can compare
 * them; NONE there means "the best the kernel has".
 */
enum scxd_topo_source {
	SCXD_TOPO_NONE		= 0,
	SCXD_TOPO_KERNEL	= 1,	/* sd_llc_id/sd_llc_size per-CPU ksyms */
	SCXD_TOPO_SYSFS		= 2,	/* daemon's table from cache/index3 */
	SCXD_TOPO_CID		= 3,	/* scx_bpf_cid_topo(): sched_ext's own (7.2+) */
};

/*
 * The scheduler's timing tunables, each a time in ns: const volatile
 * rodata in BPF, written by the loader before load from `scxd --tune
 * NAME=VALUE` (scxd(8)), so that an experiment is a flag, not a rebuild.
 * X(name, default, min, max, what it is)
 */
#define SCXD_TUNABLES(X)							\
	X(starve_ns, 100000000ULL, 1000000ULL, 10000000000ULL,			\
	  "a queue with tasks not served for this long is served first")	\
	X(steal_ns, 500000ULL, 0, 1000000000ULL,				\
	  "a task on another LLC may be taken once it has not run, or has waited, this long") \
	X(claim_ns, 1000000ULL, 0, 1000000000ULL,				\
	  "a CPU chosen as a preemption victim is not chosen again this soon")	\
	X(layer_credit_ns, 20000000ULL, 0, 10000000000ULL,			\
	  "the most virtual time an idle layer banks")				\
	X(wake_gran_ns, 0ULL, 0, 10000000000ULL,				\
	  "a waking throughput task this far ahead in virtual time ends the slice of the one on its CPU") \
	X(latency_burst_ns, 10000000ULL, 0, 10000000000ULL,			\
	  "a latency task preempts while its recent CPU use is under this")

struct scxd_tunables {
#define SCXD_TUNABLE_FIELD(name, def, min, max, doc)	u64 name;
	SCXD_TUNABLES(SCXD_TUNABLE_FIELD)
#undef SCXD_TUNABLE_FIELD
};

/* Per-layer counters, per CPU; the daemon sums over CPUs. */
enum scxd_layer_stat {
	SCXD_LSTAT_ENQ		= 0,	/* enqueues into the layer */
	SCXD_LSTAT_DISPATCH,		/* tasks the layer handed to a CPU */
	SCXD_LSTAT_DIRECT,		/* went straight to an idle CPU */
	SCXD_LSTAT_RECLASSIFY,		/* classification ran for a task */
	SCXD_LSTAT_RESCUE,		/* served first: waited past starve_ns */
	SCXD_LSTAT_CPU_NS,		/* CPU time used, ns */
	SCXD_LSTAT_PREEMPT,		/* preempted a throughput task for a latency one */
	SCXD_LSTAT_MIGRATE,		/* ran on another CPU than last time */
	SCXD_LSTAT_XLLC,		/* ... on another LLC */
	SCXD_LSTAT_STEAL,		/* taken from another LLC's queue */
	SCXD_LSTAT_LAT_NS,		/* sum of wakeup latencies, ns */
	SCXD_LSTAT_LAT_CNT,		/* number of wakeup latencies */
	SCXD_LSTAT_WAKEUP,		/* enqueues of waking tasks (not direct) */
	SCXD_LSTAT_RESUME,		/* preempted by a latency task, resumed on its CPU */
	SCXD_LSTAT_SHORTEN,		/* a waking throughput task ended a running one's slice */
	SCXD_LSTAT_KEEP,		/* a latency task out of slice kept its CPU (ops.tick) */
	SCXD_LSTAT_KPICK,		/* idle CPU of its span picked by scx_bpf_select_cpu_and */
	SCXD_LSTAT_BUSY,		/* woke with no CPU idle: no idle pick tried */
	SCXD_LSTAT_RECLASS,		/* an auto layer now serves it as its other class */
	SCXD_NR_LSTATS,
};
/* The counters' stride in BPF's map and the daemon's read: room to add. */
#define SCXD_LSTATS_MAX		32
_Static_assert(SCXD_NR_LSTATS <= SCXD_LSTATS_MAX, "layer_stat_add() masks stat with 31");

/*
 * Wakeup latency (runnable -> running) per layer, per CPU: bucket b counts
 * latencies in [2^b, 2^(b+1)) ns; the last bucket also holds all longer.
 */
struct scxd_lat_hist {
	u64	bucket[SCXD_MAX_LAYERS][SCXD_LAT_BUCKETS];
};

/*
 * What the compare instrument (scxd_trace.bpf.c) counts for one layer, per CPU,
 * whichever scheduler runs: the daemon zeroes them when a measurement
 * starts and sums them over CPUs (the maximum of max_ns) when it ends.
 */
struct scxd_trace_layer {
	u64	hist[SCXD_HIST_BUCKETS];	/* wakeup -> on a CPU, ns (hist.h) */
	u64	max_ns;				/* the longest of them */
	u64	wakeups;			/* how many: the histogram's samples */
	u64	cpu_ns;				/* time on a CPU */
	u64	switches;			/* times switched in */
	u64	xllc;				/* ... on another LLC than it last ran on */
	u64	tasks;				/* distinct tasks switched in */
};

struct scxd_trace_stats {
	struct scxd_trace_layer layer[SCXD_MAX_LAYERS];
};
_Static_assert(sizeof(struct scxd_trace_stats) <= 32768, "a per-CPU map value holds 32 KiB");

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
_Static_assert(sizeof(struct scxd_layer) == 104, "scxd_layer layout");
_Static_assert(sizeof(struct scxd_behavior) == 72, "scxd_behavior layout");
_Static_assert(sizeof(struct scxd_cpu_topo) == 24, "scxd_cpu_topo layout");

#endif /* __SCXD_H */
