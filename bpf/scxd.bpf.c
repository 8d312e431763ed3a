/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxd - a layered sched_ext scheduler.
 *
 * Every task belongs to exactly one *layer*. A layer is a named group of
 * tasks with one policy: *latency* (short slices, served first, may
 * preempt) or *throughput* (long slices, kept on one last-level cache,
 * never preempts). The daemon writes the layers and the match rules that
 * sort tasks into them into the `layers` and `rules` maps and then bumps
 * `cfg_gen`; it writes where each layer may run into `layer_cpus`.
 *
 * Classification. A task pinned to a layer (`pins`, written by the daemon
 * for scxctl run/move, inherited by everything the task forks) is in that
 * layer. Otherwise rules decide: a rule is an AND of conditions over facts
 * of a task (comm, leader comm, cgroup path, ids, nice, kthread, leader);
 * rules are stored grouped by layer in evaluation order and the first that
 * holds wins. The matcher itself is bpf/policy.h, the same code the host unit
 * tests run. A task is classified when it is enabled, and re-classified
 * whenever the *fingerprint* of its facts changes: comm (exec, prctl
 * rename), cgroup id (cgroup move), static priority (nice), effective
 * uid/gid (credentials), or cfg_gen (a new rule set). The fingerprint is
 * checked on every enqueue (but a preempted task's return to its CPU,
 * see Placement), which is cheap (a handful of loads) and covers every
 * way a fact can change with one mechanism instead of one hook per
 * event. The same check runs where a task can change without
 * enqueueing again soon: when it blocks (a task that execs and sleeps at
 * once), when another task moves it to another cgroup (ops.cgroup_move)
 * or renices it (ops.set_weight). Tasks asleep when the rule set changes
 * are reached by `scxd_reclassify`, a task iterator the daemon runs after
 * each change. A task's layer changes by atomic exchange, so per-layer
 * task counts stay exact even when two CPUs re-check one task at once.
 *
 * Auto layers. A layer with policy auto serves each of its tasks as
 * latency or throughput by how it behaves, without a third kind of
 * layer: the daemon writes it as two entries of `layers`, one per class,
 * each a plain latency or throughput layer with that class's slice (its
 * throughput entry at the layer's own index, where rules and pins put
 * the task; its latency entry after the configured layers, `peer`
 * linking the two), and the task moves between the entries by the same
 * exchange as any change of layer. So a task served as latency has every
 * mechanism of a latency layer (its queue, preemption, kept slices) and
 * one served as throughput every one of a throughput layer. What decides
 * is the task's behaviour, kept for every task in its context (policy.h:
 * exponentially weighted averages of its runs between sleeps and of the
 * time between its wakeups, updated at its wakeup and at every stop),
 * judged against the layer's thresholds with hysteresis when it stops
 * running, after its time was charged to the entry it ran in. The daemon
 * adds the two entries' counters up per layer, and reads the behaviour
 * back for explain and (scxd_behaviors, an iterator) for suggest.
 *
 * Topology. The CPU -> LLC map is the kernel's own: ops.init asks
 * sched_ext's topology (scx_bpf_cid_topo(), 7.2+: per CPU id, its core,
 * LLC and node) or, on kernels without it, reads the per-CPU
 * scheduler-domain variables sd_llc_id and sd_llc_size (an id of a CPU's
 * LLC, and the LLC's size), and turns LLC ids into dense indexes. A
 * kernel with neither keeps the table the daemon derived from sysfs
 * before attaching. The daemon reads this map back: BPF and userspace
 * share one topology, and `scxctl topology` says which source it was.
 *
 * Queues. Each (layer, LLC) pair has its own dispatch queue, ordered by
 * virtual time. A task is queued on the LLC of the CPU it last ran on (or
 * was placed on), so a throughput task stays cache-warm; a CPU serves its
 * own LLC's queues and takes work from another LLC only when it would
 * otherwise go idle, and only a task whose cache is cold (it has not run
 * for steal_ns) or that has waited steal_ns: as the fair class leaves a
 * task that ran within sched_migration_cost where it is, and pulls any
 * other to a CPU that would idle. (Waiting steal_ns for every task, a
 * woken worker sat behind a 2 ms request on one LLC beside an idle CPU:
 * message/worker wakeups 1.9x EEVDF's p99 at 0.94x its requests; now
 * 1.1x and 1.03x, median of 3 boots.)
 *
 * Order. A CPU that needs work serves, in this order: a queue of its LLC
 * with tasks that has not been served for starve_ns (no queue starves, by
 * construction; tracked per queue, as a layer served on one LLC can still
 * starve on another); the latency layers; the throughput layers. Within
 * a class, layers share each LLC by weight: each layer has a virtual
 * time per LLC, advanced by the CPU time its tasks use there divided by
 * its weight, and the layer furthest behind is served; a layer that was
 * idle banks at most layer_credit_ns of it. A layer is charged a whole
 * slice when a CPU takes its task, and the difference to what the task
 * really used when it stops: charged only at the stop, every CPU choosing
 * during that slice saw the layer as cheaper than it was. Weights per LLC
 * hold only if each LLC has the tasks to honour them, so a throughput
 * layer that an LLC owes time but that has no task queued there pulls
 * one that may be stolen from another LLC; tasks then stay where
 * they were pulled to, and the layers' mixes even out across LLCs.
 *
 * Placement. The daemon's allocator gives each layer CPUs (`owned`) from
 * measured utilization, LLC by LLC, and a `span` it may run on: its
 * owned CPUs when confined, every CPU of its LLCs (less those of confined
 * layers) otherwise. A waking
 * task goes to an idle CPU of its span, as the kernel picks it: its
 * default idle selection when the span is every CPU, its pick inside a
 * mask (scx_bpf_select_cpu_and, 6.16+; the span kept as a kernel cpumask
 * in span_masks) otherwise; kernels without it scan the span here (a
 * wholly idle core first). None of them is asked when the kernel's idle
 * mask is empty: on a saturated machine every pick finds nothing, and
 * the kernel's own walks its scheduling domains to say so. A
 * waking latency task that finds no idle CPU preempts a CPU of its span
 * whose current task (asked of the kernel, scx_bpf_cpu_curr) is a
 * throughput task, its own CPU first, then its LLC's, then any: it is
 * inserted at the head of that CPU's local queue
 * with SCX_ENQ_PREEMPT, so it runs at the next scheduling decision there
 * (the insert itself ends the victim's slice and reschedules its CPU; a
 * kick on top only cost an irq_work).
 * The preempted task goes back to the same CPU's local queue, behind it,
 * with the slice it had left (noted when the victim was chosen), instead
 * of through its layer's queue and a whole dispatch. A latency task that
 * needs more than a slice after a wakeup keeps its CPU (ops.tick refills
 * its slice) and preempts again when queued, while its recent CPU use
 * (scxd_recent_burst: regained at half a CPU; from zero again when the
 * task's facts change, as at exec) is under latency_burst_ns.
 * A waking throughput task does not preempt, but a throughput task it is
 * ahead of by more than wake_gran_ns of virtual time, running on its
 * CPU, has its slice ended (unless the wakeup is a sync one, whose waker
 * is about to give up its CPU): a sleeper in a throughput layer does not
 * wait out a 20 ms slice, as EEVDF lets a waking task with lag preempt
 * one that has had its share.
 * Tasks that may run on one CPU only (per-CPU kthreads, taskset pins, and
 * latency probes such as cyclictest, which pin their threads) go straight
 * to that CPU's local queue, preempting a throughput task there when they
 * are latency tasks: a shared queue could hold them behind tasks that CPU
 * will never pick, which is how peers stalled. Affinity wins over
 * confinement.
 *
 * Task contexts. ops.init_task creates every task's context (task
 * storage), and a task it cannot create one for is refused; the context
 * lives until the task is freed, after ops.disable. So a callback whose
 * own task (its @p) has no context is a bug: lookup_task_ctx() reports
 * it with scx_bpf_error() and the kernel ejects the scheduler, rather
 * than scheduling a task blind. A task a callback only looks at may
 * have none, and peek_task_ctx() says so quietly: another CPU's current
 * task (the idle task, or one of a higher class), and the tasks the
 * reclassify iterator visits (all of them, some not yet initialized).
 *
 * Tunables. The times that shape the policy (starve_ns, steal_ns,
 * claim_ns, layer_credit_ns, wake_gran_ns, latency_burst_ns: scxd.h) are
 * const volatile rodata, set by the loader before load (scxd --tune), so
 * a benchmark can sweep them.
 *
 * Accounting. Per-layer counters and a log2 wakeup-latency histogram are
 * per-CPU; the daemon sums them. A wakeup's wait is timed from
 * ops.select_cpu (or, for a task of one CPU, which skips it, from its
 * enqueue) to ops.running. There is no ops.runnable: a program call on
 * every wakeup costs ~3 us under emulation, and it would only note the
 * time. ops.exit records why the scheduler stopped so the daemon can log
 * the kernel's reason and, for restartable exits such as CPU hotplug and
 * for errors (a bounded number in a row), attach the same loaded program
 * again. To test the error path, a debug build of the daemon can make
 * ops.tick fail on purpose (debug_knobs, which a release build leaves
 * off and the verifier then drops).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scxd.h"
#include "cpumask.h"
#include "layers.bpf.h"

char _license[] SEC("license") = "GPL";

#define BPF_STRUCT_OPS(name, args...)					\
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...)				\
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

