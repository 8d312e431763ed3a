/*
 * alloc.c - the CPU allocator; the design is at the top of alloc.h.
 *
 * Two passes over the same small flow network, layers -> LLCs -> CPUs
 * (quota[layer][llc], at most the online CPUs of each LLC):
 *
 *  - count: CPUs are granted one at a time in the order of the design's
 *    rounds, each one placed in an LLC at once, moving others when needed
 *    (an augmenting path). A grant succeeds exactly when the new counts
 *    can be placed at all, whatever the places chosen so far, so the
 *    counts depend only on the order of the grants.
 *  - place: the quotas are rebuilt for those counts, starting from the
 *    previous result: each layer first takes back its previous places,
 *    then the rest is granted as above. Since the counts are placeable,
 *    every grant succeeds. With unchanged input the counts are unchanged,
 *    every layer takes back exactly what it had, and the result is the
 *    same.
 *
 * Then the quotas become CPUs. Everything lives in one struct on the
 * stack: 16 layers x 64 LLCs is small.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "alloc.h"

/* ceil(util * HEADROOM): a quarter more than what was used. */
#define HEADROOM	1.25
/* util * HEADROOM this close above an integer counts as that integer. */
#define ROUNDING	1e-9

struct alloc {
	const struct alloc_input *in;
	u32 nr_llcs;				/* highest dense index in use + 1 */
	u32 llc_cpus[SCXD_MAX_LLCS];		/* online CPUs per LLC */
	u32 llc_used[SCXD_MAX_LLCS];		/* of those, placed */

	/* per layer */
	struct scxd_cpumask allowed[SCXD_MAX_LAYERS];
	u64 allowed_llcs[SCXD_MAX_LAYERS];	/* LLCs with an allowed CPU */
	u32 nr_allowed[SCXD_MAX_LAYERS];
	u32 min[SCXD_MAX_LAYERS];		/* cpus_min, clamped to what is allowed */
	u32 floor[SCXD_MAX_LAYERS];		/* hysteresis: keep at least this many */
	u32 target[SCXD_MAX_LAYERS];
	u32 nr[SCXD_MAX_LAYERS];		/* CPUs granted so far */
	u32 count[SCXD_MAX_LAYERS];		/* result of the count pass */
	bool full[SCXD_MAX_LAYERS];		/* its LLCs can take no more of it */
	u16 quota[SCXD_MAX_LAYERS][SCXD_MAX_LLCS];	/* CPUs granted, per LLC */
	u16 prev[SCXD_MAX_LAYERS][SCXD_MAX_LLCS];	/* CPUs owned before, per LLC */
};

static u32 llc_of(const struct alloc *a, u32 cpu)
{
	return a->in->topo[cpu].llc;
}

static bool cpu_online(const struct alloc *a, u32 cpu)
{
	return a->in->topo[cpu].online;
}

static u32 min_u32(u32 x, u32 y)
{
	return x < y ? x : y;
}

static u32 max_u32(u32 x, u32 y)
{
	return x > y ? x : y;
}

/* Everything alloc_compute() refuses; nothing is written before this passes. */
static int check_input(const struct alloc_input *in, const struct scxd_layer_cpus *out)
{
	bool any_online = false;
	u32 i;

	if (!in || !out || !in->topo || !in->nr_cpus || in->nr_cpus > SCXD_MAX_CPUS)
		return -EINVAL;
	if (in->nr_layers > SCXD_MAX_LAYERS || (in->nr_layers && (!in->layers || !in->util)))
		return -EINVAL;
	for (i = 0; i < in->nr_cpus; i++) {
		if (!in->topo[i].online)
			continue;
		if (in->topo[i].llc >= SCXD_MAX_LLCS)
			return -EINVAL;
		any_online = true;
	}
	if (!any_online)
		return -EINVAL;
	for (i = 0; i < in->nr_layers; i++) {
		const struct scxd_layer *l = &in->layers[i];

		if (l->kind != SCXD_KIND_OPEN && l->kind != SCXD_KIND_CONFINED)
			return -EINVAL;
		if (!l->weight || (l->cpus_max && l->cpus_min > l->cpus_max))
			return -EINVAL;
		if (!isfinite(in->util[i]) || in->util[i] < 0)
			return -EINVAL;
	}
	return 0;
}

