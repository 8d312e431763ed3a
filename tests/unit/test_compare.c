/* test_compare.c - the compare result (lib/compare.c): statistics,
 * ratios and verdicts from known counts, and the JSON document. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "compare.h"
#include "hist.h"
#include "test.h"

static struct compare_counts tot[COMPARE_NR_ARMS];
static struct compare_result r;

/* @n wakeups of @ns each into layer @i of arm @a. */
static void wakeups(enum compare_arm a, int i, u64 n, u64 ns)
{
	struct scxd_trace_layer *l = &tot[a].layer[i];

	for (u64 k = 0; k < n; k++)
		scxd_hist_add(l->hist, ns);
	l->wakeups += n;
	if (ns > l->max_ns)
		l->max_ns = ns;
}

static void ran(enum compare_arm a, int i, u64 tasks, u64 cpu_ms, u64 xllc)
{
	tot[a].layer[i].tasks = tasks;
	tot[a].layer[i].cpu_ns = cpu_ms * 1000000;
	tot[a].layer[i].xllc = xllc;
}

/* Two layers, "game" (latency) and "batch" (throughput), 10 s per arm. */
static void setup(void)
{
	memset(tot, 0, sizeof(tot));
	compare_result_init(&r, "done");
	r.nr_layers = 2;
	strcpy(r.layers[0].name, "game");
	strcpy(r.layers[0].policy, "latency");
	strcpy(r.layers[1].name, "batch");
	strcpy(r.layers[1].policy, "throughput");
	tot[COMPARE_EEVDF].measured_ns = tot[COMPARE_SCXD].measured_ns = 10000000000ULL;
}

static bool near(double x, double want, double tolerance)
{
	if (fabs(x - want) <= tolerance * want)
		return true;
	printf("  %g is not within %.0f%% of %g\n", x, tolerance * 100, want);
	return false;
}

TEST(latency_percentiles_ratios_and_cpu_shares_come_from_the_counts)
{
	setup();
	/* game: EEVDF 99% at 1 ms and 1% at 8 ms; scxd 99% at 100 us, 1% at 2 ms */
	wakeups(COMPARE_EEVDF, 0, 9900, 1000000);
	wakeups(COMPARE_EEVDF, 0, 100, 8000000);
	wakeups(COMPARE_SCXD, 0, 9900, 100000);
	wakeups(COMPARE_SCXD, 0, 100, 2000000);
	ran(COMPARE_EEVDF, 0, 3, 1000, 50);
	ran(COMPARE_SCXD, 0, 3, 1000, 10);
	/* batch: 19 s of CPU under EEVDF, 19.5 s under scxd */
	wakeups(COMPARE_EEVDF, 1, 100, 5000000);
	wakeups(COMPARE_SCXD, 1, 100, 10000000);
	ran(COMPARE_EEVDF, 1, 8, 19000, 0);
	ran(COMPARE_SCXD, 1, 8, 19500, 0);
	compare_summarize(&r, tot);

	const struct compare_layer *g = &r.layers[0], *b = &r.layers[1];

	CHECK_INT(g->arm[COMPARE_EEVDF].wakeups, 10000);
	CHECK(near(g->arm[COMPARE_EEVDF].p50_us, 1000, 0.125));
	CHECK(near(g->arm[COMPARE_SCXD].p50_us, 100, 0.125));
	CHECK(near(g->arm[COMPARE_EEVDF].p99_us, 1000, 0.13));
	CHECK(near(g->arm[COMPARE_EEVDF].max_us, 8000, 0.0001));
	CHECK(near(g->p50_ratio, 0.1, 0.2));
	CHECK(near(g->arm[COMPARE_EEVDF].cpu_share, 1.0 / 20, 0.001));
	CHECK(near(g->arm[COMPARE_EEVDF].xllc_per_s, 5, 0.001));
	CHECK(near(g->xllc_ratio, 0.2, 0.001));
	CHECK(near(b->cpu_ratio, 19.5 / 19, 0.001));
	CHECK(near(b->p99_ratio, 2, 0.2));
	CHECK_INT(b->arm[COMPARE_SCXD].tasks, 8);
	/* The latency layer is judged by its wakeups first, the throughput
	 * layer by its CPU time. */
	CHECK_STR(b->verdict, "batch: 1.03x the CPU time, p99 wakeup 2.00x EEVDF's");
	CHECK_CONTAINS(g->verdict, "game: p99 wakeup 0.");
	CHECK_CONTAINS(g->verdict, "x EEVDF's, 1.00x the CPU time");
}

