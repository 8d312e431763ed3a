/* test_stats.c - counter deltas, utilization, latency percentiles (lib/stats.c). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hist.h"
#include "stats.h"
#include "test.h"

static u64 hist[SCXD_LAT_BUCKETS];

static void hist_reset(void)
{
	memset(hist, 0, sizeof(hist));
}

static u64 pct(double q)
{
	return lat_hist_percentile(hist, SCXD_LAT_BUCKETS, q);
}

TEST(an_empty_histogram_has_percentile_zero)
{
	hist_reset();
	CHECK_INT(pct(0.5), 0);
	CHECK_INT(pct(0.99), 0);
	CHECK_INT(pct(1), 0);
	CHECK_INT(lat_hist_samples(hist, SCXD_LAT_BUCKETS), 0);
}

TEST(inside_one_bucket_percentiles_interpolate_between_its_bounds)
{
	hist_reset();
	hist[10] = 100;				/* [1024, 2048) ns */
	CHECK_INT(pct(0.5), 1024 + 512);
	CHECK_INT(pct(0.25), 1024 + 256);
	CHECK_INT(pct(0.01), 1034);		/* 1024 + 10.24, rounded */
	CHECK_INT(pct(1), 2048);
}

TEST(a_single_sample_sits_in_the_middle_of_its_bucket_at_p50)
{
	hist_reset();
	hist[5] = 1;				/* [32, 64) ns */
	CHECK_INT(pct(0.5), 48);
}

TEST(with_two_buckets_the_rank_picks_the_bucket_and_the_place_in_it)
{
	hist_reset();
	hist[10] = 90;
	hist[20] = 10;
	/* Sample 50 of 90 in [1024, 2048): 1024 + 50/90 * 1024. */
	CHECK_INT(pct(0.5), 1024 + 569);
	/* Sample 90 is the last of the low bucket: its upper bound. */
	CHECK_INT(pct(0.9), 2048);
	/* Sample 99 is the 9th of 10 in [2^20, 2^21). */
	CHECK_INT(pct(0.99), (1 << 20) + 943718);
}

TEST(p99_shows_the_slow_tail_that_p50_hides)
{
	hist_reset();
	hist[12] = 980;				/* ~4-8 us */
	hist[24] = 20;				/* ~16-33 ms */
	CHECK(pct(0.5) >= 4096 && pct(0.5) < 8192);
	CHECK_INT(pct(0.99), (1 << 24) + (1 << 23));
}

TEST(empty_buckets_between_samples_are_skipped)
{
	hist_reset();
	hist[3] = 50;
	hist[8] = 50;
	CHECK_INT(pct(0.5), 16);		/* top of [8, 16) */
	CHECK_INT(pct(0.51), 256 + 5);		/* 1/50 into [256, 512) */
}

TEST(the_open_last_bucket_reports_its_lower_bound)
{
	hist_reset();
	hist[SCXD_LAT_BUCKETS - 1] = 7;
	CHECK_INT(pct(0.5), 1ULL << (SCXD_LAT_BUCKETS - 1));
	CHECK_INT(pct(1), 1ULL << (SCXD_LAT_BUCKETS - 1));
	/* ... also behind other samples, and for a short histogram. */
	hist[0] = 7;
	CHECK_INT(pct(0.99), 1ULL << (SCXD_LAT_BUCKETS - 1));
	CHECK_INT(lat_hist_percentile(hist, 4, 1), 2);	/* [1, 2): not the last of 4 */
	hist[3] = 1;
	CHECK_INT(lat_hist_percentile(hist, 4, 1), 8);
}

TEST(a_q_outside_0_to_1_is_clamped)
{
	hist_reset();
	hist[4] = 10;
	hist[9] = 10;
	CHECK_INT(pct(0), 16);			/* lower bound of the first sample */
	CHECK_INT(pct(-1), 16);
	CHECK_INT(pct(NAN), 16);
	CHECK_INT(pct(7), pct(1));
}

