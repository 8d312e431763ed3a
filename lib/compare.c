/* SPDX-License-Identifier: GPL-2.0 */
/* compare.c - see compare.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "compare.h"
#include "stats.h"

const char *compare_arm_name(enum compare_arm a)
{
	return a == COMPARE_EEVDF ? "eevdf" : a == COMPARE_SCXD ? "scxd" : "?";
}

void compare_add(struct compare_counts *to, const struct compare_counts *from)
{
	to->measured_ns += from->measured_ns;
	for (int i = 0; i < SCXD_MAX_LAYERS; i++) {
		struct scxd_trace_layer *t = &to->layer[i];
		const struct scxd_trace_layer *f = &from->layer[i];

		for (int b = 0; b < SCXD_HIST_BUCKETS; b++)
			t->hist[b] += f->hist[b];
		t->max_ns = f->max_ns > t->max_ns ? f->max_ns : t->max_ns;
		t->tasks = f->tasks > t->tasks ? f->tasks : t->tasks;
		t->wakeups += f->wakeups;
		t->cpu_ns += f->cpu_ns;
		t->switches += f->switches;
		t->xllc += f->xllc;
	}
}

const double compare_cdf_q[COMPARE_CDF_POINTS] = {
	0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99, 0.995, 0.999, 1,
};

static void arm_init(struct compare_arm_stats *a)
{
	*a = (struct compare_arm_stats){
		.p50_us = NAN, .p99_us = NAN, .max_us = NAN, .cpu_share = NAN,
	};
	for (int k = 0; k < COMPARE_CDF_POINTS; k++)
		a->cdf_us[k] = NAN;
}

void compare_result_init(struct compare_result *r, const char *state)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->state, sizeof(r->state), "%s", state);
	r->left_s = NAN;
	r->tracer_ns_per_event = NAN;
	for (int i = 0; i < COMPARE_MAX_ROUNDS; i++)
		for (int a = 0; a < COMPARE_NR_ARMS; a++)
			r->per_round[i].wall_s[a] = NAN;
	for (int i = 0; i < SCXD_MAX_LAYERS; i++) {
		struct compare_layer *l = &r->layers[i];

		for (int a = 0; a < COMPARE_NR_ARMS; a++)
			arm_init(&l->arm[a]);
		l->p50_ratio = l->p99_ratio = l->cpu_ratio = l->xllc_ratio = NAN;
	}
}

/* @a / @b when both are known and @b is not 0. */
static double ratio(double a, double b)
{
	return isnan(a) || isnan(b) || b <= 0 ? NAN : a / b;
}

static double at_most(double v, double max)
{
	return v > max ? max : v;
}

static void arm_stats(struct compare_arm_stats *a, const struct scxd_trace_layer *t,
		      double cpu_total_s, double measured_s)
{
	arm_init(a);
	a->wakeups = hist_samples(t->hist);
	a->tasks = t->tasks;
	a->cpu_s = t->cpu_ns / 1e9;
	if (cpu_total_s > 0)
		a->cpu_share = a->cpu_s / cpu_total_s;
	a->xllc_per_s = measured_s > 0 ? t->xllc / measured_s : 0;
	if (!a->wakeups)
		return;
	a->max_us = t->max_ns / 1000.0;
	/* A percentile read inside its bucket can pass the largest sample. */
	a->p50_us = at_most(hist_percentile(t->hist, 0.50) / 1000.0, a->max_us);
	a->p99_us = at_most(hist_percentile(t->hist, 0.99) / 1000.0, a->max_us);
	for (int k = 0; k < COMPARE_CDF_POINTS; k++)
		a->cdf_us[k] = at_most(hist_percentile(t->hist, compare_cdf_q[k]) / 1000.0, a->max_us);
}

/*
 * In plain words, what matters most first: for a latency layer how long
 * its wakeups waited, for a throughput or an auto layer how much CPU it
 * got; then the other, when both were measured.
 */
static void verdict(struct compare_layer *l)
{
	const struct compare_arm_stats *e = &l->arm[COMPARE_EEVDF], *s = &l->arm[COMPARE_SCXD];
	bool latency = !strcmp(l->policy, "latency");
	char parts[3][64], cpu[64] = "";
	int n = 0;

	if (!e->tasks && !s->tasks) {
		snprintf(l->verdict, sizeof(l->verdict), "%s: no tasks ran under either scheduler",
			 l->name);
		return;
	}
	if (!isnan(l->cpu_ratio))
		snprintf(cpu, sizeof(cpu), "%.2fx the CPU time", l->cpu_ratio);
	if (!latency && cpu[0])
		snprintf(parts[n++], sizeof(parts[0]), "%s", cpu);
	if (!isnan(l->p99_ratio))
		snprintf(parts[n++], sizeof(parts[0]), "p99 wakeup %.2fx EEVDF's", l->p99_ratio);
	else
		snprintf(parts[n++], sizeof(parts[0]), "no wakeups measured under %s",
			 !e->wakeups && !s->wakeups ? "either scheduler" :
			 !e->wakeups ? "EEVDF" : "scxd");
	if (latency && cpu[0])
		snprintf(parts[n++], sizeof(parts[0]), "%s", cpu);
	snprintf(l->verdict, sizeof(l->verdict), "%s: %s%s%s%s%s", l->name, parts[0],
		 n > 1 ? ", " : "", n > 1 ? parts[1] : "", n > 2 ? ", " : "", n > 2 ? parts[2] : "");
}

