/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxd - a layered sched_ext scheduler.
 *
 * Every task belongs to exactly one *layer*. A layer is a named group of
 * tasks with one policy: *latency* (short slices, served first) or
 * *throughput* (long slices, served after the latency layers). The
 * daemon writes the layers and the match rules that sort tasks into them
 * into two array maps, `layers` and `rules`, and then bumps `cfg_gen`.
 *
 * Classification. A rule is an AND of conditions over facts of a task
 * (comm, leader comm, cgroup path, ids, nice, kthread, leader); rules are
 * stored grouped by layer in evaluation order and the first that holds
 * wins. The matcher itself is bpf/policy.h, the same code the host unit
 * tests run. A task is classified when it is enabled, and re-classified
 * whenever the *fingerprint* of its facts changes: comm (exec, prctl
 * rename), cgroup id (cgroup move), static priority (nice), effective
 * uid/gid (credentials), or cfg_gen (a new rule set). The fingerprint is
 * checked on every enqueue, which is cheap (a handful of loads) and
 * covers every way a fact can change with one mechanism instead of one
 * hook per event. The same check runs where a task can change without
 * enqueueing again soon: when it blocks (a task that execs and sleeps at
 * once), when another task moves it to another cgroup (ops.cgroup_move)
 * or renices it (ops.set_weight). A task that never blocks is re-checked
 * each time its slice expires.
 *
 * Queues. Each layer has one dispatch queue (DSQ id = layer index),
 * ordered by virtual time so that tasks of equal weight share a layer
 * fairly; all layers use vtime ordering, so a live policy change never
 * mixes FIFO and vtime tasks in one DSQ (the kernel would eject us).
 * A CPU that needs work serves latency layers first, then throughput
 * layers. Within a class, layers share by weight: each layer has a
 * virtual time that advances by the CPU time its tasks use divided by the
 * layer's weight, and the layer furthest behind is served. A layer that
 * was idle may bank at most LAYER_CREDIT_NS of that virtual time, so it
 * cannot monopolise the CPUs when it wakes up. Priority alone would let a
 * busy early layer starve every later one (kthreads in the catch-all
 * layer included, until the kernel's RCU or stall watchdog ejects us), so
 * a layer with queued tasks that has not been served for STARVE_NS is
 * served first, whatever its class: no layer starves, by construction.
 *
 * Placement. ops.select_cpu uses the kernel's default idle-CPU selection
 * (which already prefers the waker's LLC and idle SMT cores) and, when
 * it finds an idle CPU, inserts the task straight into its local DSQ.
 * Tasks that may run on one CPU only (per-CPU kthreads, taskset pins) go
 * to that CPU's local DSQ directly: a shared queue could hold them behind
 * tasks that CPU will never pick, which is how peers stalled.
 *
 * Accounting. Per-layer task counts are kept exactly (enable/disable and
 * every re-classification move one count), per-layer event counters are
 * per-CPU. ops.exit records why the scheduler stopped so the daemon can
 * log the kernel's reason.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scxd.h"
#include "policy.h"

char _license[] SEC("license") = "GPL";

#define BPF_STRUCT_OPS(name, args...)					\
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...)				\
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

#define PF_KTHREAD		0x00200000
#define NICE_0_PRIO		120
#define ENOMEM			12

/* scx_bpf_error() with printf-style arguments (at least one). */
#define scxd_error(fmt, args...)						\
	({									\
		static char ___fmt[] = fmt;					\
		unsigned long long ___param[___bpf_narg(args)];			\
		___bpf_fill(___param, args);					\
		scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));	\
	})

/*
 * Live configuration, written by the daemon. The daemon fills the maps
 * first and bumps cfg_gen last; a task re-reads the maps when it sees a
 * new generation.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXD_MAX_LAYERS);
	__type(key, u32);
	__type(value, struct scxd_layer);
} layers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXD_MAX_RULES);
	__type(key, u32);
	__type(value, struct scxd_rule);
} rules SEC(".maps");

u32 nr_layers;
u32 nr_rules;
u64 cfg_gen;

/* Tasks currently in each layer; read by the daemon. */
s64 layer_nr_tasks[SCXD_MAX_LAYERS];

/* Why the scheduler stopped; read by the daemon after detach. */
struct scxd_exit_rec exit_rec;