TEST(no_percentile_passes_the_largest_sample)
{
	setup();
	/* All samples at the bottom of one bucket: read inside it, p99 would
	 * lie above every sample. */
	wakeups(COMPARE_EEVDF, 0, 100, 1000000);
	wakeups(COMPARE_SCXD, 0, 100, 1000000);
	compare_summarize(&r, tot);
	CHECK(r.layers[0].arm[COMPARE_EEVDF].p99_us <= r.layers[0].arm[COMPARE_EEVDF].max_us);
	CHECK(r.layers[0].arm[COMPARE_EEVDF].p50_us <= r.layers[0].arm[COMPARE_EEVDF].max_us);
	for (int k = 0; k < COMPARE_CDF_POINTS; k++)
		CHECK(r.layers[0].arm[COMPARE_SCXD].cdf_us[k] <= r.layers[0].arm[COMPARE_SCXD].max_us);
}

TEST(cpu_time_is_compared_per_second_measured)
{
	setup();
	/* The same CPU time in half the time under scxd is twice as much. */
	tot[COMPARE_SCXD].measured_ns /= 2;
	ran(COMPARE_EEVDF, 1, 4, 10000, 0);
	ran(COMPARE_SCXD, 1, 4, 10000, 0);
	compare_summarize(&r, tot);
	CHECK(near(r.layers[1].cpu_ratio, 2, 0.001));
}

TEST(what_was_not_measured_stays_unknown_and_says_so)
{
	setup();
	ran(COMPARE_EEVDF, 0, 1, 5, 0);
	wakeups(COMPARE_EEVDF, 0, 10, 1000);
	ran(COMPARE_SCXD, 0, 1, 5, 0);
	compare_summarize(&r, tot);
	CHECK(isnan(r.layers[0].arm[COMPARE_SCXD].p99_us));
	CHECK(isnan(r.layers[0].p99_ratio));
	CHECK(!isnan(r.layers[0].arm[COMPARE_EEVDF].p99_us));
	CHECK_CONTAINS(r.layers[0].verdict, "no wakeups measured under scxd");
	/* A layer where nothing ran at all */
	CHECK_STR(r.layers[1].verdict, "batch: no tasks ran under either scheduler");
	CHECK(isnan(r.layers[1].arm[COMPARE_EEVDF].cpu_share) == 0);
	CHECK(isnan(r.layers[1].cpu_ratio));
}

TEST(arms_add_up_but_a_task_seen_in_two_arms_is_one_task)
{
	struct compare_counts a = {0}, b = {0};

	a.measured_ns = 5;
	b.measured_ns = 7;
	a.layer[3].hist[10] = 2;
	b.layer[3].hist[10] = 3;
	a.layer[3].tasks = 4;
	b.layer[3].tasks = 6;
	a.layer[3].max_ns = 90;
	b.layer[3].max_ns = 40;
	b.layer[3].cpu_ns = 11;
	compare_add(&a, &b);
	CHECK_INT(a.measured_ns, 12);
	CHECK_INT(a.layer[3].hist[10], 5);
	CHECK_INT(a.layer[3].tasks, 6);
	CHECK_INT(a.layer[3].max_ns, 90);
	CHECK_INT(a.layer[3].cpu_ns, 11);
}

