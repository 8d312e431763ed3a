/*
 * alloc.h - the CPU allocator: which CPUs each layer owns, and where each
 * layer may run.
 *
 * Pure: no I/O, no logging, no globals, no allocation; errors are -errno.
 * The manager calls alloc_compute() about once a second with every layer's
 * measured utilization and the previous result, and writes the result,
 * one struct scxd_layer_cpus per layer, into the BPF map.
 *
 * Design
 *
 * Allowed CPUs. A layer may use the online CPUs of its LLCs: the `llcs`
 * bitmap of dense LLC indexes, 0 meaning all of them. Bits naming LLCs
 * that have no online CPU are ignored; a layer left with no allowed CPU
 * at all is an error (-EINVAL), not an empty allocation.
 *
 * Target. A layer wants ceil(util * 1.25) CPUs: what it used plus a
 * quarter of headroom, so that a layer saturating its CPUs asks for more
 * and grows by a quarter per call. The target is clamped to
 * [cpus_min, cpus_max] (cpus_max 0: no bound) and to the number of its
 * allowed CPUs. Hysteresis: given the previous result, a layer's *floor*
 * is one CPU fewer than it had ("had" counts only previously owned CPUs
 * that are still online and allowed; the floor too is clamped to the
 * bounds), and its target is at least its floor: a drop in utilization
 * releases one CPU per call. Growth is not damped.
 *
 * Counts. Each CPU is owned by at most one layer. CPUs are handed out one
 * at a time, in three rounds:
 *   1. minimums: each layer, in layer order, up to min(cpus_min, allowed);
 *   2. floors: each layer, in layer order, up to its floor. Only the
 *      minimums of other layers can push a layer below its floor;
 *   3. the rest, by weight: the next CPU goes to the layer with the fewest
 *      CPUs per unit of weight among those still below their target (ties:
 *      layer order). So the layers that get less than their target end up
 *      with totals in proportion to their weights, as far as minimums and
 *      floors allow.
 * When a round does not fit, it gives what fits in that order: the
 * allocator never fails for lack of CPUs. CPUs no target claims stay
 * unowned (idle CPUs that open layers may use).
 * Because of the floors, a layer that needs CPUs held by others under
 * contention gains them as fast as those layers release them: one per
 * layer and call.
 *
 * Placement. Each layer first takes back the CPUs it owned before, as
 * many as its new count allows: from the LLCs where it had the most, the
 * lowest CPUs first. Its other CPUs go, in layer order, to the LLC where
 * it owns the most CPUs, then to the LLC with the most free CPUs, then to
 * the lowest LLC; within an LLC the lowest free CPU. So a layer fills one
 * LLC before spilling to the next. When all of a layer's LLCs are full, a
 * CPU of another layer moves to another of that layer's LLCs to make room
 * (an augmenting path, as in max-flow): a layer restricted to some LLCs is
 * never crowded out by one that could have gone elsewhere. The counts are
 * decided with the same moves, so they can always be placed. With
 * unchanged input and the previous result passed back, the result is
 * identical.
 *
 * Output. `owned` are the CPUs allocated to the layer. `span` is where the
 * layer may run: for a confined layer its owned CPUs; for an open layer
 * its allowed CPUs minus those owned by confined layers, or all its
 * allowed CPUs if that leaves none. A confined layer that owns no CPU
 * (with cpus_min >= 1, as the configuration demands, only when the
 * minimums do not fit) gets its allowed CPUs as span, so that it can
 * never stall. `span_llcs` are the LLCs with a CPU
 * in span; nr_span and nr_owned are the popcounts.
 */
#ifndef SCXD_ALLOC_H
#define SCXD_ALLOC_H

#include "cpumask.h"
#include "scxd.h"

struct alloc_input {
	u32 nr_cpus;				/* CPUs 0..nr_cpus-1 (<= SCXD_MAX_CPUS) */
	const struct scxd_cpu_topo *topo;	/* [nr_cpus]: .online, .llc (dense index) */
	u32 nr_layers;				/* <= SCXD_MAX_LAYERS */
	const struct scxd_layer *layers;	/* [nr_layers]: kind, weight, cpus_min, cpus_max, llcs */
	const double *util;			/* [nr_layers]: busy CPUs measured (2.5 = 2.5 CPUs), >= 0 */
	const struct scxd_layer_cpus *prev;	/* [nr_layers] previous result, or NULL */
};

/*
 * Fills out[0..nr_layers). Returns 0, or -EINVAL for bad input, leaving
 * out untouched: a NULL pointer, nr_cpus 0 or over SCXD_MAX_CPUS, no
 * online CPU, an online CPU with llc >= SCXD_MAX_LLCS, more than
 * SCXD_MAX_LAYERS layers, a layer with an unknown kind, weight 0,
 * cpus_min above a non-zero cpus_max, or llcs selecting no online CPU, a
 * utilization that is negative or not finite. prev must describe the same
 * layers in the same order (pass NULL after a configuration change).
 */
int alloc_compute(const struct alloc_input *in, struct scxd_layer_cpus *out);

#endif /* SCXD_ALLOC_H */