TEST(percentiles_never_decrease_as_q_grows)
{
	u64 prev = 0;

	hist_reset();
	for (unsigned b = 0; b < SCXD_LAT_BUCKETS; b++)
		hist[b] = (b * 7919) % 13;	/* uneven, some empty */
	for (int i = 1; i <= 1000; i++) {
		u64 v = pct(i / 1000.0);

		CHECK(v >= prev);
		prev = v;
	}
	CHECK_INT(lat_hist_samples(hist, SCXD_LAT_BUCKETS),
		  lat_hist_samples(hist, SCXD_LAT_BUCKETS / 2) +
		  lat_hist_samples(hist + SCXD_LAT_BUCKETS / 2, SCXD_LAT_BUCKETS / 2));
}

static void sample(struct layer_sample *s, u64 base, s64 tasks)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < SCXD_NR_LSTATS; i++)
		s->cnt[i] = base * (i + 1);
	for (unsigned i = 0; i < SCXD_LAT_BUCKETS; i++)
		s->hist[i] = base + i;
	s->tasks = tasks;
}

TEST(a_delta_subtracts_counters_and_buckets_and_keeps_the_current_task_count)
{
	struct layer_sample then, now, d;

	sample(&then, 100, 5);
	sample(&now, 250, 3);
	layer_sample_delta(&now, &then, &d);
	for (unsigned i = 0; i < SCXD_NR_LSTATS; i++)
		CHECK_INT(d.cnt[i], 150 * (i + 1));
	for (unsigned i = 0; i < SCXD_LAT_BUCKETS; i++)
		CHECK_INT(d.hist[i], 150);
	CHECK_INT(d.tasks, 3);
}

TEST(an_unchanged_sample_has_a_zero_delta)
{
	struct layer_sample s, d;

	sample(&s, 42, 1);
	layer_sample_delta(&s, &s, &d);
	for (unsigned i = 0; i < SCXD_NR_LSTATS; i++)
		CHECK_INT(d.cnt[i], 0);
	CHECK_INT(lat_hist_samples(d.hist, SCXD_LAT_BUCKETS), 0);
}

/* Is a delta's field @name (element @i, or -1: not an array) @want? Says
 * which field differs if not. */
static int same_field(const char *name, int i, unsigned long long got,
		      unsigned long long want)
{
	char at[16] = "";

	if (i >= 0)
		snprintf(at, sizeof(at), "[%d]", i);
	if (got != want)
		printf("  the delta's %s%s == %llu, expected %llu\n", name, at, got, want);
	return got == want;
}

/* Is the delta of @now since @then the whole of @now, as after a restart? */
static int delta_is_restart(const struct layer_sample *now, const struct layer_sample *then)
{
	struct layer_sample d;
	int i;

	layer_sample_delta(now, then, &d);
	for (i = 0; i < SCXD_NR_LSTATS; i++)
		if (!same_field("cnt", i, d.cnt[i], now->cnt[i]))
			return 0;
	for (i = 0; i < SCXD_LAT_BUCKETS; i++)
		if (!same_field("hist", i, d.hist[i], now->hist[i]))
			return 0;
	return same_field("tasks", -1, d.tasks, now->tasks);
}

TEST(a_counter_that_went_backwards_is_a_restart_and_the_delta_is_the_new_sample)
{
	struct layer_sample then, now;

	/* After a reload every counter starts again from 0; by the next
	 * sample some may already be past their old values. */
	sample(&then, 1000, 8);
	sample(&now, 10, 2);
	now.cnt[SCXD_LSTAT_ENQ] = 5000;
	CHECK(delta_is_restart(&now, &then));
}

TEST(a_histogram_bucket_that_went_backwards_is_a_restart_too)
{
	struct layer_sample then, now;

	sample(&then, 100, 1);
	sample(&now, 200, 1);
	now.hist[17] = 3;
	CHECK(delta_is_restart(&now, &then));
}

TEST(a_counter_at_the_top_of_u64_still_subtracts_exactly)
{
	struct layer_sample then, now, d;

	sample(&then, 0, 0);
	sample(&now, 0, 0);
	then.cnt[SCXD_LSTAT_CPU_NS] = UINT64_MAX - 10;
	now.cnt[SCXD_LSTAT_CPU_NS] = UINT64_MAX;
	layer_sample_delta(&now, &then, &d);
	CHECK_INT(d.cnt[SCXD_LSTAT_CPU_NS], 10);
}