void compare_summarize(struct compare_result *r, const struct compare_counts tot[COMPARE_NR_ARMS])
{
	double cpu_total[COMPARE_NR_ARMS] = {0};

	for (int a = 0; a < COMPARE_NR_ARMS; a++)
		for (uint32_t i = 0; i < r->nr_layers && i < SCXD_MAX_LAYERS; i++)
			cpu_total[a] += tot[a].layer[i].cpu_ns / 1e9;
	for (uint32_t i = 0; i < r->nr_layers && i < SCXD_MAX_LAYERS; i++) {
		struct compare_layer *l = &r->layers[i];
		const struct compare_arm_stats *e = &l->arm[COMPARE_EEVDF];
		const struct compare_arm_stats *s = &l->arm[COMPARE_SCXD];
		double per_s[COMPARE_NR_ARMS];

		for (int a = 0; a < COMPARE_NR_ARMS; a++) {
			double secs = tot[a].measured_ns / 1e9;

			arm_stats(&l->arm[a], &tot[a].layer[i], cpu_total[a], secs);
			per_s[a] = secs > 0 ? l->arm[a].cpu_s / secs : NAN;
		}
		l->p50_ratio = ratio(s->p50_us, e->p50_us);
		l->p99_ratio = ratio(s->p99_us, e->p99_us);
		/* CPU time per second measured: the arms may differ in length. */
		l->cpu_ratio = ratio(per_s[COMPARE_SCXD], per_s[COMPARE_EEVDF]);
		l->xllc_ratio = ratio(s->xllc_per_s, e->xllc_per_s);
		verdict(l);
	}
}

/* ---- the document ------------------------------------------------------- */

#define R(m, t)		FIELD(struct compare_result, NULL, m, #m, t)
static const struct field result_fields[] = {
	R(state, F_STR), R(error, F_STR), R(round, F_U32), R(arm, F_STR), R(phase, F_STR),
	R(left_s, F_MEASURE), R(rounds, F_U32), R(rounds_done, F_U32), R(duration_s, F_U32),
	R(command, F_STR), R(started_at, F_U64), R(kernel, F_STR), R(role, F_STR),
	R(tracer_ns_per_event, F_MEASURE), R(tracer_events, F_U64), R(nr_layers, F_U32),
};
#undef R

#define A(arm, m, t)	FIELD(struct compare_layer, #arm, arm_stats_of_##arm.m, #m, t)
#define arm_stats_of_eevdf	arm[COMPARE_EEVDF]
#define arm_stats_of_scxd	arm[COMPARE_SCXD]
#define ARM(arm)								\
	A(arm, wakeups, F_U64), A(arm, tasks, F_U64), A(arm, p50_us, F_MEASURE),	\
	A(arm, p99_us, F_MEASURE), A(arm, max_us, F_MEASURE), A(arm, cpu_s, F_DOUBLE), \
	A(arm, cpu_share, F_MEASURE), A(arm, xllc_per_s, F_DOUBLE), A(arm, cdf_us, F_MEASURES)
#define L(m, t)		FIELD(struct compare_layer, NULL, m, #m, t)
static const struct field layer_fields[] = {
	L(name, F_STR), L(policy, F_STR), ARM(eevdf), ARM(scxd),
	L(p50_ratio, F_MEASURE), L(p99_ratio, F_MEASURE), L(cpu_ratio, F_MEASURE),
	L(xllc_ratio, F_MEASURE), L(verdict, F_STR), L(sched_cpu_s, F_DOUBLE),
	L(sched_wakeups, F_U64),
};
#undef L
#undef ARM
#undef A

/* Per arm: "eevdf_s", "eevdf_wall_s", "eevdf_exit", then scxd's. */
#define O(arm, ARM, m, suffix, t)						\
	FIELD(struct compare_round, NULL, m[COMPARE_##ARM], #arm suffix, t)
#define ROUND(arm, ARM)								\
	O(arm, ARM, measured_s, "_s", F_DOUBLE), O(arm, ARM, wall_s, "_wall_s", F_MEASURE), \
	O(arm, ARM, exit, "_exit", F_S32)
static const struct field round_fields[] = { ROUND(eevdf, EEVDF), ROUND(scxd, SCXD) };
#undef ROUND
#undef O

static const struct doc_array result_arrays[] = {
	DOC_ARRAY(struct compare_result, "per_round", per_round, rounds_done, "rounds",
		  round_fields),
	DOC_ARRAY(struct compare_result, "layers", layers, nr_layers, "layers", layer_fields),
};

cJSON *compare_result_encode(const struct compare_result *r)
{
	return encode_doc(r, result_fields, N_FIELDS(result_fields), result_arrays,
			  N_FIELDS(result_arrays));
}

int compare_result_decode(const cJSON *j, struct compare_result *r, struct proto_error *err)
{
	compare_result_init(r, "");
	return decode_doc(j, r, "compare", result_fields, N_FIELDS(result_fields), result_arrays,
			  N_FIELDS(result_arrays), err);
}