#define ENOMEM			12


#define NR_QUEUES		(SCXD_MAX_LAYERS * SCXD_MAX_LLCS)

/* scx_bpf_error() with printf-style arguments (at least one). */
#define scxd_error(fmt, args...)						\
	({									\
		static char ___fmt[] = fmt;					\
		unsigned long long ___param[___bpf_narg(args)];			\
		___bpf_fill(___param, args);					\
		scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));	\
	})

/* The timing tunables (scxd.h): set by the loader before load. */
#define SCXD_TUNABLE_RODATA(name, def, min, max, doc)	const volatile u64 name = def;
SCXD_TUNABLES(SCXD_TUNABLE_RODATA)
#undef SCXD_TUNABLE_RODATA

/* The kernel's per-CPU topology (kernel/sched/topology.c). */
extern const int sd_llc_id __ksym __weak;
extern const int sd_llc_size __ksym __weak;
/* The first topology source to try (enum scxd_topo_source; NONE: the best). */
const volatile u32 topo_start = SCXD_TOPO_NONE;

/* Where each layer may run; written by the daemon's allocator. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXD_MAX_LAYERS);
	__type(key, u32);
	__type(value, struct scxd_layer_cpus);
} layer_cpus SEC(".maps");

/*
 * Each layer's span again, as a kernel cpumask: what the kernel's own idle
 * pick inside a mask, scx_bpf_select_cpu_and(), takes. Created in
 * ops.init, kept equal to layer_cpus by scxd_sync_spans, which the daemon
 * runs after each placement.
 */
struct span_mask {
	struct bpf_cpumask __kptr *mask;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXD_MAX_LAYERS);
	__type(key, u32);
	__type(value, struct span_mask);
} span_masks SEC(".maps");

/* Entries of `layers` now: nr_layers and the latency halves of auto
 * layers (config_bpf_layers()). */
u32 nr_entries;
/* The most entries any configuration had since attach: queues of entries
 * a runtime change removed can still hold tasks, and are drained. */
u32 nr_layers_hw;
u32 nr_cpus;			/* scx_bpf_nr_cpu_ids(), capped at SCXD_MAX_CPUS */
u32 nr_llcs;
u32 nr_online;			/* CPUs online at init */
u32 topo_source;		/* enum scxd_topo_source */

/* Tasks currently in each layer; read by the daemon. */
s64 layer_nr_tasks[SCXD_MAX_LAYERS];

/* Why the scheduler stopped; read by the daemon after detach. */
struct scxd_exit_rec exit_rec;

/*
 * Fault injection, for the tests of what the daemon does when the
 * scheduler fails: debug builds of the daemon (make SANITIZE=1) set
 * debug_knobs before load; in a release build it stays false and the
 * verifier drops the code it guards. inject_error_at: ops.tick fails the
 * scheduler with scx_bpf_error() once the clock passes it (0: never).
 */
const volatile bool debug_knobs;
u64 inject_error_at;

/* Largest task vtime handed out so far; new and waking tasks start near it. */
static u64 vtime_now;

/* Globals, not statics: clang has emitted a wrong BTF size for a static
 * array here, which the kernel rejects at load. */
/* Per (layer, LLC), indexed like dsq_of(): weights are kept per LLC. */
u64 layer_vtime[NR_QUEUES];
/* Per (layer, LLC) queue, indexed like dsq_of(): starvation is a queue's,
 * not a layer's; a layer served on one LLC can starve on another. */
u64 queue_served_at[NR_QUEUES];
/* Per (policy, LLC): policy * SCXD_MAX_LLCS + llc. */
u64 class_vtime[SCXD_NR_CLASSES * SCXD_MAX_LLCS];

struct layer_counters {
	u64 cnt[SCXD_MAX_LAYERS][SCXD_LSTATS_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct layer_counters);
} layer_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxd_lat_hist);
} lat_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCXD_NR_STATS);
	__type(key, u32);
	__type(value, u64);
} stats SEC(".maps");

/*
 * Per CPU: when a waking latency task last claimed it as its victim, and
 * which task it preempted there with how much slice left, so that task
 * resumes on this CPU right after the preemptor (see scxd_enqueue).
 */
struct cpu_ctx {
	u64	claimed_at;
	u64	resume_slice;
	s32	resume_pid;
	u32	pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXD_MAX_CPUS);
	__type(key, u32);
	__type(value, struct cpu_ctx);
} cpu_ctxs SEC(".maps");

struct task_ctx {
	/* struct scxd_task_info, which the daemon reads (explain) */
	u32	layer;		/* SCXD_NO_LAYER until enabled; changed by xchg */
	u32	rule;		/* what put it there: a rule index or enum scxd_reason */
	struct scxd_behavior beh;
	struct task_fp fp;
	s32	last_cpu;	/* -1 before the first run */
	u64	runnable_at;	/* its wakeup (see Accounting); 0 once running */
	u64	running_at;
	u64	queued_at;	/* last inserted into a (layer, LLC) queue */
	u64	prepaid;	/* what its layer was charged when it started running */
	u64	burst_ns;	/* recent CPU time (scxd_recent_burst), as of burst_at */
	u64	burst_at;
	u64	last_run_ns;	/* CPU time of its last run */
	bool	via_queue;	/* last inserted into a (layer, LLC) queue */
	bool	fp_fresh;	/* fingerprint checked by this wakeup's select_cpu */
	bool	wake_sync;	/* this wakeup's waker is about to sleep (SCX_WAKE_SYNC) */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

_Static_assert(__builtin_offsetof(struct task_ctx, layer) ==
	       __builtin_offsetof(struct scxd_task_info, layer) &&
	       __builtin_offsetof(struct task_ctx, rule) ==
	       __builtin_offsetof(struct scxd_task_info, rule) &&
	       __builtin_offsetof(struct task_ctx, beh) ==
	       __builtin_offsetof(struct scxd_task_info, beh), "task_ctx head");

static void layer_stat_add(u32 layer, u32 stat, u64 v)
{
	struct layer_counters *c;
	u32 zero = 0;

	/* Masked as well as checked: an index reloaded from the stack can
	 * reach the verifier without the bounds the check gave it. */
	c = bpf_map_lookup_elem(&layer_stats, &zero);
	if (c && layer < SCXD_MAX_LAYERS && stat < SCXD_NR_LSTATS)
		c->cnt[layer & LAYER_MASK][stat & (SCXD_LSTATS_MAX - 1)] += v;
}

static void layer_stat_inc(u32 layer, u32 stat)
{
	layer_stat_add(layer, stat, 1);
}

static void stat_inc(u32 stat)
{
	u64 *c = bpf_map_lookup_elem(&stats, &stat);

	if (c)
		(*c)++;
}

/* The context of a callback's own task: missing is a bug (see the essay). */
static struct task_ctx *lookup_task_ctx(struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (!tctx)
		scxd_error("task_ctx lookup failed for pid %d", p->pid);
	return tctx;
}

/* The context of a task a callback only looks at; NULL: not one of ours. */
static struct task_ctx *peek_task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, p, 0, 0);
}

static struct scxd_layer *lookup_layer(u32 idx)
{
	struct scxd_layer *layer = bpf_map_lookup_elem(&layers, &idx);

	if (!layer)
		scxd_error("layer %u out of range", idx);
	return layer;
}

/*
 * The layer of a task a callback only looks at (another CPU's current
 * task, a queue's head), with its index in @idx; NULL if the task is not
 * one of ours (see peek_task_ctx).
 */
static struct scxd_layer *task_layer(struct task_struct *p, u32 *idx,
				     struct task_ctx **tctxp)
{
	struct task_ctx *tctx = peek_task_ctx(p);
	u32 i;

	if (!tctx)
		return NULL;
	i = tctx->layer;
	*idx = i;
	if (tctxp)
		*tctxp = tctx;
	return bpf_map_lookup_elem(&layers, &i);
}

static u64 dsq_of(u32 layer, u32 llc)
{
	return (u64)(layer & LAYER_MASK) * SCXD_MAX_LLCS + (llc & LLC_MASK);
}

/* Move @tctx to @layer (SCXD_NO_LAYER: out of every layer). The exchange
 * makes each transition counted exactly once, whoever races. */
static void set_layer(struct task_ctx *tctx, u32 layer)
{
	u32 old = __sync_lock_test_and_set(&tctx->layer, layer);

	if (old == layer)
		return;
	if (old < SCXD_MAX_LAYERS)
		__sync_fetch_and_sub(&layer_nr_tasks[old & LAYER_MASK], 1);
	if (layer < SCXD_MAX_LAYERS)
		__sync_fetch_and_add(&layer_nr_tasks[layer & LAYER_MASK], 1);
}

/*
 * The entry of `layers` that serves a task of layer entry @lidx, @layer
 * (NULL: looked up here), now: the entry itself, or for an auto layer the
 * entry of the class the task's behaviour calls for (its class is
 * updated here).
 */
