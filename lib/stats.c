/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.c - counter deltas, utilization and latency percentiles; see stats.h.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
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
	memcpy(out->served, now->served, sizeof(out->served));
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

static u64 log2_lower(unsigned b)
{
	return 1ULL << b;
}

/*
 * Percentile @q of a histogram whose bucket i holds [lower(i),
 * lower(i + 1)), the last one open-ended: the bucket where the count of
 * samples so far reaches rank q * total, interpolated linearly inside it
 * as if its samples were spread evenly; the lower bound of the last.
 */
static u64 percentile(const u64 *buckets, unsigned nr_buckets, double q,
		      u64 (*lower)(unsigned b))
{
	double rank, below = 0, frac;
	unsigned i, last = 0;
	u64 total = 0, lo;

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
	lo = lower(i);
	if (i == nr_buckets - 1)
		return lo;
	frac = (rank - below) / (double)buckets[i];
	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	return lo + (u64)(frac * (double)(lower(i + 1) - lo) + 0.5);
}

u64 lat_hist_percentile(const u64 *buckets, unsigned nr_buckets, double q)
{
	/* 2^64 does not fit: a 65th bucket could only ever be open-ended. */
	return percentile(buckets, nr_buckets > 64 ? 64 : nr_buckets, q, log2_lower);
}

static u64 hist_lower(unsigned b)
{
	return scxd_hist_lower(b);
}

u64 hist_percentile(const u64 *buckets, double q)
{
	return percentile(buckets, SCXD_HIST_BUCKETS, q, hist_lower);
}

u64 hist_samples(const u64 *buckets)
{
	return lat_hist_samples(buckets, SCXD_HIST_BUCKETS);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double stats_median(const double *v, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

/* xorshift64*: a fixed sequence for a seed, the same on every machine. */
static u64 next_random(u64 *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

int stats_bootstrap_median(const double *v, size_t n, unsigned resamples, u64 seed,
			   double *lo, double *hi)
{
	double *medians, *sample;
	u64 state = seed ? seed : 1;

	if (!n || resamples < 20)
		return -EINVAL;
	medians = malloc(resamples * sizeof(*medians));
	sample = malloc(n * sizeof(*sample));
	if (!medians || !sample) {
		free(medians);
		free(sample);
		return -ENOMEM;
	}
	for (unsigned r = 0; r < resamples; r++) {
		for (size_t i = 0; i < n; i++)
			sample[i] = v[next_random(&state) % n];
		medians[r] = stats_median(sample, n);
	}
	qsort(medians, resamples, sizeof(*medians), cmp_double);
	/* The 2.5th and 97.5th percentiles of the resampled medians. */
	*lo = medians[(size_t)(0.025 * (resamples - 1) + 0.5)];
	*hi = medians[(size_t)(0.975 * (resamples - 1) + 0.5)];
	free(medians);
	free(sample);
	return 0;
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