/* ceil(util * HEADROOM), at most @cap. */
static u32 wanted(double util, u32 cap)
{
	double x = util * HEADROOM;
	u32 n;

	if (x >= cap)
		return cap;
	n = (u32)x;
	return x - n > ROUNDING ? n + 1 : n;
}

/* Allowed CPUs, bounds, floor and target of layer @i. Returns -EINVAL if it may run nowhere. */
static int setup_layer(struct alloc *a, u32 i)
{
	const struct alloc_input *in = a->in;
	const struct scxd_layer *l = &in->layers[i];
	u32 cpu, hi, had = 0;

	for (cpu = 0; cpu < in->nr_cpus; cpu++) {
		if (!cpu_online(a, cpu) || (l->llcs && !(l->llcs >> llc_of(a, cpu) & 1)))
			continue;
		scxd_cpumask_set(&a->allowed[i], cpu);
		a->allowed_llcs[i] |= 1ULL << llc_of(a, cpu);
		a->nr_allowed[i]++;
		if (in->prev && scxd_cpumask_test(&in->prev[i].owned, cpu)) {
			a->prev[i][llc_of(a, cpu)]++;
			had++;
		}
	}
	if (!a->nr_allowed[i])
		return -EINVAL;

	hi = l->cpus_max ? min_u32(l->cpus_max, a->nr_allowed[i]) : a->nr_allowed[i];
	a->min[i] = min_u32(l->cpus_min, hi);
	a->floor[i] = had ? max_u32(a->min[i], min_u32(had - 1, hi)) : a->min[i];
	a->target[i] = max_u32(a->floor[i], wanted(in->util[i], hi));
	return 0;
}

/* Is LLC @x a better home than @y for the next CPU of layer @i? */
static bool better_llc(const struct alloc *a, u32 i, u32 x, u32 y)
{
	u32 own_x = a->quota[i][x], own_y = a->quota[i][y];
	u32 free_x = a->llc_cpus[x] - a->llc_used[x];
	u32 free_y = a->llc_cpus[y] - a->llc_used[y];

	if (own_x != own_y)
		return own_x > own_y;
	if (free_x != free_y)
		return free_x > free_y;
	return x < y;
}

/*
 * All of layer @i's LLCs are full: find a chain "i takes a CPU's place in
 * LLC l1, whose layer j1 moves to l2, whose layer j2 moves to l3, ... into
 * an LLC with room", breadth first so that as few layers as possible
 * move, and apply it. Returns false if there is none: every CPU @i could
 * use is held by layers that can go nowhere else.
 */
static bool grant_by_moving(struct alloc *a, u32 i)
{
	u32 queue[SCXD_MAX_LAYERS], head = 0, tail = 0;
	u32 llc_from[SCXD_MAX_LLCS];		/* the layer that reached an LLC */
	u32 layer_from[SCXD_MAX_LAYERS];	/* the LLC a layer moves out of */
	u64 seen_llcs = 0;
	u32 seen_layers = 1u << i;
	u32 u, j, l, end = SCXD_MAX_LLCS;

	queue[tail++] = i;
	while (head < tail && end == SCXD_MAX_LLCS) {
		u = queue[head++];
		for (l = 0; l < a->nr_llcs && end == SCXD_MAX_LLCS; l++) {
			if (!(a->allowed_llcs[u] >> l & 1) || (seen_llcs >> l & 1))
				continue;
			seen_llcs |= 1ULL << l;
			llc_from[l] = u;
			if (a->llc_used[l] < a->llc_cpus[l]) {
				end = l;
				break;
			}
			for (j = 0; j < a->in->nr_layers; j++) {
				if ((seen_layers >> j & 1) || !a->quota[j][l])
					continue;
				seen_layers |= 1u << j;
				layer_from[j] = l;
				queue[tail++] = j;
			}
		}
	}
	if (end == SCXD_MAX_LLCS)
		return false;

	a->llc_used[end]++;
	for (l = end;;) {
		u = llc_from[l];
		a->quota[u][l]++;
		if (u == i)
			break;
		l = layer_from[u];
		a->quota[u][l]--;
	}
	a->nr[i]++;
	return true;
}