static u32 class_entry(struct task_ctx *tctx, u32 lidx, const struct scxd_layer *layer,
		       u64 now)
{
	u32 cls;

	if (!layer)
		layer = bpf_map_lookup_elem(&layers, &lidx);
	if (!layer || layer->peer >= SCXD_MAX_LAYERS)
		return lidx;
	cls = scxd_behavior_class(&tctx->beh, now, layer->auto_run_ns, layer->auto_gap_ns);
	tctx->beh.cls = cls;
	return cls == layer->policy ? lidx : layer->peer;
}

/* Re-classify @p if any fact its layer was chosen by has changed. */
static void refresh_layer(struct task_struct *p, struct task_ctx *tctx, bool force)
{
	struct task_fp fp;

	read_fp(p, &fp);
	if (!force && tctx->layer < SCXD_MAX_LAYERS && fp_equal(&fp, &tctx->fp))
		return;
	tctx->fp = fp;
	/* A task whose facts changed (a new program, cgroup, nice) starts a
	 * fresh latency burst: its recent CPU use was the old one's. A frame
	 * loop's own start (fork, cgroup move, exec: ~10 ms of CPU under
	 * emulation) used up the budget of its first frame, which then
	 * waited out a hog's slice (the one missed frame traced in the
	 * bench's frame loop). */
	tctx->burst_ns = 0;
	set_layer(tctx, class_entry(tctx, classify(p, &tctx->rule), NULL, scx_bpf_now()));
	if (tctx->rule == SCXD_RULE_CATCH_ALL)
		stat_inc(SCXD_STAT_CLASSIFY_FAIL);
	layer_stat_inc(tctx->layer, SCXD_LSTAT_RECLASSIFY);
}

static u64 layer_slice(struct scxd_layer *layer)
{
	return layer->slice_ns ? layer->slice_ns : SCX_SLICE_DFL;
}

/*
 * Charge layer @lidx for @ns of CPU time on LLC @llc (negative: a
 * refund), scaled inversely by its weight. Atomic: every CPU of the LLC
 * charges layers.
 */
static void layer_charge(u32 lidx, u32 llc, struct scxd_layer *layer, s64 ns)
{
	u64 w = layer->weight ? layer->weight : 100;
	u64 d = (ns < 0 ? -ns : ns) * 100 / w;

	__sync_fetch_and_add(&layer_vtime[dsq_of(lidx, llc) & (NR_QUEUES - 1)],
			     ns < 0 ? -d : d);
}

static void task_set_vtime(struct task_struct *p, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_task_set_dsq_vtime))
		scx_bpf_task_set_dsq_vtime(p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}

/* An empty span means the daemon has not placed the layer: run anywhere,
 * never nowhere. */
static bool span_is_all(const struct scxd_layer_cpus *lc)
{
	return lc->nr_span == 0 || lc->nr_span >= nr_online;
}

/* Is @cpu in the span @lc gives its layer? */
static bool span_has_cpu(const struct scxd_layer_cpus *lc, s32 cpu)
{
	return lc->nr_span == 0 || scxd_cpumask_test(&lc->span, cpu);
}

/* May layer @i run on @cpu? */
static bool cpu_in_span(u32 i, s32 cpu)
{
	struct scxd_layer_cpus *lc = bpf_map_lookup_elem(&layer_cpus, &i);

	return lc && span_has_cpu(lc, cpu);
}

static u64 *class_clock(u32 policy, u32 llc)
{
	return &class_vtime[((policy & 1) * SCXD_MAX_LLCS + llc) &
			    (SCXD_NR_CLASSES * SCXD_MAX_LLCS - 1)];
}

/* A layer's virtual time on @llc, with at most layer_credit_ns of idle credit. */
static u64 layer_eff_vtime(u32 idx, u32 policy, u32 llc)
{
	u64 floor = *class_clock(policy, llc);
	u64 lv = layer_vtime[dsq_of(idx, llc) & (NR_QUEUES - 1)];

	/*
	 * max(lv, floor - credit) in one comparison (vtimes stay far below
	 * 2^63). Clamping floor - credit at 0 first, as two comparisons on
	 * a tunable read from rodata, took scxd_dispatch past the verifier's
	 * 1M-instruction limit (from 100k with the credit an immediate).
	 */
	return lv + layer_credit_ns >= floor ? lv : floor - layer_credit_ns;
}

/* --- placement --- */

/*
 * What every scan over the CPUs for a task looks for first: a CPU of
 * @span (NULL: any) that @p may run on, in @llc (~0: any). Each scan's
 * own state follows it.
 */
struct cpu_scan {
	struct task_struct	*p;
	const struct scxd_cpumask *span;
	u32			llc;
	s32			found;
};

static bool scan_admits(const struct cpu_scan *sc, u32 cpu)
{
	return (!sc->span || scxd_cpumask_test(sc->span, cpu)) &&
	       bpf_cpumask_test_cpu(cpu, sc->p->cpus_ptr) &&
	       (sc->llc == ~0U || llc_of(cpu) == sc->llc);
}

struct idle_scan {
	struct cpu_scan		sc;
	const struct cpumask	*smt;	/* idle SMT mask: whole idle cores */
	bool			core;	/* only CPUs whose core is wholly idle */
};

static long idle_scan_cpu(u64 idx, void *data)
{
	struct idle_scan *is = data;
	s32 cpu = idx;

	if (!scan_admits(&is->sc, cpu))
		return 0;
	if (is->core && !bpf_cpumask_test_cpu(cpu, is->smt))
		return 0;
	if (!scx_bpf_test_and_clear_cpu_idle(cpu))
		return 0;
	is->sc.found = cpu;
	return 1;
}

/*
 * An idle CPU of @span for @p: a wholly idle core in @prev_cpu's LLC, a
 * wholly idle core anywhere, any idle CPU in the LLC, any idle CPU.
 * Claims the CPU (clears its idle bit). -1 if none.
 */
static s32 pick_idle_in_span(struct task_struct *p, s32 prev_cpu,
			     const struct scxd_cpumask *span)
{
	struct idle_scan is = { .sc = { .p = p, .span = span, .llc = ~0U, .found = -1 } };
	u32 n = nr_cpus < SCXD_MAX_CPUS ? nr_cpus : SCXD_MAX_CPUS;
	u32 pass;

	if (scan_admits(&is.sc, prev_cpu) && scx_bpf_test_and_clear_cpu_idle(prev_cpu))
		return prev_cpu;

	is.smt = scx_bpf_get_idle_smtmask();
	for (pass = 0; pass < 4 && is.sc.found < 0; pass++) {
		is.core = pass < 2;
		is.sc.llc = (pass & 1) ? ~0U : llc_of(prev_cpu);
		bpf_loop(n, idle_scan_cpu, &is, 0);
	}
	scx_bpf_put_idle_cpumask(is.smt);
	return is.sc.found;
}

/*
 * Is any CPU idle at all? Where the load keeps every CPU busy (the hogs
 * beside a probe, a build), the idle picks find nothing, and the kernel's
 * own walks its scheduling domains to learn it: under emulation 38 us of
 * a wakeup's 73 us in select_cpu. One look at the idle mask says the
 * same (select_cpu 44-51 us -> 23-34 us, 4 boots). A CPU going idle just
 * after is the race every pick has.
 */
static bool any_cpu_idle(void)
{
	const struct cpumask *idle = scx_bpf_get_idle_cpumask();
	bool any = !bpf_cpumask_empty(idle);

	scx_bpf_put_idle_cpumask(idle);
	return any;
}

s32 BPF_STRUCT_OPS(scxd_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct scxd_layer_cpus *lc;
	struct scxd_layer *layer;
	struct bpf_cpumask *span;
	struct task_ctx *tctx;
	struct span_mask *sm;
	bool is_idle = false;
	u32 lidx;
	s32 cpu;

	tctx = lookup_task_ctx(p);
	if (!tctx)
		return prev_cpu;
	refresh_layer(p, tctx, false);
	tctx->fp_fresh = true;
	tctx->wake_sync = wake_flags & SCX_WAKE_SYNC;
	/* Its wait starts here (see runnable_at): a wakeup or a fork. */
	tctx->runnable_at = scx_bpf_now();
	scxd_behavior_woke(&tctx->beh, tctx->runnable_at);
	lidx = tctx->layer;
	layer = lookup_layer(lidx);
	lc = bpf_map_lookup_elem(&layer_cpus, &lidx);
	if (!layer || !lc)
		return prev_cpu;

	if (!any_cpu_idle()) {
		/* Every pick below would come back empty-handed. */
		layer_stat_inc(lidx, SCXD_LSTAT_BUSY);
		return prev_cpu;
	}
	if (span_is_all(lc)) {
		cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	} else if (bpf_ksym_exists(scx_bpf_select_cpu_and) &&
		   (sm = bpf_map_lookup_elem(&span_masks, &lidx)) && (span = sm->mask)) {
		/* The kernel's pick: its SMT, LLC and NUMA order, in the span. */
		cpu = scx_bpf_select_cpu_and(p, prev_cpu, wake_flags,
					     (const struct cpumask *)span, 0);
		is_idle = cpu >= 0;
		if (is_idle)
			layer_stat_inc(lidx, SCXD_LSTAT_KPICK);
		else
			cpu = prev_cpu;
	} else {
		cpu = pick_idle_in_span(p, prev_cpu, &lc->span);
		is_idle = cpu >= 0;
		if (!is_idle)
			cpu = prev_cpu;
	}
	if (is_idle) {
		tctx->via_queue = false;
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, layer_slice(layer), 0);
		layer_stat_inc(lidx, SCXD_LSTAT_DIRECT);
	}
	return cpu;
}