/* Largest vtime handed out so far; new and waking tasks start near it. */
static u64 vtime_now;

/* See the essay: sharing between layers, and the starvation deadline. */
#define LAYER_CREDIT_NS		(20ULL * 1000 * 1000)
#define STARVE_NS		(100ULL * 1000 * 1000)
/* Globals, not statics: clang has emitted a wrong BTF size for a static
 * array here, which the kernel rejects at load. */
u64 layer_vtime[SCXD_MAX_LAYERS];
u64 layer_served_at[SCXD_MAX_LAYERS];
u64 class_vtime[SCXD_NR_POLICIES];

struct layer_counters {
	u64 cnt[SCXD_MAX_LAYERS][SCXD_NR_LSTATS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct layer_counters);
} layer_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCXD_NR_STATS);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

/* What a task's classification was computed from. */
struct task_fp {
	u64	comm[2];
	u64	cgid;
	s32	prio;
	u32	uid;
	u32	gid;
	u32	pad;
	u64	gen;
};

struct task_ctx {
	struct task_fp fp;
	u32	layer;
	bool	counted;	/* included in layer_nr_tasks[layer] */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

/* Scratch space for classification: too large for the BPF stack. */
struct classify_scratch {
	struct scxd_task_facts facts;
	char path[2 * SCXD_PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct classify_scratch);
} scratch SEC(".maps");

static void layer_stat_inc(u32 layer, u32 stat)
{
	struct layer_counters *c;
	u32 zero = 0;

	/* Masked as well as checked: an index reloaded from the stack can
	 * reach the verifier without the bounds the check gave it. */
	c = bpf_map_lookup_elem(&layer_stats, &zero);
	if (c && layer < SCXD_MAX_LAYERS && stat < SCXD_NR_LSTATS)
		c->cnt[layer & (SCXD_MAX_LAYERS - 1)][stat & 7]++;
}

static void stat_inc(u32 stat)
{
	u64 *c = bpf_map_lookup_elem(&stats, &stat);

	if (c)
		(*c)++;
}

static struct task_ctx *lookup_task_ctx(struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (!tctx)
		scxd_error("task_ctx lookup failed for pid %d", p->pid);
	return tctx;
}

static struct scxd_layer *lookup_layer(u32 idx)
{
	struct scxd_layer *layer = bpf_map_lookup_elem(&layers, &idx);

	if (!layer)
		scxd_error("layer %u out of range", idx);
	return layer;
}

static u64 task_cgroup_id(struct task_struct *p)
{
	return BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);
}

static void read_fp(struct task_struct *p, struct task_fp *fp)
{
	bpf_probe_read_kernel(fp->comm, sizeof(fp->comm), p->comm);
	fp->cgid = task_cgroup_id(p);
	fp->prio = p->static_prio;
	fp->uid = BPF_CORE_READ(p, cred, euid.val);
	fp->gid = BPF_CORE_READ(p, cred, egid.val);
	fp->pad = 0;
	fp->gen = cfg_gen;
}

static bool fp_equal(const struct task_fp *a, const struct task_fp *b)
{
	return a->comm[0] == b->comm[0] && a->comm[1] == b->comm[1] &&
	       a->cgid == b->cgid && a->prio == b->prio && a->uid == b->uid &&
	       a->gid == b->gid && a->gen == b->gen;
}

/*
 * The cgroup v2 path of @p ("/a/b", "/" for the root), built from the
 * cgroup's ancestors. @buf is twice SCXD_PATH_LEN so that every write
 * at an offset below SCXD_PATH_LEN provably stays in bounds. A path that
 * does not fit is cut after its last complete component: what remains is
 * a true ancestor, so subtree rules still hold for it and none can match
 * a name that was cut in the middle.
 */