/* One more CPU for layer @i, placed in an LLC. False if none can be had. */
static bool grant(struct alloc *a, u32 i)
{
	u32 l, best = SCXD_MAX_LLCS;

	if (a->full[i])
		return false;
	for (l = 0; l < a->nr_llcs; l++) {
		if (!(a->allowed_llcs[i] >> l & 1) || a->llc_used[l] == a->llc_cpus[l])
			continue;
		if (best == SCXD_MAX_LLCS || better_llc(a, i, l, best))
			best = l;
	}
	if (best != SCXD_MAX_LLCS) {
		a->quota[i][best]++;
		a->llc_used[best]++;
		a->nr[i]++;
		return true;
	}
	/* Once no chain exists, none appears later: placed CPUs only add up. */
	if (!grant_by_moving(a, i))
		a->full[i] = true;
	return !a->full[i];
}

/* Rounds 1 and 2: each layer in order, up to want[i], as far as CPUs go. */
static void grant_up_to(struct alloc *a, const u32 *want)
{
	u32 i;

	for (i = 0; i < a->in->nr_layers; i++)
		while (a->nr[i] < want[i] && grant(a, i))
			;
}

/* Round 3: the next CPU to the layer furthest below its weighted share. */
static void grant_by_weight(struct alloc *a)
{
	const struct scxd_layer *layers = a->in->layers;
	u32 i, best;

	for (;;) {
		best = SCXD_MAX_LAYERS;
		for (i = 0; i < a->in->nr_layers; i++) {
			if (a->full[i] || a->nr[i] >= a->target[i])
				continue;
			/* nr[i] / weight[i] < nr[best] / weight[best] */
			if (best == SCXD_MAX_LAYERS ||
			    (u64)a->nr[i] * layers[best].weight < (u64)a->nr[best] * layers[i].weight)
				best = i;
		}
		if (best == SCXD_MAX_LAYERS)
			return;
		grant(a, best);
	}
}

/* Forget every grant, for the place pass. */
static void reset_grants(struct alloc *a)
{
	memset(a->llc_used, 0, sizeof(a->llc_used));
	memset(a->nr, 0, sizeof(a->nr));
	memset(a->full, 0, sizeof(a->full));
	memset(a->quota, 0, sizeof(a->quota));
}

/*
 * Each layer takes back its previous places, up to its new count: the
 * LLCs where it had the most first, so that a shrinking layer leaves the
 * LLCs where it had the least. Previous places are disjoint, so they fit;
 * the check on room only guards against a caller's made-up result.
 */
static void take_back(struct alloc *a)
{
	u32 i, l, best, n;

	for (i = 0; i < a->in->nr_layers; i++) {
		for (;;) {
			best = SCXD_MAX_LLCS;
			for (l = 0; l < a->nr_llcs; l++) {
				if (a->quota[i][l] || !a->prev[i][l] ||
				    a->llc_used[l] == a->llc_cpus[l])
					continue;
				if (best == SCXD_MAX_LLCS || a->prev[i][l] > a->prev[i][best])
					best = l;
			}
			if (best == SCXD_MAX_LLCS || a->nr[i] == a->count[i])
				break;
			n = min_u32(a->prev[i][best], a->count[i] - a->nr[i]);
			n = min_u32(n, a->llc_cpus[best] - a->llc_used[best]);
			a->quota[i][best] = n;
			a->llc_used[best] += n;
			a->nr[i] += n;
		}
	}
}