/*
 * @cpu's current task if it is a throughput task, else NULL. Asked of the
 * kernel (the CPU's current task) rather than tracked in running/stopping:
 * a CPU that keeps its task without a context switch calls neither.
 */
static struct task_struct *throughput_curr(s32 cpu)
{
	struct task_struct *curr = scx_bpf_cpu_curr(cpu);
	struct scxd_layer *layer;
	u32 idx;

	if (!curr)
		return NULL;
	layer = task_layer(curr, &idx, NULL);
	return layer && layer->policy == SCXD_POLICY_THROUGHPUT ? curr : NULL;
}

/*
 * Remember that @curr, its CPU's current task, is about to be preempted
 * with the slice it has left: preemption zeroes that slice, and without
 * this the task would queue behind its siblings and its CPU would go
 * through a whole dispatch for it, once per latency wakeup (a 1 kHz probe
 * did that a thousand times a second).
 */
static void note_preempted(struct cpu_ctx *cc, struct task_struct *curr)
{
	/* A zero slice: an earlier preemption that has not taken effect
	 * yet (it can take a tick) already recorded the slice left. */
	if (!curr->scx.slice)
		return;
	cc->resume_slice = curr->scx.slice;
	cc->resume_pid = curr->pid;
}

/* Claim @cpu as a victim, so that two waking tasks do not pick the same
 * one within claim_ns; only a CPU running a throughput task qualifies. */
static bool claim_victim(s32 cpu, u64 now)
{
	u32 key = (u32)cpu & CPU_MASK;
	struct cpu_ctx *cc = bpf_map_lookup_elem(&cpu_ctxs, &key);
	struct task_struct *curr;
	u64 last;

	if (!cc || !(curr = throughput_curr(cpu)))
		return false;
	last = cc->claimed_at;
	if (now - last < claim_ns)
		return false;
	if (!__sync_bool_compare_and_swap(&cc->claimed_at, last, now))
		return false;
	note_preempted(cc, curr);
	return true;
}

/*
 * Is @p the task a latency task just preempted on its CPU? Then it goes
 * back to that CPU's local queue, behind the preemptor, with the slice
 * it had left. The record is used once, and only while younger than
 * that slice: a record older than it is not of this preemption (the
 * preemptor reaches its CPU late when the CPU first has to take an IPI,
 * ms late on an emulated one; a fixed 1 ms window missed every time).
 */
static u64 take_resume_slice(struct task_struct *p, s32 cpu, u64 now)
{
	u32 key = (u32)cpu & CPU_MASK;
	struct cpu_ctx *cc = bpf_map_lookup_elem(&cpu_ctxs, &key);
	u64 slice;

	if (!cc || cc->resume_pid != p->pid || !cc->resume_slice)
		return 0;
	slice = cc->resume_slice;
	cc->resume_pid = 0;
	cc->resume_slice = 0;
	return now - cc->claimed_at < slice ? slice : 0;
}

/*
 * A task waking in a throughput layer finds no idle CPU: EEVDF lets a
 * sleeper preempt a task that has had its share, and a 20 ms slice made
 * it wait that long (a build host's sshd behind the build: 24 ms at p99
 * against EEVDF's 5 ms). If the task on its CPU is a throughput task the
 * waker is ahead of by more than wake_gran_ns of virtual time (in one
 * layer, the two tasks' virtual times, the running one's with what it has
 * run so far; across layers, the layers' on this LLC), that task's slice
 * ends now. Nothing jumps a queue: the dispatch that follows picks in the
 * usual order, the slice only ends sooner. Any lead is enough by
 * default (wake_gran_ns 0), as in EEVDF a task owed CPU time gets it when
 * it wakes: with a 1 ms margin a woken worker waited out half of a
 * running 2 ms request (message/worker wakeups at 7x EEVDF's p50). A
 * margin keeps tasks of one layer that are about even from ending each
 * other's slices. (Any lead preempting, hackbench took 1.8x EEVDF's
 * time, with a 1 ms margin still 1.6x, until the caller left sync
 * wakeups out; since then 0.84-1.06x with none.)
 * @cpu serves @p next: its LLC's queue, or its local queue. Returns
 * whether it kicked.
 */
static bool shorten_current(struct task_struct *p, u32 lidx, u64 vtime, s32 cpu, u64 now)
{
	struct task_struct *curr;
	struct scxd_layer *cl;
	struct task_ctx *cctx = NULL;
	u64 ran, ahead;
	u32 cidx;

	/* Idle, @p itself, or a resched already pending (slice at 0). */
	curr = scx_bpf_cpu_curr(cpu);
	if (!curr || curr == p || !curr->pid || !curr->scx.slice)
		return false;
	cl = task_layer(curr, &cidx, &cctx);
	if (!cl || !cctx || cl->policy != SCXD_POLICY_THROUGHPUT)
		return false;
	if (cidx == lidx) {
		ran = now > cctx->running_at ? now - cctx->running_at : 0;
		/* curr's vtime is charged when it stops: add what it ran so far. */
		ahead = curr->scx.dsq_vtime - vtime +
			ran * 100 / (curr->scx.weight ? curr->scx.weight : 100);
	} else {
		u32 llc = llc_of(cpu);

		ahead = layer_eff_vtime(cidx, SCXD_POLICY_THROUGHPUT, llc) -
			layer_eff_vtime(lidx, SCXD_POLICY_THROUGHPUT, llc);
	}
	if ((s64)ahead <= (s64)wake_gran_ns)
		return false;
	scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
	return true;
}

struct victim_scan {
	struct cpu_scan		sc;
	u64			now;
};

static long victim_scan_cpu(u64 idx, void *data)
{
	struct victim_scan *vs = data;
	u32 cpu = idx;

	if (!scan_admits(&vs->sc, cpu) || !claim_victim(cpu, vs->now))
		return 0;
	vs->sc.found = cpu;
	return 1;
}

/*
 * A CPU of @span (NULL: any) running a throughput task: @cpu, @p's own,
 * first, then @cpu's LLC, then any; -1 if none. @p's own CPU is as a
 * rule where its timer fired or its waker ran: taken there, the
 * preemption needs no IPI and @p no migration. Scanned from CPU 0
 * instead, two latency tasks waking together took each other's CPUs
 * whenever the one on the higher CPU was handled first: two frame loops
 * side by side on two CPUs of four hogs, one of them in a pure latency
 * layer migrated on 111-568 of its ~1750 wakeups (1 since), and the
 * other's wakeup p99 came out at up to 2.1x its own (0.97-1.08x since,
 * VM case 91): on the emulated machine an IPI waits ms for the other
 * vCPU's turn.
 */
static s32 find_victim(struct task_struct *p, s32 cpu, const struct scxd_cpumask *span,
		       u64 now)
{
	struct victim_scan vs = {
		.sc = { .p = p, .span = span, .llc = llc_of(cpu), .found = -1 },
		.now = now,
	};
	u32 n = nr_cpus < SCXD_MAX_CPUS ? nr_cpus : SCXD_MAX_CPUS;

	if (scan_admits(&vs.sc, (u32)cpu) && claim_victim(cpu, now))
		return cpu;
	bpf_loop(n, victim_scan_cpu, &vs, 0);
	if (vs.sc.found < 0) {
		vs.sc.llc = ~0U;
		bpf_loop(n, victim_scan_cpu, &vs, 0);
	}
	return vs.sc.found;
}

static long allow_scan_cpu(u64 idx, void *data)
{
	struct cpu_scan *sc = data;

	if (!scan_admits(sc, idx))
		return 0;
	sc->found = idx;
	return 1;
}

/* May @p run on some CPU of @span at all? (taskset can rule them all out) */
static bool span_allows(struct task_struct *p, const struct scxd_cpumask *span)
{
	struct cpu_scan sc = { .p = p, .span = span, .llc = ~0U, .found = -1 };
	u32 n = nr_cpus < SCXD_MAX_CPUS ? nr_cpus : SCXD_MAX_CPUS;

	bpf_loop(n, allow_scan_cpu, &sc, 0);
	return sc.found >= 0;
}

/* The LLC to queue on: @cpu's if the layer may run there, else its first. */
static u32 queue_llc(s32 cpu, const struct scxd_layer_cpus *lc)
{
	u32 llc = llc_of(cpu);

	if (!lc->span_llcs || (lc->span_llcs & (1ULL << llc)))
		return llc;
	return __builtin_ctzll(lc->span_llcs) & LLC_MASK;
}

/*
 * @p's virtual time to queue by: a sleeper may bank at most one slice of
 * credit, so that a task that slept for long does not monopolise its
 * layer when it wakes.
 */