TEST(a_delta_may_be_written_over_either_input)
{
	struct layer_sample then, now;

	sample(&then, 100, 5);
	sample(&now, 250, 3);
	layer_sample_delta(&now, &then, &now);
	CHECK_INT(now.cnt[SCXD_LSTAT_DISPATCH], 300);
	sample(&now, 250, 3);
	layer_sample_delta(&now, &then, &then);
	CHECK_INT(then.cnt[SCXD_LSTAT_DISPATCH], 300);
	CHECK_INT(then.tasks, 3);
	/* A restart written over then. */
	sample(&then, 900, 5);
	layer_sample_delta(&now, &then, &then);
	CHECK_INT(then.cnt[SCXD_LSTAT_DISPATCH], 500);
}

TEST(util_is_busy_cpus_over_the_interval)
{
	struct layer_sample d;

	memset(&d, 0, sizeof(d));
	d.cnt[SCXD_LSTAT_CPU_NS] = 1500000000ULL;		/* 1.5 s of CPU */
	CHECK(fabs(layer_util(&d, 1000000000ULL) - 1.5) < 1e-12);	/* in 1 s */
	CHECK(fabs(layer_util(&d, 3000000000ULL) - 0.5) < 1e-12);
	CHECK(layer_util(&d, 0) == 0);
	d.cnt[SCXD_LSTAT_CPU_NS] = 0;
	CHECK(layer_util(&d, 1000000000ULL) == 0);
}

TEST(the_mean_latency_is_the_sum_over_the_count)
{
	struct layer_sample d;

	memset(&d, 0, sizeof(d));
	CHECK_INT(layer_lat_mean_ns(&d), 0);
	d.cnt[SCXD_LSTAT_LAT_NS] = 30000;
	d.cnt[SCXD_LSTAT_LAT_CNT] = 4;
	CHECK_INT(layer_lat_mean_ns(&d), 7500);
}

static const char *us(double v)
{
	static char buf[32];

	stats_format_us(buf, sizeof(buf), v);
	return buf;
}

TEST(durations_print_with_three_digits_in_the_unit_that_keeps_them_under_1000)
{
	CHECK_STR(us(0), "0us");
	CHECK_STR(us(0.85), "0.85us");
	CHECK_STR(us(1.536), "1.54us");
	CHECK_STR(us(12.5), "12.5us");
	CHECK_STR(us(850), "850us");
	CHECK_STR(us(1536), "1.54ms");
	CHECK_STR(us(153600), "154ms");
	CHECK_STR(us(2e6), "2.00s");
	CHECK_STR(us(1234e6), "1234s");
}

TEST(a_duration_that_would_round_up_to_the_next_digit_prints_in_it)
{
	CHECK_STR(us(9.996), "10.0us");
	CHECK_STR(us(99.96), "100us");
	CHECK_STR(us(999.7), "1.00ms");
	CHECK_STR(us(999.4), "999us");
}

TEST(a_negative_or_nan_duration_prints_as_a_dash_and_a_short_buffer_is_cut)
{
	char small[4];

	CHECK_STR(us(-1), "-");
	CHECK_STR(us(NAN), "-");
	stats_format_us(small, sizeof(small), 1536);
	CHECK_STR(small, "1.5");
}

/* ---- the compare instrument's histogram (bpf/hist.h) ---- */

TEST(hist_buckets_are_four_per_power_of_two_and_each_holds_its_lower_bound)
{
	/* The first buckets are exact; then each bucket starts where the
	 * last one ended and is a quarter of its power of two wide. */
	for (u32 ns = 0; ns < 4; ns++)
		CHECK_INT(scxd_hist_bucket(ns), ns);
	CHECK_INT(scxd_hist_bucket(4), 4);
	CHECK_INT(scxd_hist_bucket(7), 7);
	CHECK_INT(scxd_hist_bucket(8), 8);
	CHECK_INT(scxd_hist_bucket(9), 8);
	CHECK_INT(scxd_hist_bucket(10), 9);
	CHECK_INT(scxd_hist_bucket(1000), 4 * 8 + 3);	/* 2^9 + 3 * 2^7 = 896 */
	for (u32 b = 0; b + 1 < SCXD_HIST_BUCKETS; b++) {
		u64 lo = scxd_hist_lower(b), next = scxd_hist_lower(b + 1);

		CHECK(next > lo);
		CHECK_INT(scxd_hist_bucket(lo), b);
		CHECK_INT(scxd_hist_bucket(next - 1), b);
		/* No bucket is wider than a quarter of its lower bound (from 4 ns). */
		CHECK(b < 4 || (next - lo) * 4 <= lo);
	}
	CHECK_INT(scxd_hist_bucket(~0ULL), SCXD_HIST_BUCKETS - 1);
}