static void read_cgroup_path(struct task_struct *p, char *buf)
{
	struct cgroup *cgrp = BPF_CORE_READ(p, cgroups, dfl_cgrp);
	u32 off = 0, fit = 0, i;
	int level, n;

	buf[0] = '/';
	buf[1] = '\0';
	if (!cgrp)
		return;
	level = BPF_CORE_READ(cgrp, level);

	for (i = 1; i <= SCXD_CGROUP_DEPTH; i++) {
		struct cgroup *anc = NULL;
		const char *name;

		if ((int)i > level || off >= SCXD_PATH_LEN - 1)
			break;
		bpf_probe_read_kernel(&anc, sizeof(anc), &cgrp->ancestors[i]);
		if (!anc)
			break;
		name = BPF_CORE_READ(anc, kn, name);
		buf[off & (SCXD_PATH_LEN - 1)] = '/';
		off++;
		n = bpf_probe_read_kernel_str(&buf[off & (SCXD_PATH_LEN - 1)],
					      SCXD_PATH_LEN, name);
		if (n <= 1)
			break;
		off += n - 1;
		if (off < SCXD_PATH_LEN)
			fit = off;
	}
	if (off >= SCXD_PATH_LEN)
		buf[fit ? fit & (SCXD_PATH_LEN - 1) : 1] = '\0';
}

static void read_facts(struct task_struct *p, struct classify_scratch *s)
{
	struct scxd_task_facts *f = &s->facts;
	struct task_struct *leader = p->group_leader;

	read_cgroup_path(p, s->path);
	bpf_probe_read_kernel(f->cgroup, sizeof(f->cgroup), s->path);
	f->cgroup[SCXD_PATH_LEN - 1] = '\0';
	bpf_probe_read_kernel(f->comm, sizeof(f->comm), p->comm);
	bpf_probe_read_kernel(f->pcomm, sizeof(f->pcomm), leader->comm);
	f->uid = BPF_CORE_READ(p, cred, euid.val);
	f->gid = BPF_CORE_READ(p, cred, egid.val);
	f->nice = p->static_prio - NICE_0_PRIO;
	f->pid = p->pid;
	f->tgid = p->tgid;
	f->ppid = BPF_CORE_READ(p, real_parent, tgid);
	f->kthread = !!(p->flags & PF_KTHREAD);
	f->leader = leader == p;
}

/* First rule that holds decides; the last layer catches the rest. */
static u32 classify(struct task_struct *p)
{
	struct classify_scratch *s;
	u32 zero = 0, i, n = nr_rules, fallback;

	fallback = nr_layers ? nr_layers - 1 : 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return fallback;
	read_facts(p, s);

	for (i = 0; i < SCXD_MAX_RULES; i++) {
		struct scxd_rule *r;

		if (i >= n)
			break;
		r = bpf_map_lookup_elem(&rules, &i);
		if (!r)
			break;
		if (scxd_rule_match(r, &s->facts))
			return r->layer < nr_layers ? r->layer : fallback;
	}
	stat_inc(SCXD_STAT_CLASSIFY_FAIL);
	return fallback;
}

static void move_count(struct task_ctx *tctx, u32 layer)
{
	if (tctx->counted && tctx->layer < SCXD_MAX_LAYERS)
		__sync_fetch_and_sub(&layer_nr_tasks[tctx->layer], 1);
	tctx->layer = layer;
	tctx->counted = layer < SCXD_MAX_LAYERS;
	if (tctx->counted)
		__sync_fetch_and_add(&layer_nr_tasks[layer], 1);
}

/* Re-classify @p if any fact its layer was chosen by has changed. */
static void refresh_layer(struct task_struct *p, struct task_ctx *tctx)
{
	struct task_fp fp;

	read_fp(p, &fp);
	if (tctx->counted && fp_equal(&fp, &tctx->fp))
		return;
	tctx->fp = fp;
	move_count(tctx, classify(p));
	layer_stat_inc(tctx->layer, SCXD_LSTAT_RECLASSIFY);
}

static u64 layer_slice(u32 idx)
{
	struct scxd_layer *layer = lookup_layer(idx);

	return layer && layer->slice_ns ? layer->slice_ns : SCX_SLICE_DFL;
}

s32 BPF_STRUCT_OPS(scxd_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct task_ctx *tctx;
	bool is_idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	if (!is_idle)
		return cpu;
	tctx = lookup_task_ctx(p);
	if (!tctx)
		return cpu;
	refresh_layer(p, tctx);
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, layer_slice(tctx->layer), 0);
	layer_stat_inc(tctx->layer, SCXD_LSTAT_DIRECT);
	return cpu;
}