static u64 queue_vtime(struct task_struct *p, u64 slice)
{
	u64 vtime = p->scx.dsq_vtime;

	if (vtime_now > slice && (s64)(vtime - (vtime_now - slice)) < 0)
		vtime = vtime_now - slice;
	return vtime;
}

void BPF_STRUCT_OPS(scxd_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	struct scxd_layer_cpus *lc;
	struct scxd_layer *layer;
	bool may_preempt, sync;
	u64 vtime, slice, now;
	u32 lidx, key, llc;
	s32 cpu;

	if (!tctx)
		return;
	now = scx_bpf_now();
	sync = tctx->wake_sync;
	tctx->wake_sync = false;
	/* A wakeup that skipped select_cpu (a task of one CPU) starts its
	 * wait here. */
	if ((enq_flags & SCX_ENQ_WAKEUP) && !tctx->runnable_at) {
		tctx->runnable_at = now;
		scxd_behavior_woke(&tctx->beh, now);
	}
	cpu = scx_bpf_task_cpu(p);
	key = (u32)cpu & CPU_MASK;

	/*
	 * A task just preempted by a latency task resumes where it was,
	 * before anything else is looked at: under a latency probe that is
	 * every other enqueue. (Its facts are checked at its next enqueue or
	 * stop; a preemption delays that by the rest of one slice.)
	 */
	if (!(enq_flags & SCX_ENQ_WAKEUP)) {
		u64 rest = take_resume_slice(p, cpu, now);

		if (rest) {
			tctx->via_queue = false;
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, rest, enq_flags);
			layer_stat_inc(tctx->layer, SCXD_LSTAT_ENQ);
			layer_stat_inc(tctx->layer, SCXD_LSTAT_RESUME);
			return;
		}
	}

	/* A wakeup's select_cpu has just read the fingerprint; nothing can
	 * have changed it since but a cgroup move, which re-reads it. */
	if (!tctx->fp_fresh)
		refresh_layer(p, tctx, false);
	tctx->fp_fresh = false;
	lidx = tctx->layer;
	layer = lookup_layer(lidx);
	lc = bpf_map_lookup_elem(&layer_cpus, &lidx);
	if (!layer || !lc)
		return;
	slice = layer_slice(layer);
	layer_stat_inc(lidx, SCXD_LSTAT_ENQ);
	if (enq_flags & SCX_ENQ_WAKEUP)
		layer_stat_inc(lidx, SCXD_LSTAT_WAKEUP);
	/*
	 * A latency task preempts when it wakes, and when its slice ran out
	 * while its recent CPU use is under latency_burst_ns: a frame's 4 ms
	 * of work in 2 ms slices otherwise waited out a hog's 20 ms slice
	 * after the first, and a loop that falls behind never sleeps again
	 * (it missed 99% of its frames). Counted since its wakeup instead,
	 * the burst ran out for good once such a loop fell behind: half of
	 * the frames missed. A task past the burst keeps its place before
	 * the throughput layers at dispatch, but takes no CPU from them by
	 * force.
	 */
	may_preempt = layer->policy == SCXD_POLICY_LATENCY && layer->preempt &&
		      ((enq_flags & SCX_ENQ_WAKEUP) ||
		       scxd_recent_burst(tctx->burst_ns, tctx->burst_at, now) < latency_burst_ns);
	vtime = queue_vtime(p, slice);

	/*
	 * Affinity wins over placement: a task pinned to one CPU, or whose
	 * allowed CPUs miss its layer's span entirely, would wait forever in
	 * a queue that no CPU it may use serves. It goes to the local queue
	 * of its CPU (the kernel keeps that within its affinity), preempting
	 * a throughput task there if it may: probes such as cyclictest pin
	 * their threads, and without this they waited out the victim's slice.
	 */
	if (p->nr_cpus_allowed == 1 ||
	    (!span_is_all(lc) && !scxd_cpumask_test(&lc->span, cpu) && !span_allows(p, &lc->span))) {
		/* A CPU running a throughput task is not idle: one look at
		 * its task spares a latency task the idle test. */
		struct task_struct *victim = may_preempt ? throughput_curr(cpu) : NULL;

		/* Such tasks skip ops.select_cpu: an idle CPU is found here. */
		if (!victim && scx_bpf_test_and_clear_cpu_idle(cpu)) {
			layer_stat_inc(lidx, SCXD_LSTAT_DIRECT);
		} else if ((enq_flags & SCX_ENQ_WAKEUP) && layer->policy == SCXD_POLICY_THROUGHPUT) {
			/* A pinned sleeper (cyclictest pins its thread): its
			 * CPU's local queue is served next, when the slice
			 * there ends, which this may bring forward. */
			if (shorten_current(p, lidx, vtime, cpu, now))
				layer_stat_inc(lidx, SCXD_LSTAT_SHORTEN);
		} else if (victim) {
			/* No claim: a task preempting its own CPU through its
			 * local queue races no other waker for a victim (a claim
			 * window as long as a probe's period refused every
			 * second wakeup). The time is still noted, for
			 * take_resume_slice(). */
			struct cpu_ctx *cc = bpf_map_lookup_elem(&cpu_ctxs, &key);

			if (cc) {
				cc->claimed_at = now;
				note_preempted(cc, victim);
			}
			enq_flags |= SCX_ENQ_PREEMPT;
			layer_stat_inc(lidx, SCXD_LSTAT_PREEMPT);
		}
		tctx->via_queue = false;
		/* No kick: an insert into a local queue reschedules that CPU
		 * when it idles or runs a lower class (and, with
		 * SCX_ENQ_PREEMPT, when it runs ours), and a kick from here,
		 * under this CPU's lock, always costs an irq_work. */
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice, enq_flags);
		return;
	}

	/*
	 * A waking latency task with no idle CPU takes over a CPU of its span
	 * running a throughput task: SCX_ENQ_PREEMPT puts it at the head of
	 * that CPU's local queue and zeroes the running task's slice.
	 */
	if (may_preempt) {
		s32 victim = find_victim(p, cpu, span_is_all(lc) ? NULL : &lc->span, now);

		if (victim >= 0) {
			tctx->via_queue = false;
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | victim, slice,
					   enq_flags | SCX_ENQ_PREEMPT);
			layer_stat_inc(lidx, SCXD_LSTAT_PREEMPT);
			return;
		}
	}

	llc = queue_llc(cpu, lc);
	tctx->via_queue = true;
	tctx->queued_at = now;
	scx_bpf_dsq_insert_vtime(p, dsq_of(lidx, llc), slice, vtime, enq_flags);
	/*
	 * A waker that is about to sleep (a socket or pipe write, hackbench's)
	 * hands its CPU, of this LLC, to the queue soon anyway: ending another
	 * task's slice on top took hackbench to 1.4-1.6x EEVDF's time.
	 */
	if ((enq_flags & SCX_ENQ_WAKEUP) && layer->policy == SCXD_POLICY_THROUGHPUT &&
	    !(sync && llc_of(bpf_get_smp_processor_id()) == llc) &&
	    llc == llc_of(cpu) && span_has_cpu(lc, cpu) &&
	    shorten_current(p, lidx, vtime, cpu, now))
		layer_stat_inc(lidx, SCXD_LSTAT_SHORTEN);
	/*
	 * No idle kick: this runs under the lock of @cpu's runqueue, where
	 * the task is being queued, so a kick of @cpu always went through an
	 * irq_work (the kernel cannot take that lock to see it is busy), ~50
	 * us of an enqueue under emulation, and never had anything to do: a
	 * task queued on an idle CPU's runqueue reschedules it (the core's
	 * wakeup_preempt()), and a task queued at its slice's end is queued
	 * by its CPU's own schedule(), which dispatches next.
	 */
}

/* --- dispatch --- */

/*
 * Move the head of queue (@layer, @llc) to this CPU. Its layer is charged
 * when the task starts running (scxd_running), with what the task used
 * last time up to a slice, and the task's stop settles the difference:
 * charged only when the task stopped, a layer looked cheap to every CPU
 * choosing during that slice, and 8 CPUs served 300:100 weights
 * 1.2-2.3:1; charged a whole slice, a layer of short-running sleepers
 * looked as dear as one of hogs to every CPU choosing before they stopped,
 * and a sleeper in a throughput layer waited behind the hogs' layer.
 *
 * A global function: the verifier checks it once, not once per caller
 * path through scxd_dispatch (inlined, it took that program over 300k
 * instructions on 7.2).
 */
__attribute__((noinline)) int dispatch_from(u32 layer, u32 llc, u64 now)
{
	u64 q = dsq_of(layer, llc);

	if (!scx_bpf_dsq_move_to_local(q))
		return false;
	queue_served_at[q & (NR_QUEUES - 1)] = now;
	layer_stat_inc(layer, SCXD_LSTAT_DISPATCH);
	return true;
}

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

/* The class's clock on @llc follows the layer it serves; a layer lifted
 * to its credit floor keeps the floor. */
static void pick_commit(struct pick *pk, u32 policy, u32 llc)
{
	u64 *clock = class_clock(policy, llc);
	u64 *lv = &layer_vtime[dsq_of(pk->layer, llc) & (NR_QUEUES - 1)];

	if (pk->vtime > *clock)
		*clock = pk->vtime;
	if (pk->vtime > *lv)
		*lv = pk->vtime;
}

