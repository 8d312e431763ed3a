/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxd_trace - the instrument of `scxctl compare`.
 *
 * A comparison of two schedulers is only honest if one instrument
 * measures both. This program does not schedule: it watches the kernel's
 * scheduler tracepoints, which fire whichever scheduler runs, EEVDF or
 * scxd, and counts per layer what the compare reports (struct
 * scxd_trace_layer in scxd.h):
 *
 *  - run-queue latency: from a task's wakeup (sched_wakeup, or
 *    sched_wakeup_new for a new task) to the moment it is switched in
 *    (sched_switch), into a log-linear histogram (hist.h) and a maximum.
 *    A wakeup of a task that is still on its CPU (it woke before it got
 *    to sleep) waits for nothing and is not counted;
 *  - CPU time: from being switched in to being switched out;
 *  - switches in, and those on another LLC than the one the task last ran
 *    on: the migrations that cost a task its cache;
 *  - distinct tasks that ran since the measurement began (an epoch the
 *    daemon bumps).
 *
 * "Layer" means what it means to the scheduler: this object classifies
 * tasks with the same code and the same maps (layers.bpf.h; the maps are
 * this object's, and each scheduler the daemon loads reuses them), and
 * caches each task's layer behind the same fingerprint.
 *
 * The counters are per CPU; the daemon zeroes them when a measurement
 * starts and sums them when it ends. The programs are attached only while
 * a compare measures: a context switch costs one of them otherwise never.
 * The idle task (pid 0) is not a task of any layer and is not counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "scxd.h"
#include "hist.h"
#include "layers.bpf.h"

char _license[] SEC("license") = "GPL";

/* Bumped by the daemon when a measurement starts. */
u64 epoch;

struct trace_ctx {
	struct task_fp	fp;		/* what layer was worked out from */
	u32		layer;		/* SCXD_NO_LAYER until first switched in */
	s32		last_cpu;	/* -1 before it first ran */
	u64		woke_at;	/* 0 unless it woke and waits for a CPU */
	u64		on_cpu_at;	/* 0 unless it runs */
	u64		seen_epoch;	/* the epoch it was last counted in */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct trace_ctx);
} trace_ctxs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scxd_trace_stats);
} trace_stats SEC(".maps");

/* @p's context, made on first sight: never classified, never ran. */
static struct trace_ctx *trace_ctx_of(struct task_struct *p)
{
	struct trace_ctx init = { .layer = SCXD_NO_LAYER, .last_cpu = -1 };

	return bpf_task_storage_get(&trace_ctxs, p, &init, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

static struct scxd_trace_layer *layer_stats(u32 layer)
{
	struct scxd_trace_stats *st;
	u32 zero = 0;

	st = bpf_map_lookup_elem(&trace_stats, &zero);
	return st ? &st->layer[layer & LAYER_MASK] : NULL;
}

/* @p's layer, classified again only when its facts changed. */
static u32 layer_of(struct task_struct *p, struct trace_ctx *tc)
{
	struct task_fp fp;
	u32 why;

	read_fp(p, &fp);
	if (tc->layer >= SCXD_MAX_LAYERS || !fp_equal(&fp, &tc->fp)) {
		tc->fp = fp;
		tc->layer = classify(p, &why);
	}
	return tc->layer;
}

static void woke(struct task_struct *p)
{
	struct trace_ctx *tc;

	if (!p->pid)
		return;
	tc = trace_ctx_of(p);
	if (tc && !tc->on_cpu_at)
		tc->woke_at = bpf_ktime_get_ns();
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(scxd_trace_wakeup, struct task_struct *p)
{
	woke(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(scxd_trace_wakeup_new, struct task_struct *p)
{
	woke(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(scxd_trace_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	u64 now = bpf_ktime_get_ns();
	s32 cpu = bpf_get_smp_processor_id();
	struct scxd_trace_layer *l;
	struct trace_ctx *tc;
	u64 lat;

	if (prev->pid) {
		tc = bpf_task_storage_get(&trace_ctxs, prev, 0, 0);
		if (tc && tc->on_cpu_at) {
			l = tc->layer < SCXD_MAX_LAYERS ? layer_stats(tc->layer) : NULL;
			if (l && now > tc->on_cpu_at)
				l->cpu_ns += now - tc->on_cpu_at;
			tc->on_cpu_at = 0;
		}
	}
	if (!next->pid)
		return 0;
	tc = trace_ctx_of(next);
	if (!tc)
		return 0;
	l = layer_stats(layer_of(next, tc));
	if (!l)
		return 0;
	l->switches++;
	if (tc->woke_at) {
		lat = now > tc->woke_at ? now - tc->woke_at : 0;
		scxd_hist_add(l->hist, lat);
		l->wakeups++;
		if (lat > l->max_ns)
			l->max_ns = lat;
		tc->woke_at = 0;
	}
	if (tc->last_cpu >= 0 && llc_of(tc->last_cpu) != llc_of(cpu))
		l->xllc++;
	if (tc->seen_epoch != epoch) {
		tc->seen_epoch = epoch;
		l->tasks++;
	}
	tc->last_cpu = cpu;
	tc->on_cpu_at = now;
	return 0;
}
