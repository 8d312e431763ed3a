/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layers.bpf.h - what the scheduler (scxd.bpf.c) and the compare
 * instrument (scxd_trace.bpf.c) both know about layers: the maps the daemon
 * writes the configuration into, and how a task's layer is worked out.
 *
 * One set of maps for both. The instrument is loaded first and owns
 * them; every scheduler the daemon loads reuses them by fd (libbpf's
 * bpf_map__reuse_fd()), so the two agree on every rule and every pin,
 * whichever scheduler runs, and a pin outlives a detach. The counts and
 * the generation below are each object's own globals: the daemon writes
 * both.
 *
 * Classification is the same code in both: a pin decides (a task pinned
 * to a layer that exists is in it); else the rules, in order, through the
 * matcher of policy.h that the host unit tests run; the last layer takes
 * the rest. A task is classified again when its fingerprint changes: its
 * comm, cgroup, static priority, effective uid or gid, or the generation.
 *
 * For BPF only; include after vmlinux.h, the libbpf headers and scxd.h.
 */
#ifndef __SCXD_LAYERS_BPF_H
#define __SCXD_LAYERS_BPF_H

#include "policy.h"

#define PF_KTHREAD		0x00200000
#define NICE_0_PRIO		120

#define LAYER_MASK		(SCXD_MAX_LAYERS - 1)
#define CPU_MASK		(SCXD_MAX_CPUS - 1)
#define LLC_MASK		(SCXD_MAX_LLCS - 1)

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

/* CPU -> LLC: filled from sysfs by the daemon, then by the scheduler's
 * ops.init from the kernel's own topology (scxd.bpf.c's essay). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCXD_MAX_CPUS);
	__type(key, u32);
	__type(value, struct scxd_cpu_topo);
} cpu_topo SEC(".maps");

/* Set by the daemon: counts first, generation last. */
u32 nr_layers;
u32 nr_rules;
u64 cfg_gen;

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

/* Tasks pinned to a layer; written by the daemon through pidfds. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct scxd_pin);
} pins SEC(".maps");

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

static struct scxd_cpu_topo *cpu_topo_of(s32 cpu)
{
	u32 key = (u32)cpu & CPU_MASK;

	return bpf_map_lookup_elem(&cpu_topo, &key);
}

static u32 llc_of(s32 cpu)
{
	struct scxd_cpu_topo *t = cpu_topo_of(cpu);

	return t ? t->llc & LLC_MASK : 0;
}

/*
 * Runs on every enqueue, so it reads through the pointers directly (the
 * verifier turns those into fault-safe loads) instead of one
 * bpf_probe_read_kernel() call per hop, and the name as two 8-byte words
 * (that call alone was ~1.5 us of a ~7 us ops.stopping under emulation).
 */
static void read_fp(struct task_struct *p, struct task_fp *fp)
{
	const struct cred *cred = p->cred;
	struct css_set *cset = p->cgroups;

	fp->comm[0] = *(const u64 *)&p->comm[0];
	fp->comm[1] = *(const u64 *)&p->comm[8];
	fp->cgid = cset ? cset->dfl_cgrp->kn->id : 0;
	fp->prio = p->static_prio;
	fp->uid = cred ? cred->euid.val : 0;
	fp->gid = cred ? cred->egid.val : 0;
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
	struct task_struct *leader = BPF_CORE_READ(p, group_leader);

	read_cgroup_path(p, s->path);
	bpf_probe_read_kernel(f->cgroup, sizeof(f->cgroup), s->path);
	f->cgroup[SCXD_PATH_LEN - 1] = '\0';
	bpf_probe_read_kernel(f->comm, sizeof(f->comm), p->comm);
	bpf_probe_read_kernel(f->pcomm, sizeof(f->pcomm), &leader->comm);
	f->uid = BPF_CORE_READ(p, cred, euid.val);
	f->gid = BPF_CORE_READ(p, cred, egid.val);
	f->nice = BPF_CORE_READ(p, static_prio) - NICE_0_PRIO;
	f->pid = BPF_CORE_READ(p, pid);
	f->tgid = BPF_CORE_READ(p, tgid);
	f->ppid = BPF_CORE_READ(p, real_parent, tgid);
	f->kthread = !!(BPF_CORE_READ(p, flags) & PF_KTHREAD);
	f->leader = leader == p;
}

/* The index of the layer with id @id, or SCXD_NO_LAYER. */
static u32 layer_by_id(u32 id)
{
	u32 i, n = nr_layers;

	for (i = 0; i < SCXD_MAX_LAYERS; i++) {
		struct scxd_layer *l;

		if (i >= n)
			break;
		l = bpf_map_lookup_elem(&layers, &i);
		if (l && l->id == id)
			return i;
	}
	return SCXD_NO_LAYER;
}

/* A pin decides; else the first rule that holds; the last layer catches
 * the rest. *why says which (a rule index or enum scxd_reason). */
static u32 classify(struct task_struct *p, u32 *why)
{
	struct classify_scratch *s;
	u32 zero = 0, i, n = nr_rules, fallback;
	struct scxd_pin *pin;

	fallback = nr_layers ? nr_layers - 1 : 0;
	pin = bpf_task_storage_get(&pins, p, 0, 0);
	if (pin) {
		i = layer_by_id(pin->layer_id);
		if (i != SCXD_NO_LAYER) {
			*why = SCXD_RULE_PINNED;
			return i;
		}
	}
	*why = SCXD_RULE_CATCH_ALL;
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
		if (scxd_rule_match(r, &s->facts)) {
			if (r->layer >= nr_layers)
				return fallback;
			*why = i;
			return r->layer;
		}
	}
	return fallback;
}

#endif /* __SCXD_LAYERS_BPF_H */