static bool pick_dispatch(struct pick *pk, u32 policy, u32 llc, u64 now)
{
	if (pk->layer >= SCXD_MAX_LAYERS)
		return false;
	pick_commit(pk, policy, llc);
	return dispatch_from(pk->layer, llc, now);
}

struct dispatch_scan {
	s32		cpu;
	u32		llc;
	u64		now;
	u64		oldest;		/* served_at of the most starved layer */
	u32		starved;
	struct pick	lat, tput;
	struct pick	pull;	/* throughput layer with no task queued here */
	/* steal_one(): only this layer (idx: llc); ~0: any (idx: layer * LLCs + llc) */
	u32		steal_layer;
	bool		stole;
};

/*
 * The scan's state lives in a per-CPU map value, not on the stack, and
 * the callbacks get a pointer to it: the verifier simulates a bpf_loop()
 * callback until the state it leaves converges, and every field on the
 * stack (the best vtime so far, the starved layer, ...) is tracked
 * exactly, so it converged slowly; a value loaded from a map is just
 * some number. ops.dispatch does not nest on a CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct dispatch_scan);
} dispatch_scans SEC(".maps");

/*
 * One layer of the dispatch scan. A bpf_loop() callback is verified once;
 * an unrolled 16-layer scan whose iterations differ in what they found
 * so far exceeded the verifier's 1M-instruction budget.
 */
static long scan_layer(u64 idx, void *data)
{
	struct dispatch_scan *ds = *(struct dispatch_scan **)data;
	struct scxd_layer *layer;
	u32 i = idx & LAYER_MASK;
	bool removed = i >= nr_entries;
	struct pick *class;
	u64 served, vt = 0;
	bool starving;

	layer = bpf_map_lookup_elem(&layers, &i);
	if (!layer || (!removed && !cpu_in_span(i, ds->cpu)))
		return 0;
	/* i is spilled to the stack for the calls above and comes back unbounded. */
	i &= LAYER_MASK;
	served = queue_served_at[dsq_of(i, ds->llc) & (NR_QUEUES - 1)];
	/* A layer removed at runtime counts as starved: its queued tasks run
	 * first, and are re-classified when they next queue. */
	starving = (removed || ds->now - served > starve_ns) && served < ds->oldest;
	class = layer->policy == SCXD_POLICY_LATENCY ? &ds->lat : &ds->tput;
	if (!removed)
		vt = layer_eff_vtime(i, layer->policy, ds->llc);
	/*
	 * A queue that can be neither the most starved nor its class's pick
	 * (a layer as far behind or further has tasks here) is not asked
	 * how many tasks it holds: that asks the kernel's DSQ hash table,
	 * ~4 us of a dispatch under emulation. Nor can such a layer be the
	 * one to pull a task over, which must be ahead of the class's pick.
	 */
	if (!starving && (removed || vt >= class->vtime))
		return 0;
	if (scx_bpf_dsq_nr_queued(dsq_of(i, ds->llc)) <= 0) {
		if (!removed && layer->policy == SCXD_POLICY_THROUGHPUT)
			pick_consider(&ds->pull, i, vt);
		return 0;
	}
	if (starving) {
		ds->oldest = served;
		ds->starved = i;
	}
	if (!removed)
		pick_consider(class, i, vt);
	return 0;
}

/*
 * May a CPU of another LLC take @head, the head of its queue? Once its
 * cache is cold or it has waited steal_ns (scxd_may_steal; burst_at is
 * when it last stopped). Only a task queued, not one merely runnable: a
 * task preempted or out of slice stays runnable, and a hog would never
 * be taken.
 */
static bool may_steal(struct task_struct *head, u64 now)
{
	struct task_ctx *tctx = peek_task_ctx(head);

	return tctx && tctx->via_queue &&
	       scxd_may_steal(now, tctx->queued_at, tctx->burst_at, steal_ns);
}

/* Take a task of another LLC that may be stolen (may_steal). */
static long steal_one(u64 idx, void *data)
{
	struct dispatch_scan *ds = *(struct dispatch_scan **)data;
	u32 n = nr_llcs ? nr_llcs : 1;
	u32 layer = (idx / n) & LAYER_MASK, llc = (idx % n) & LLC_MASK;
	struct task_struct *head;

	if (ds->steal_layer != ~0U)
		layer = ds->steal_layer & LAYER_MASK;
	if (llc == ds->llc || !cpu_in_span(layer, ds->cpu))
		return 0;
	/* Kernels before scx_bpf_dsq_peek() steal without the threshold. */
	if (bpf_ksym_exists(scx_bpf_dsq_peek)) {
		head = scx_bpf_dsq_peek(dsq_of(layer, llc));
		if (!head || !may_steal(head, ds->now))
			return 0;
	}
	if (!dispatch_from(layer, llc, ds->now))
		return 0;
	layer_stat_inc(layer, SCXD_LSTAT_STEAL);
	ds->stole = true;
	return 1;
}

static bool renew_latency_slice(struct task_struct *p);

void BPF_STRUCT_OPS(scxd_dispatch, s32 cpu, struct task_struct *prev)
{
	u32 n = nr_layers_hw > nr_entries ? nr_layers_hw : nr_entries, zero = 0;
	struct dispatch_scan *ds;

	/* A latency task out of slice, still runnable, within its burst. */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED) && renew_latency_slice(prev))
		return;

	ds = bpf_map_lookup_elem(&dispatch_scans, &zero);
	if (!ds)
		return;
	ds->cpu = cpu;
	ds->llc = llc_of(cpu);
	ds->now = scx_bpf_now();
	ds->oldest = ~0ULL;
	ds->starved = ~0U;
	ds->lat.layer = ds->tput.layer = ds->pull.layer = ~0U;
	ds->lat.vtime = ds->tput.vtime = ds->pull.vtime = ~0ULL;
	ds->steal_layer = ~0U;
	ds->stole = false;

	if (n > SCXD_MAX_LAYERS)
		n = SCXD_MAX_LAYERS;
	bpf_loop(n, scan_layer, &ds, 0);

	if (ds->starved < SCXD_MAX_LAYERS && dispatch_from(ds->starved, ds->llc, ds->now)) {
		layer_stat_inc(ds->starved, SCXD_LSTAT_RESCUE);
		return;
	}
	/*
	 * Throughput layers share by layer virtual time alone. Serving a
	 * layer first on the CPUs it owns made its utilization, and so its
	 * next allocation, follow its ownership instead of its weight.
	 */
	if (pick_dispatch(&ds->lat, SCXD_POLICY_LATENCY, ds->llc, ds->now))
		return;
	/*
	 * A throughput layer owed more of this LLC than it has tasks here,
	 * while its tasks wait on another LLC, pulls one of them over:
	 * weights hold per LLC, so without this a layer whose tasks happened
	 * to gather on one LLC got less than its weight (300:100 came out
	 * 1.4:1). The pulled task then queues here; the layers' task mixes
	 * even out. Needs scx_bpf_dsq_peek() to tell a waiting task.
	 */
	if (nr_llcs > 1 && ds->pull.vtime < ds->tput.vtime &&
	    bpf_ksym_exists(scx_bpf_dsq_peek)) {
		ds->steal_layer = ds->pull.layer;
		bpf_loop(nr_llcs, steal_one, &ds, 0);
		if (ds->stole) {
			pick_commit(&ds->pull, SCXD_POLICY_THROUGHPUT, ds->llc);
			return;
		}
		ds->steal_layer = ~0U;
	}
	if (pick_dispatch(&ds->tput, SCXD_POLICY_THROUGHPUT, ds->llc, ds->now))
		return;
	/* About to idle: work of other LLCs that waited long enough. */
	if (nr_llcs > 1)
		bpf_loop(n * nr_llcs, steal_one, &ds, 0);
}

/* --- accounting --- */

static u32 lat_bucket(u64 ns)
{
	u32 b = 63 - __builtin_clzll(ns | 1);

	return b < SCXD_LAT_BUCKETS ? b : SCXD_LAT_BUCKETS - 1;
}