/* Quotas to CPUs: first the ones each layer owned before, then free ones, ascending. */
static void place(struct alloc *a, struct scxd_layer_cpus *out)
{
	const struct alloc_input *in = a->in;
	struct scxd_cpumask taken = { 0 };
	u32 i, cpu, l;

	for (i = 0; i < in->nr_layers && in->prev; i++) {
		for (cpu = 0; cpu < in->nr_cpus; cpu++) {
			l = llc_of(a, cpu);
			if (!scxd_cpumask_test(&in->prev[i].owned, cpu) ||
			    !scxd_cpumask_test(&a->allowed[i], cpu) ||
			    scxd_cpumask_test(&taken, cpu) || !a->quota[i][l])
				continue;
			scxd_cpumask_set(&taken, cpu);
			scxd_cpumask_set(&out[i].owned, cpu);
			a->quota[i][l]--;
		}
	}
	for (i = 0; i < in->nr_layers; i++) {
		for (cpu = 0; cpu < in->nr_cpus; cpu++) {
			if (!scxd_cpumask_test(&a->allowed[i], cpu) ||
			    scxd_cpumask_test(&taken, cpu) || !a->quota[i][llc_of(a, cpu)])
				continue;
			scxd_cpumask_set(&taken, cpu);
			scxd_cpumask_set(&out[i].owned, cpu);
			a->quota[i][llc_of(a, cpu)]--;
		}
	}
}

static void fill_span(const struct alloc *a, u32 i, const struct scxd_cpumask *confined,
		      struct scxd_layer_cpus *o)
{
	u32 w, cpu;

	if (a->in->layers[i].kind == SCXD_KIND_CONFINED) {
		o->span = o->nr_owned ? o->owned : a->allowed[i];
	} else {
		for (w = 0; w < SCXD_CPUMASK_WORDS; w++)
			o->span.bits[w] = a->allowed[i].bits[w] & ~confined->bits[w];
		if (scxd_cpumask_first(&o->span) < 0)
			o->span = a->allowed[i];
	}
	o->nr_span = scxd_cpumask_count(&o->span);
	for (cpu = 0; cpu < a->in->nr_cpus; cpu++)
		if (scxd_cpumask_test(&o->span, cpu))
			o->span_llcs |= 1ULL << llc_of(a, cpu);
}

int alloc_compute(const struct alloc_input *in, struct scxd_layer_cpus *out)
{
	struct scxd_cpumask confined = { 0 };
	struct alloc a = { .in = in };
	u32 i, w, cpu;
	int r;

	r = check_input(in, out);
	if (r)
		return r;
	for (cpu = 0; cpu < in->nr_cpus; cpu++) {
		if (!cpu_online(&a, cpu))
			continue;
		a.llc_cpus[llc_of(&a, cpu)]++;
		a.nr_llcs = max_u32(a.nr_llcs, llc_of(&a, cpu) + 1);
	}
	for (i = 0; i < in->nr_layers; i++) {
		r = setup_layer(&a, i);
		if (r)
			return r;
	}

	/* count */
	grant_up_to(&a, a.min);
	grant_up_to(&a, a.floor);
	grant_by_weight(&a);
	memcpy(a.count, a.nr, sizeof(a.count));

	/* place */
	reset_grants(&a);
	take_back(&a);
	grant_up_to(&a, a.count);

	memset(out, 0, in->nr_layers * sizeof(*out));
	place(&a, out);
	for (i = 0; i < in->nr_layers; i++) {
		out[i].nr_owned = scxd_cpumask_count(&out[i].owned);
		if (in->layers[i].kind == SCXD_KIND_CONFINED)
			for (w = 0; w < SCXD_CPUMASK_WORDS; w++)
				confined.bits[w] |= out[i].owned.bits[w];
	}
	for (i = 0; i < in->nr_layers; i++)
		fill_span(&a, i, &confined, &out[i]);
	return 0;
}