/* Encode, print, parse and decode @in into @out: what a client receives. */
static int through_json(const struct compare_result *in, struct compare_result *out,
			struct proto_error *err)
{
	cJSON *j = compare_result_encode(in), *back;
	char *text;
	int rc;

	if (!j)
		return -ENOMEM;
	text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	back = text ? cJSON_Parse(text) : NULL;
	free(text);
	rc = back ? compare_result_decode(back, out, err) : -ENOMEM;
	cJSON_Delete(back);
	return rc;
}

TEST(the_result_survives_json_with_unknowns_as_null)
{
	static struct compare_result back;
	struct proto_error err;
	cJSON *j;
	char *text;

	setup();
	wakeups(COMPARE_EEVDF, 0, 100, 2000);
	ran(COMPARE_EEVDF, 0, 2, 10, 1);
	compare_summarize(&r, tot);
	r.rounds = r.rounds_done = 2;
	r.per_round[1].measured_s[COMPARE_SCXD] = 20.5;
	r.per_round[1].wall_s[COMPARE_EEVDF] = 3.25;
	r.per_round[1].exit[COMPARE_SCXD] = 2;
	strcpy(r.command, "make -j8");
	r.tracer_ns_per_event = 180;
	CHECK_INT(through_json(&r, &back, &err), 0);
	CHECK_STR(back.state, "done");
	CHECK_STR(back.command, "make -j8");
	CHECK_INT(back.nr_layers, 2);
	CHECK_STR(back.layers[0].verdict, r.layers[0].verdict);
	CHECK(back.layers[0].arm[COMPARE_EEVDF].p99_us == r.layers[0].arm[COMPARE_EEVDF].p99_us);
	CHECK(isnan(back.layers[0].arm[COMPARE_SCXD].p99_us));
	CHECK(isnan(back.layers[0].p99_ratio));
	CHECK(back.per_round[1].measured_s[COMPARE_SCXD] == 20.5);
	CHECK(back.per_round[1].wall_s[COMPARE_EEVDF] == 3.25);
	CHECK(isnan(back.per_round[0].wall_s[COMPARE_EEVDF]));
	CHECK_INT(back.per_round[1].exit[COMPARE_SCXD], 2);
	CHECK(back.tracer_ns_per_event == 180);
	CHECK(isnan(back.left_s));
	/* Unknown is null on the wire, not 0. */
	j = compare_result_encode(&r);
	text = cJSON_PrintUnformatted(j);
	CHECK_CONTAINS(text, "\"scxd\":{\"wakeups\":0,\"tasks\":0,\"p50_us\":null,\"p99_us\":null");
	CHECK_CONTAINS(text, "\"p99_ratio\":null");
	free(text);
	cJSON_Delete(j);
}

TEST(a_bad_field_of_the_result_is_named)
{
	static struct compare_result back;
	struct proto_error err;
	cJSON *j;

	setup();
	compare_summarize(&r, tot);
	j = compare_result_encode(&r);
	cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "layers"), 1), "eevdf",
				  cJSON_CreateString("x"));
	CHECK_INT(compare_result_decode(j, &back, &err), -EBADMSG);
	CHECK_CONTAINS(err.message, "layers[1].eevdf: not an object");
	cJSON_Delete(j);

	j = compare_result_encode(&r);
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(cJSON_GetArrayItem(
		cJSON_GetObjectItem(j, "layers"), 0), "scxd"), "p99_us", cJSON_CreateNumber(-1));
	CHECK_INT(compare_result_decode(j, &back, &err), -EBADMSG);
	CHECK_CONTAINS(err.message, "layers[0].scxd.p99_us: not null or a number >= 0");
	cJSON_Delete(j);

	j = compare_result_encode(&r);
	cJSON_ReplaceItemInObject(j, "rounds_done", cJSON_CreateNumber(3));
	CHECK_INT(compare_result_decode(j, &back, &err), -EBADMSG);
	CHECK_CONTAINS(err.message, "rounds_done: 3, but 0 rounds follow");
	cJSON_Delete(j);
}

TEST_MAIN
