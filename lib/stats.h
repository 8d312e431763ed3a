/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - arithmetic on the scheduler's counters: interval deltas,
 * utilization, wakeup-latency percentiles, and their display.
 *
 * Pure: no I/O, no logging, no global state. The daemon reads the BPF
 * maps (summed over CPUs) into a struct layer_sample every sampling
 * interval and keeps the previous one; everything "over the last
 * interval" is computed from the two here, and unit-tested alone.
 */
#ifndef SCXD_STATS_H
#define SCXD_STATS_H

#include <stddef.h>

#include "scxd.h"

/* One layer's counters at one instant, summed over CPUs. */
struct layer_sample {
	u64	cnt[SCXD_NR_LSTATS];		/* enum scxd_layer_stat */
	u64	hist[SCXD_LAT_BUCKETS];		/* struct scxd_lat_hist, one layer */
	s64	tasks;				/* a level, not a counter */
	s64	served[SCXD_NR_CLASSES];	/* ... of them served as each class */
};

/*
 * out = now - then, for every counter and histogram bucket; out->tasks is
 * now->tasks. Counters only grow while one scheduler instance runs, so a
 * counter that went backwards means the scheduler was reloaded and every
 * counter restarted from zero: then out is now, whole (subtracting the
 * counters that happen to be past their old values would mix two runs).
 * out may alias now or then.
 */
void layer_sample_delta(const struct layer_sample *now, const struct layer_sample *then,
			struct layer_sample *out);

/* Busy CPUs over an interval: CPU_NS of the delta / interval_ns (1.5 =
 * one and a half CPUs' worth of time). 0 when interval_ns is 0. */
double layer_util(const struct layer_sample *delta, u64 interval_ns);

/* Mean wakeup latency of a delta, LAT_NS / LAT_CNT in ns; 0 without samples. */
u64 layer_lat_mean_ns(const struct layer_sample *delta);

/* Number of samples in a log2 histogram. */
u64 lat_hist_samples(const u64 *buckets, unsigned nr_buckets);

/*
 * Percentile q (0 < q <= 1) of a log2 histogram, in ns: bucket b holds
 * [2^b, 2^(b+1)) ns, the last bucket also everything longer. Finds the
 * bucket holding the q-th sample and interpolates linearly inside it, as
 * if its samples were spread evenly; in the open-ended last bucket the
 * answer is its lower bound 2^b, a floor ("at least"). 0 when empty.
 * q <= 0 (or NaN) gives the lower bound of the first non-empty bucket,
 * q > 1 is read as 1.
 */
u64 lat_hist_percentile(const u64 *buckets, unsigned nr_buckets, double q);

/* The same for the compare instrument's log-linear histogram (hist.h):
 * SCXD_HIST_BUCKETS buckets, within 12.5% instead of 100%. */
u64 hist_percentile(const u64 *buckets, double q);
u64 hist_samples(const u64 *buckets);

/* The median of v[0..n) (NaN when n is 0 or out of memory). */
double stats_median(const double *v, size_t n);

/*
 * A 95% interval for the median of v[0..n): the 2.5th and 97.5th
 * percentiles of the medians of @resamples resamples of v drawn with
 * replacement (the percentile bootstrap). The same @seed gives the same
 * interval on every machine. -EINVAL for no values or under 20
 * resamples, -ENOMEM.
 */
int stats_bootstrap_median(const double *v, size_t n, unsigned resamples, u64 seed,
			   double *lo, double *hi);

/*
 * A duration given in µs, in the unit that keeps it under 1000, with
 * three significant digits: "0.85us", "12.5us", "850us", "1.54ms",
 * "2.00s"; "1234s" past that. ASCII "us", so that columns line up.
 * Negative or NaN prints as "-". Always NUL-terminates (size > 0).
 */
void stats_format_us(char *buf, size_t size, double us);

#endif /* SCXD_STATS_H */