TEST(hist_percentiles_are_within_a_bucket_of_the_samples)
{
	static u64 h[SCXD_HIST_BUCKETS];
	u64 p50, p99;

	memset(h, 0, sizeof(h));
	CHECK_INT(hist_percentile(h, 0.5), 0);
	/* 990 samples of 100 us, 10 of 5 ms */
	h[scxd_hist_bucket(100000)] = 990;
	h[scxd_hist_bucket(5000000)] = 10;
	CHECK_INT(hist_samples(h), 1000);
	p50 = hist_percentile(h, 0.5);
	p99 = hist_percentile(h, 0.999);
	CHECK(p50 >= 100000 * 7 / 8 && p50 <= 100000 * 9 / 8);
	CHECK(p99 >= 5000000 * 7 / 8 && p99 <= 5000000 * 9 / 8);
	/* The open-ended last bucket reads as its floor. */
	memset(h, 0, sizeof(h));
	h[SCXD_HIST_BUCKETS - 1] = 3;
	CHECK_INT(hist_percentile(h, 0.99), scxd_hist_lower(SCXD_HIST_BUCKETS - 1));
}

TEST(a_latency_counted_as_bpf_counts_it_reads_back_within_an_eighth)
{
	static u64 h[SCXD_HIST_BUCKETS];

	/* From 1 us to 10 s, each value alone in the histogram: what BPF
	 * counted (scxd_hist_add) is what the host reads back. */
	for (u64 ns = 1000; ns <= 10000000000ULL; ns = ns * 3 / 2) {
		u64 p;

		memset(h, 0, sizeof(h));
		scxd_hist_add(h, ns);
		CHECK_INT(hist_samples(h), 1);
		/* One sample is read at its bucket's middle: within an eighth. */
		p = hist_percentile(h, 0.5);
		CHECK(p >= ns * 7 / 8 && p <= ns * 9 / 8);
	}
	memset(h, 0, sizeof(h));
	scxd_hist_add(h, ~0ULL);
	CHECK_INT(h[SCXD_HIST_BUCKETS - 1], 1);
}

TEST(the_median_of_odd_and_even_counts)
{
	const double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 };

	CHECK(stats_median(odd, 3) == 2);
	CHECK(stats_median(even, 4) == 2.5);
	CHECK(isnan(stats_median(odd, 0)));
}

TEST(the_bootstrap_interval_holds_the_median_is_repeatable_and_narrows_with_agreement)
{
	const double ratios[] = { 0.62, 0.58, 0.71, 0.55, 0.66, 0.60, 0.93 };
	const double same[] = { 0.5, 0.5, 0.5, 0.5, 0.5 };
	double lo, hi, lo2, hi2, m = stats_median(ratios, 7);

	CHECK_INT(stats_bootstrap_median(ratios, 7, 2000, 42, &lo, &hi), 0);
	CHECK(lo <= m && m <= hi);
	CHECK(lo >= 0.55 && hi <= 0.93);
	CHECK(hi - lo > 0.01);
	/* The same seed, the same interval. */
	CHECK_INT(stats_bootstrap_median(ratios, 7, 2000, 42, &lo2, &hi2), 0);
	CHECK(lo == lo2 && hi == hi2);
	/* Values that all agree leave no doubt. */
	CHECK_INT(stats_bootstrap_median(same, 5, 500, 7, &lo, &hi), 0);
	CHECK(lo == 0.5 && hi == 0.5);
	CHECK_INT(stats_bootstrap_median(ratios, 0, 500, 7, &lo, &hi), -EINVAL);
	CHECK_INT(stats_bootstrap_median(ratios, 7, 10, 7, &lo, &hi), -EINVAL);
}

TEST_MAIN
