/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.c - counter deltas, utilization and latency percentiles; see stats.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

void layer_sample_delta(const struct layer_sample *now, const struct layer_sample *then,
			struct layer_sample *out)
{
	bool restarted = false;
	unsigned i;

	for (i = 0; i < SCXD_NR_LSTATS; i++)
		restarted |= now->cnt[i] < then->cnt[i];
	for (i = 0; i < SCXD_LAT_BUCKETS; i++)
		restarted |= now->hist[i] < then->hist[i];

	if (restarted) {
		if (out != now)
			*out = *now;
		return;
	}
	for (i = 0; i < SCXD_NR_LSTATS; i++)
		out->cnt[i] = now->cnt[i] - then->cnt[i];
	for (i = 0; i < SCXD_LAT_BUCKETS; i++)
		out->hist[i] = now->hist[i] - then->hist[i];
	out->tasks = now->tasks;
}

double layer_util(const struct layer_sample *delta, u64 interval_ns)
{
	if (!interval_ns)
		return 0;
	return (double)delta->cnt[SCXD_LSTAT_CPU_NS] / (double)interval_ns;
}

u64 layer_lat_mean_ns(const struct layer_sample *delta)
{
	u64 n = delta->cnt[SCXD_LSTAT_LAT_CNT];

	return n ? delta->cnt[SCXD_LSTAT_LAT_NS] / n : 0;
}

u64 lat_hist_samples(const u64 *buckets, unsigned nr_buckets)
{
	u64 n = 0;

	for (unsigned i = 0; i < nr_buckets; i++)
		n += buckets[i];
	return n;
}

u64 lat_hist_percentile(const u64 *buckets, unsigned nr_buckets, double q)
{
	double rank, below = 0, frac;
	unsigned i, last = 0;
	u64 total = 0, lo;

	/* 2^64 does not fit: a 65th bucket could only ever be open-ended. */
	if (nr_buckets > 64)
		nr_buckets = 64;
	for (i = 0; i < nr_buckets; i++) {
		total += buckets[i];
		if (buckets[i])
			last = i;
	}
	if (!total)
		return 0;
	if (q > 1)
		q = 1;
	rank = q > 0 ? q * (double)total : 0;

	/* The bucket where the count of samples so far reaches rank; the
	 * last non-empty one if rounding leaves rank just past the total. */
	for (i = 0; i < last; i++) {
		if (buckets[i] && below + (double)buckets[i] >= rank)
			break;
		below += (double)buckets[i];
	}
	lo = 1ULL << i;
	if (i == nr_buckets - 1)
		return lo;
	frac = (rank - below) / (double)buckets[i];
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	/* The bucket is [lo, 2 lo): its width is lo. */
	return lo + (u64)(frac * (double)lo + 0.5);
}

void stats_format_us(char *buf, size_t size, double us)
{
	static const struct {
		double		div;
		const char	*unit;
	} units[] = { { 1, "us" }, { 1e3, "ms" }, { 1e6, "s" } };
	const size_t n = sizeof(units) / sizeof(units[0]);

	if (!size)
		return;
	if (!(us >= 0)) {
		snprintf(buf, size, "-");
		return;
	}
	if (us == 0) {
		snprintf(buf, size, "0us");
		return;
	}
	/* The thresholds are where printf's rounding would reach the next
	 * digit: 9.996 prints as "10.0", 999.7 moves on to the next unit. */
	for (size_t i = 0; i < n; i++) {
		double v = us / units[i].div;
		int prec;

		if (v < 9.995)
			prec = 2;
		else if (v < 99.95)
			prec = 1;
		else if (v < 999.5 || i == n - 1)
			prec = 0;
		else
			continue;
		snprintf(buf, size, "%.*f%s", prec, v, units[i].unit);
		return;
	}
}