void BPF_STRUCT_OPS(scxd_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	struct scxd_layer *layer;
	u64 vtime, slice;

	if (!tctx)
		return;
	refresh_layer(p, tctx);
	layer = lookup_layer(tctx->layer);
	if (!layer)
		return;
	slice = layer->slice_ns ? layer->slice_ns : SCX_SLICE_DFL;
	layer_stat_inc(tctx->layer, SCXD_LSTAT_ENQ);

	if (p->nr_cpus_allowed == 1) {
		s32 cpu = scx_bpf_task_cpu(p);

		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice, enq_flags);
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		return;
	}

	/*
	 * A sleeper may bank at most one slice of credit, so that a task that
	 * slept for long does not monopolise its layer when it wakes.
	 */
	vtime = p->scx.dsq_vtime;
	if (vtime_now > slice && (s64)(vtime - (vtime_now - slice)) < 0)
		vtime = vtime_now - slice;
	scx_bpf_dsq_insert_vtime(p, tctx->layer, slice, vtime, enq_flags);
}

static bool dispatch_layer(u32 idx, u64 now)
{
	if (!scx_bpf_dsq_move_to_local(idx))
		return false;
	layer_served_at[idx & (SCXD_MAX_LAYERS - 1)] = now;
	layer_stat_inc(idx, SCXD_LSTAT_DISPATCH);
	return true;
}

/* A layer's virtual time, with at most LAYER_CREDIT_NS of idle credit. */
static u64 layer_eff_vtime(u32 idx, u32 policy)
{
	u64 floor = class_vtime[policy & 1];
	u64 lv = layer_vtime[idx & (SCXD_MAX_LAYERS - 1)];

	floor = floor > LAYER_CREDIT_NS ? floor - LAYER_CREDIT_NS : 0;
	return lv > floor ? lv : floor;
}

/* The layer of @policy furthest behind in virtual time, if any has work. */
struct pick {
	u32	layer;
	u64	vtime;
};

static void pick_consider(struct pick *pk, u32 idx, u64 vt)
{
	if (vt < pk->vtime) {
		pk->vtime = vt;
		pk->layer = idx;
	}
}

static bool pick_dispatch(struct pick *pk, u32 policy, u64 now)
{
	if (pk->layer >= SCXD_MAX_LAYERS)
		return false;
	/* The class's clock follows the layer it serves. */
	if (pk->vtime > class_vtime[policy & 1])
		class_vtime[policy & 1] = pk->vtime;
	layer_vtime[pk->layer & (SCXD_MAX_LAYERS - 1)] = pk->vtime;
	return dispatch_layer(pk->layer, now);
}

struct dispatch_scan {
	u64		now;
	u64		oldest;		/* served_at of the most starved layer */
	u32		starved;
	struct pick	lat, tput;
};

/*
 * One layer of the dispatch scan. A bpf_loop() callback is verified once;
 * an unrolled 16-layer scan whose iterations differ in what they found
 * so far exceeded the verifier's 1M-instruction budget.
 */
static long scan_layer(u64 idx, void *data)
{
	struct dispatch_scan *ds = data;
	struct scxd_layer *layer;
	u32 i = idx;
	u64 served;

	if (i >= SCXD_MAX_LAYERS)
		return 1;
	layer = bpf_map_lookup_elem(&layers, &i);
	if (!layer || scx_bpf_dsq_nr_queued(i) <= 0)
		return 0;
	/* i is spilled to the stack for the lookup and comes back unbounded. */
	served = layer_served_at[i & (SCXD_MAX_LAYERS - 1)];
	if (ds->now - served > STARVE_NS && served < ds->oldest) {
		ds->oldest = served;
		ds->starved = i;
	}
	if (layer->policy == SCXD_POLICY_LATENCY)
		pick_consider(&ds->lat, i, layer_eff_vtime(i, SCXD_POLICY_LATENCY));
	else
		pick_consider(&ds->tput, i, layer_eff_vtime(i, SCXD_POLICY_THROUGHPUT));
	return 0;
}