void BPF_STRUCT_OPS(scxd_running, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	s32 cpu = scx_bpf_task_cpu(p);
	u32 zero = 0, layer, key;
	struct scxd_lat_hist *h;
	struct scxd_layer *l;
	u64 now = scx_bpf_now();

	if ((s64)(p->scx.dsq_vtime - vtime_now) > 0)
		vtime_now = p->scx.dsq_vtime;
	if (!tctx)
		return;
	layer = tctx->layer & LAYER_MASK;
	tctx->running_at = now;
	key = layer;	/* a key's address spills it: keep @layer bounded */
	l = bpf_map_lookup_elem(&layers, &key);
	/* Charged now, what it used last time (up to a slice); its stop
	 * settles the difference (see dispatch_from). */
	tctx->prepaid = 0;
	if (tctx->via_queue && l) {
		u64 slice = layer_slice(l);

		tctx->prepaid = tctx->last_run_ns && tctx->last_run_ns < slice ?
				tctx->last_run_ns : slice;
		layer_charge(layer, llc_of(cpu), l, tctx->prepaid);
	}
	tctx->via_queue = false;
	tctx->fp_fresh = false;	/* select_cpu placed it: no enqueue came */
	tctx->wake_sync = false;

	if (tctx->runnable_at) {
		u64 lat = now > tctx->runnable_at ? now - tctx->runnable_at : 0;

		tctx->runnable_at = 0;
		h = bpf_map_lookup_elem(&lat_hist, &zero);
		if (h)
			h->bucket[layer][lat_bucket(lat) & (SCXD_LAT_BUCKETS - 1)]++;
		layer_stat_add(layer, SCXD_LSTAT_LAT_NS, lat);
		layer_stat_inc(layer, SCXD_LSTAT_LAT_CNT);
	}

	if (tctx->last_cpu >= 0 && tctx->last_cpu != cpu) {
		layer_stat_inc(layer, SCXD_LSTAT_MIGRATE);
		if (llc_of(tctx->last_cpu) != llc_of(cpu))
			layer_stat_inc(layer, SCXD_LSTAT_XLLC);
	}
	tctx->last_cpu = cpu;
}

void BPF_STRUCT_OPS(scxd_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	struct scxd_layer *layer;
	u64 used, now = scx_bpf_now();
	u32 lidx;

	if (!tctx)
		return;
	lidx = tctx->layer;
	layer = bpf_map_lookup_elem(&layers, &lidx);
	if (!layer)
		return;
	used = tctx->running_at && now > tctx->running_at ? now - tctx->running_at : 0;
	layer_stat_add(lidx, SCXD_LSTAT_CPU_NS, used);
	tctx->burst_ns = scxd_recent_burst(tctx->burst_ns, tctx->burst_at, now) + used;
	tctx->burst_at = now;
	tctx->last_run_ns = used;
	/* Charge the time used, scaled inversely by the task's weight, and
	 * the task's layer by the layer's weight, less what it prepaid. */
	task_set_vtime(p, p->scx.dsq_vtime +
			  used * 100 / (p->scx.weight ? p->scx.weight : 100));
	/* It stops where it ran: the CPU scxd_running noted. */
	layer_charge(lidx, llc_of(tctx->last_cpu), layer, (s64)used - (s64)tctx->prepaid);
	tctx->prepaid = 0;
	/* Charged to the entry it ran in; what it does next may call for the
	 * other class of its auto layer. */
	scxd_behavior_ran(&tctx->beh, used, !runnable);
	if (layer->peer < SCXD_MAX_LAYERS) {
		u32 next = class_entry(tctx, lidx, layer, now);

		if (next != lidx) {
			set_layer(tctx, next);
			layer_stat_inc(next, SCXD_LSTAT_RECLASS);
		}
	}
	/* A runnable task is re-checked by the enqueue that follows. */
	if (!runnable)
		refresh_layer(p, tctx, false);
}

/*
 * A latency task whose slice ran out, its recent CPU use under
 * latency_burst_ns, gets another slice on the spot, unless another task of
 * its layer waits on this LLC. Left to the end of the slice, the CPU went
 * to the next task in its local queue (a throughput task it had
 * preempted, resumed there) or to whatever dispatch found, since the task
 * itself is queued again only after that choice: a frame loop's 4 ms of
 * work in 2 ms slices waited out a hog's 20 ms slice between them, fell
 * behind, never slept again and missed 99% of its frames. The slice is
 * checked at the tick that follows this callback, so a refill there is
 * all it takes; where the kernel ends a slice between ticks, ops.dispatch
 * is asked with the task as @prev, and a slice given to @prev there keeps
 * it running (scxd_dispatch).
 */
static bool renew_latency_slice(struct task_struct *p)
{
	struct scxd_layer *layer;
	struct task_ctx *tctx = NULL;
	u64 now, burst;
	u32 lidx;

	layer = task_layer(p, &lidx, &tctx);
	if (!layer || !tctx || layer->policy != SCXD_POLICY_LATENCY || !layer->preempt)
		return false;
	now = scx_bpf_now();
	burst = scxd_recent_burst(tctx->burst_ns, tctx->burst_at, now) +
		(now > tctx->running_at ? now - tctx->running_at : 0);
	if (burst >= latency_burst_ns ||
	    scx_bpf_dsq_nr_queued(dsq_of(lidx, llc_of(scx_bpf_task_cpu(p)))) > 0)
		return false;
	if (bpf_ksym_exists(scx_bpf_task_set_slice))
		scx_bpf_task_set_slice(p, layer_slice(layer));
	else
		p->scx.slice = layer_slice(layer);
	layer_stat_inc(lidx, SCXD_LSTAT_KEEP);
	return true;
}

void BPF_STRUCT_OPS(scxd_tick, struct task_struct *p)
{
	if (debug_knobs && inject_error_at && bpf_ktime_get_ns() >= inject_error_at)
		scxd_error("injected error (scxd --debug-error-exits), due at %llu ns",
			   inject_error_at);
	if (!p->scx.slice)
		renew_latency_slice(p);
}

void BPF_STRUCT_OPS(scxd_set_weight, struct task_struct *p, u32 weight)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx && tctx->layer < SCXD_MAX_LAYERS)
		refresh_layer(p, tctx, false);
}

void BPF_STRUCT_OPS(scxd_cgroup_move, struct task_struct *p, struct cgroup *from,
		    struct cgroup *to)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx && tctx->layer < SCXD_MAX_LAYERS)
		refresh_layer(p, tctx, false);
}

s32 BPF_STRUCT_OPS(scxd_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx;

	tctx = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx)
		return -ENOMEM;
	/* A context from an earlier attach of this same program is reused:
	 * start it afresh. */
	__builtin_memset(tctx, 0, sizeof(*tctx));
	tctx->layer = SCXD_NO_LAYER;
	/* Until it shows that it wakes often and runs briefly. */
	tctx->beh.cls = SCXD_POLICY_THROUGHPUT;
	tctx->last_cpu = -1;
	/* A pinned task's children (threads, forks) are pinned the same. */
	if (args->fork) {
		struct scxd_pin *pin = bpf_task_storage_get(&pins, bpf_get_current_task_btf(),
							     0, 0);

		if (pin && !bpf_task_storage_get(&pins, p, pin, BPF_LOCAL_STORAGE_GET_F_CREATE))
			return -ENOMEM;
	}
	return 0;
}

void BPF_STRUCT_OPS(scxd_enable, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	task_set_vtime(p, vtime_now);
	if (tctx)
		refresh_layer(p, tctx, true);
}

void BPF_STRUCT_OPS(scxd_disable, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	if (tctx)
		set_layer(tctx, SCXD_NO_LAYER);
}

/*
 * Re-check every task after the daemon changed the rules: tasks asleep
 * would otherwise keep their old layer until they next run. The daemon
 * runs this iterator (reads its fd) after each configuration change.
 */
SEC("iter/task")
int scxd_reclassify(struct bpf_iter__task *ctx)
{
	struct task_struct *p = ctx->task;
	struct task_ctx *tctx;

	if (!p)
		return 0;
	tctx = peek_task_ctx(p);
	if (tctx && tctx->layer < SCXD_MAX_LAYERS)
		refresh_layer(p, tctx, false);
	return 0;
}

/*
 * Every task's behaviour, for scxctl suggest: one struct scxd_task_record
 * per task of ours, read by the daemon (loader_read_tasks()).
 */
SEC("iter/task")
int scxd_behaviors(struct bpf_iter__task *ctx)
{
	struct task_struct *p = ctx->task;
	struct scxd_task_record rec = {};
	struct task_ctx *tctx;

	if (!p)
		return 0;
	tctx = peek_task_ctx(p);
	if (!tctx || tctx->layer >= SCXD_MAX_LAYERS)
		return 0;
	rec.tid = p->pid;
	rec.tgid = p->tgid;
	rec.kthread = !!(p->flags & PF_KTHREAD);
	rec.layer = tctx->layer;
	rec.beh = tctx->beh;
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

/* --- topology and setup --- */

/*
 * Topology walk state lives in globals, not on the stack: the verifier
 * checks a bpf_loop() callback until its state converges, and a stack
 * counter that also bounds a loop never does (it blew the 1M budget).
 */
s32 llc_ids[SCXD_MAX_LLCS];		/* kernel LLC id of each dense index */
u32 llc_cpus[SCXD_MAX_LLCS];		/* online CPUs of each (cid topology) */

/* The dense index of kernel LLC id @id: its rank of first appearance. */
static u32 dense_llc(s32 id)
{
	u32 i, n = nr_llcs;

	for (i = 0; i < SCXD_MAX_LLCS; i++) {
		if (i >= n)
			break;
		if (llc_ids[i] == id)
			return i;
	}
	if (n >= SCXD_MAX_LLCS)
		return SCXD_MAX_LLCS - 1;
	llc_ids[n & LLC_MASK] = id;
	nr_llcs = n + 1;
	return n;
}

/*
 * Kernels differ in what sd_llc_id holds (the first CPU of the LLC, or
 * on 7.x a dense id): either way CPUs share an LLC exactly when they
 * share the id, so ids are numbered densely in order of first appearance.
 */
/* bpf_loop()'s context must be stack memory: the mask travels in this. */
struct topo_walk {
	const struct cpumask *online;
	bool failed;
};

static long topo_cpu(u64 idx, void *data)
{
	const struct cpumask *online = ((struct topo_walk *)data)->online;
	struct scxd_cpu_topo *t;
	u32 cpu = idx & CPU_MASK;
	const int *id, *size;

	t = bpf_map_lookup_elem(&cpu_topo, &cpu);
	if (!t)
		return 1;
	t->online = bpf_cpumask_test_cpu(cpu, online);
	nr_online += t->online;
	id = bpf_per_cpu_ptr(&sd_llc_id, cpu);
	size = bpf_per_cpu_ptr(&sd_llc_size, cpu);
	if (!id || !size || !t->online)
		return 0;
	t->llc_id = *id;
	t->llc_size = *size;
	t->node = bpf_ksym_exists(scx_bpf_cpu_node) ? scx_bpf_cpu_node(cpu) : 0;
	t->llc = dense_llc(t->llc_id);
	return 0;
}

/*
 * From sched_ext's own topology: a CPU's LLC is named by the cid of its
 * first CPU (llc_cid), its node by the node's. The LLC's size is counted
 * in the same walk and filled in by a second (topo_llc_size). A CPU the
 * kernel gives no cid topology for fails the walk: then sd_llc_id, which
 * every kernel with cids has, rewrites every entry.
 */
static long topo_cid(u64 idx, void *data)
{
	const struct cpumask *online = ((struct topo_walk *)data)->online;
	struct scx_cid_topo ct = { .llc_cid = -1 };
	u32 cpu = idx & CPU_MASK;
	struct scxd_cpu_topo *t;
	s32 cid;

	t = bpf_map_lookup_elem(&cpu_topo, &cpu);
	if (!t)
		return 1;
	t->online = bpf_cpumask_test_cpu(cpu, online);
	nr_online += t->online;
	if (!t->online)
		return 0;
	cid = scx_bpf_cpu_to_cid(cpu);
	if (cid >= 0)
		scx_bpf_cid_topo(cid, &ct, sizeof(ct));
	if (ct.llc_cid < 0) {
		((struct topo_walk *)data)->failed = true;
		return 1;
	}
	t->llc_id = ct.llc_cid;
	t->node = bpf_ksym_exists(scx_bpf_cpu_node) ? scx_bpf_cpu_node(cpu) : 0;
	t->llc = dense_llc(t->llc_id);
	llc_cpus[t->llc & LLC_MASK]++;
	return 0;
}

/* Second pass of topo_cid: each CPU's LLC size, counted in the first. */
static long topo_llc_size(u64 idx, void *data)
{
	u32 cpu = idx & CPU_MASK;
	struct scxd_cpu_topo *t = bpf_map_lookup_elem(&cpu_topo, &cpu);

	if (!t)
		return 1;
	if (t->online)
		t->llc_size = llc_cpus[t->llc & LLC_MASK];
	return 0;
}

/* Without the kernel's variables: only mark the daemon's entries online. */
static long topo_online(u64 idx, void *data)
{
	const struct cpumask *online = ((struct topo_walk *)data)->online;
	u32 cpu = idx & CPU_MASK;
	struct scxd_cpu_topo *t = bpf_map_lookup_elem(&cpu_topo, &cpu);

	if (!t)
		return 1;
	t->online = bpf_cpumask_test_cpu(cpu, online);
	nr_online += t->online;
	if (t->online && t->llc < SCXD_MAX_LLCS && t->llc >= nr_llcs)
		nr_llcs = t->llc + 1;
	return 0;
}

/* Fill cpu_topo from the kernel, the best source first (from topo_start
 * down): cid topology, sd_llc_id; keep the daemon's sysfs table without
 * either. */
static void read_topology(void)
{
	struct topo_walk tw = { .online = scx_bpf_get_online_cpumask() };

	topo_source = SCXD_TOPO_NONE;
	if (topo_start == SCXD_TOPO_NONE && bpf_ksym_exists(scx_bpf_cid_topo) &&
	    bpf_ksym_exists(scx_bpf_cpu_to_cid)) {
		nr_online = 0;
		nr_llcs = 0;
		bpf_loop(nr_cpus, topo_cid, &tw, 0);
		if (!tw.failed) {
			bpf_loop(nr_cpus, topo_llc_size, &tw, 0);
			topo_source = SCXD_TOPO_CID;
		}
	}
	if (topo_source == SCXD_TOPO_NONE && topo_start != SCXD_TOPO_SYSFS &&
	    bpf_ksym_exists(&sd_llc_id) && bpf_ksym_exists(&sd_llc_size)) {
		nr_online = 0;
		nr_llcs = 0;
		bpf_loop(nr_cpus, topo_cpu, &tw, 0);
		topo_source = SCXD_TOPO_KERNEL;
	}
	if (topo_source == SCXD_TOPO_NONE) {
		nr_online = 0;
		nr_llcs = 0;
		bpf_loop(nr_cpus, topo_online, &tw, 0);
		topo_source = SCXD_TOPO_SYSFS;
	}
	scx_bpf_put_cpumask(tw.online);
}

/* idx: layer * nr_llcs + llc. Stops the loop on the first failure. */
static long create_dsq(u64 idx, void *data)
{
	s32 *ret = data;
	u32 layer = idx / nr_llcs, llc = idx % nr_llcs;

	*ret = scx_bpf_create_dsq(dsq_of(layer, llc), -1);
	if (*ret) {
		scxd_error("failed to create DSQ %u/%u", layer, llc);
		return 1;
	}
	return 0;
}

/* A kernel cpumask for layer @idx's span (span_masks). */
static long create_span_mask(u64 idx, void *data)
{
	u32 i = idx & LAYER_MASK;
	struct span_mask *sm = bpf_map_lookup_elem(&span_masks, &i);
	struct bpf_cpumask *m;

	if (!sm)
		return 1;
	m = bpf_cpumask_create();
	if (!m)
		return 1;
	/* From an earlier attach of this program: the maps outlive it. */
	m = bpf_kptr_xchg(&sm->mask, m);
	if (m)
		bpf_cpumask_release(m);
	return 0;
}

/*
 * Every loop here is a bpf_loop(): bounded loops in this sleepable program
 * are unrolled by the verifier, whose budget the nested DSQ loop alone
 * exhausted.
 */
s32 BPF_STRUCT_OPS_SLEEPABLE(scxd_init)
{
	s32 ret = 0;

	nr_cpus = scx_bpf_nr_cpu_ids();
	if (nr_cpus > SCXD_MAX_CPUS)
		nr_cpus = SCXD_MAX_CPUS;
	read_topology();
	if (!nr_llcs)
		nr_llcs = 1;
	/* All layers, so that layers added at runtime find their queues. */
	bpf_loop(SCXD_MAX_LAYERS * nr_llcs, create_dsq, &ret, 0);
	if (bpf_ksym_exists(scx_bpf_select_cpu_and))
		bpf_loop(SCXD_MAX_LAYERS, create_span_mask, NULL, 0);
	return ret;
}

/*
 * Copy layer_cpus' spans into span_masks. Run by the daemon (a test run
 * of this program) after each placement, so that the two never differ
 * for longer than a write of layer_cpus. A select_cpu meanwhile may pick
 * by the old span, as it would have a moment earlier.
 */
static long sync_span(u64 idx, void *data)
{
	u32 i = idx & LAYER_MASK;
	s32 cpu;
	struct scxd_layer_cpus *lc = bpf_map_lookup_elem(&layer_cpus, &i);
	struct span_mask *sm = bpf_map_lookup_elem(&span_masks, &i);
	struct bpf_cpumask *m;

	if (!lc || !sm)
		return 1;
	bpf_rcu_read_lock();
	m = sm->mask;
	if (m) {
		/* An open-coded iterator: a bounded for loop here was
		 * simulated CPU by CPU, 30k instructions of verification. */
		bpf_for(cpu, 0, nr_cpus) {
			if (span_has_cpu(lc, cpu))
				bpf_cpumask_set_cpu(cpu, m);
			else
				bpf_cpumask_clear_cpu(cpu, m);
		}
	}
	bpf_rcu_read_unlock();
	return 0;
}

SEC("syscall")
int scxd_sync_spans(void *ctx)
{
	bpf_loop(SCXD_MAX_LAYERS, sync_span, NULL, 0);
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
	.tick		= (void *)scxd_tick,
	.running	= (void *)scxd_running,
	.stopping	= (void *)scxd_stopping,
	.set_weight	= (void *)scxd_set_weight,
	.cgroup_move	= (void *)scxd_cgroup_move,
	.init_task	= (void *)scxd_init_task,
	.enable		= (void *)scxd_enable,
	.disable	= (void *)scxd_disable,
	.init		= (void *)scxd_init,
	.exit		= (void *)scxd_exit,
	/*
	 * A CPU with nothing else queued would otherwise keep its task
	 * without ops.enqueue: a task re-classified into a confined layer
	 * (or one whose CPU left its span) would stay put for good.
	 */
	.flags		= SCX_OPS_ENQ_LAST,
	.name		= SCXD_OPS_NAME,
};