void BPF_STRUCT_OPS(scxd_dispatch, s32 cpu, struct task_struct *prev)
{
	struct dispatch_scan ds = {
		.now = scx_bpf_now(), .oldest = ~0ULL, .starved = ~0U,
		.lat = { ~0U, ~0ULL }, .tput = { ~0U, ~0ULL },
	};
	u32 i, n = nr_layers;

	bpf_loop(n < SCXD_MAX_LAYERS ? n : SCXD_MAX_LAYERS, scan_layer, &ds, 0);

	if (ds.starved < SCXD_MAX_LAYERS && dispatch_layer(ds.starved, ds.now)) {
		layer_stat_inc(ds.starved, SCXD_LSTAT_RESCUE);
		return;
	}
	if (pick_dispatch(&ds.lat, SCXD_POLICY_LATENCY, ds.now) ||
	    pick_dispatch(&ds.tput, SCXD_POLICY_THROUGHPUT, ds.now))
		return;
	/*
	 * The chosen layers had nothing this CPU may run (affinity): take
	 * whatever any layer has for it.
	 */
	for (i = 0; i < SCXD_MAX_LAYERS; i++) {
		if (i >= n)
			break;
		if (dispatch_layer(i, ds.now))
			return;
	}
}

void BPF_STRUCT_OPS(scxd_running, struct task_struct *p)
{
	if ((s64)(p->scx.dsq_vtime - vtime_now) > 0)
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(scxd_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	struct scxd_layer *layer;
	u64 slice, used;

	if (!tctx)
		return;
	slice = layer_slice(tctx->layer);
	used = slice > p->scx.slice ? slice - p->scx.slice : 0;
	/* Charge the time used, scaled inversely by the task's weight, and
	 * the task's layer by the layer's weight. */
	p->scx.dsq_vtime += used * 100 / (p->scx.weight ? p->scx.weight : 100);
	layer = bpf_map_lookup_elem(&layers, &tctx->layer);
	if (layer && tctx->layer < SCXD_MAX_LAYERS)
		__sync_fetch_and_add(&layer_vtime[tctx->layer],
				     used * 100 / (layer->weight ? layer->weight : 100));
	/* A runnable task is re-checked by the enqueue that follows. */
	if (!runnable)
		refresh_layer(p, tctx);
}

void BPF_STRUCT_OPS(scxd_set_weight, struct task_struct *p, u32 weight)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (tctx && tctx->counted)
		refresh_layer(p, tctx);
}

void BPF_STRUCT_OPS(scxd_cgroup_move, struct task_struct *p, struct cgroup *from,
		    struct cgroup *to)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (tctx && tctx->counted)
		refresh_layer(p, tctx);
}

s32 BPF_STRUCT_OPS(scxd_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (!bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -ENOMEM;
	return 0;
}

void BPF_STRUCT_OPS(scxd_enable, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	p->scx.dsq_vtime = vtime_now;
	if (tctx)
		refresh_layer(p, tctx);
}

void BPF_STRUCT_OPS(scxd_disable, struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (tctx && tctx->counted)
		move_count(tctx, SCXD_MAX_LAYERS);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(scxd_init)
{
	u32 i;
	s32 ret;

	/* All of them, so that layers added at runtime find their queue. */
	for (i = 0; i < SCXD_MAX_LAYERS; i++) {
		ret = scx_bpf_create_dsq(i, -1);
		if (ret) {
			scxd_error("failed to create DSQ %u: %d", i, ret);
			return ret;
		}
	}
	return 0;
}

void BPF_STRUCT_OPS(scxd_exit, struct scx_exit_info *ei)
{
	exit_rec.kind = ei->kind;
	exit_rec.exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_rec.reason, sizeof(exit_rec.reason), ei->reason);
	bpf_probe_read_kernel_str(exit_rec.msg, sizeof(exit_rec.msg), ei->msg);
	__sync_fetch_and_add(&exit_rec.exited, 1);
}

SEC(".struct_ops.link")
struct sched_ext_ops scxd_ops = {
	.select_cpu	= (void *)scxd_select_cpu,
	.enqueue	= (void *)scxd_enqueue,
	.dispatch	= (void *)scxd_dispatch,
	.running	= (void *)scxd_running,
	.stopping	= (void *)scxd_stopping,
	.set_weight	= (void *)scxd_set_weight,
	.cgroup_move	= (void *)scxd_cgroup_move,
	.init_task	= (void *)scxd_init_task,
	.enable		= (void *)scxd_enable,
	.disable	= (void *)scxd_disable,
	.init		= (void *)scxd_init,
	.exit		= (void *)scxd_exit,
	.name		= SCXD_OPS_NAME,
};
