/* test_alloc.c - the CPU allocator: how many CPUs each layer gets, which
 * ones, where it may run, and that the answer is stable from one call to
 * the next. */
#include <errno.h>
#include <stdlib.h>

#include "alloc.h"
#include "test.h"

/* A machine, its layers, and the last two results. */
struct fx {
	struct scxd_cpu_topo topo[SCXD_MAX_CPUS];
	struct scxd_layer layers[SCXD_MAX_LAYERS];
	double util[SCXD_MAX_LAYERS];
	struct scxd_layer_cpus prev[SCXD_MAX_LAYERS];
	struct scxd_layer_cpus out[SCXD_MAX_LAYERS];
	struct alloc_input in;
};

/*
 * @nr_cpus online CPUs, @per_llc to an LLC: CPUs 0..per_llc-1 are LLC 0.
 * A test works on one machine at a time, so each call replaces (frees) the
 * one before and no test frees its own. It stays on the heap, where
 * valgrind sees an access past its arrays.
 */
static struct fx *machine(u32 nr_cpus, u32 per_llc)
{
	static struct fx *current;
	struct fx *f = calloc(1, sizeof(*f));
	u32 c;

	if (!f)
		abort();
	free(current);
	current = f;
	for (c = 0; c < nr_cpus; c++) {
		f->topo[c].llc = c / per_llc;
		f->topo[c].llc_id = c / per_llc * per_llc;
		f->topo[c].llc_size = per_llc;
		f->topo[c].online = 1;
	}
	f->in = (struct alloc_input){
		.nr_cpus = nr_cpus, .topo = f->topo, .layers = f->layers, .util = f->util,
	};
	return f;
}

/* Adds a layer of weight 100 with no bounds; returns it for adjusting. */
static struct scxd_layer *add_layer(struct fx *f, u32 kind, double util)
{
	struct scxd_layer *l = &f->layers[f->in.nr_layers];

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "l%u", f->in.nr_layers);
	l->kind = kind;
	l->weight = 100;
	l->cpus_min = kind == SCXD_KIND_CONFINED ? 1 : 0;
	f->util[f->in.nr_layers++] = util;
	return l;
}

/* A first computation, without a previous result. */
static int run(struct fx *f)
{
	f->in.prev = NULL;
	return alloc_compute(&f->in, f->out);
}

/* The next periodic computation: the last result becomes the previous one. */
static int again(struct fx *f)
{
	memcpy(f->prev, f->out, sizeof(f->out));
	f->in.prev = f->prev;
	return alloc_compute(&f->in, f->out);
}

/* How many CPUs each layer owns once alloc_compute() returned @r, as
 * "12 4" for two layers; or that it failed. */
static const char *nr_owned(const struct fx *f, int r)
{
	static char buf[SCXD_MAX_LAYERS * 5 + 32];
	size_t n = 0;

	if (r) {
		snprintf(buf, sizeof(buf), "alloc_compute() = %d", r);
		return buf;
	}
	buf[0] = '\0';
	for (u32 i = 0; i < f->in.nr_layers; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%u", i ? " " : "", f->out[i].nr_owned);
	return buf;
}

/* CPUs 0..63 of a mask, to compare with a literal. */
static u64 low(const struct scxd_cpumask *m)
{
	return m->bits[0];
}

/* Bits lo..hi. */
static u64 bits(u32 lo, u32 hi)
{
	return (hi == 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1);
}

TEST(idle_layers_get_their_minimums_only)
{
	struct fx *f = machine(8, 8);

	add_layer(f, SCXD_KIND_OPEN, 0);
	add_layer(f, SCXD_KIND_CONFINED, 0);
	add_layer(f, SCXD_KIND_OPEN, 0)->cpus_min = 2;
	CHECK_STR(nr_owned(f, run(f)), "0 1 2");
	CHECK_INT(low(&f->out[1].owned), 0x1);
	CHECK_INT(low(&f->out[2].owned), 0x6);
}

TEST(a_busy_layer_grows_to_ceil_util_times_one_and_a_quarter)
{
	static const struct {
		double util;
		u32 cpus;
	} cases[] = {
		{ 0.01, 1 }, { 0.8, 1 }, { 0.81, 2 }, { 1.6, 2 }, { 2.0, 3 }, { 2.5, 4 },
		{ 4.0, 5 }, { 8.0, 10 }, { 12.8, 16 }, { 50.0, 16 }, { 1e300, 16 },
	};
	struct fx *f = machine(16, 8);
	size_t i;

	add_layer(f, SCXD_KIND_OPEN, 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f->util[0] = cases[i].util;
		CHECK_INT(run(f), 0);
		if (f->out[0].nr_owned != cases[i].cpus)
			printf("  util %g\n", cases[i].util);
		CHECK_INT(f->out[0].nr_owned, cases[i].cpus);
	}
}

TEST(targets_clamp_to_cpus_min_and_max_and_to_the_allowed_cpus)
{
	struct fx *f = machine(16, 8);
	struct scxd_layer *a = add_layer(f, SCXD_KIND_OPEN, 10.0);
	struct scxd_layer *b = add_layer(f, SCXD_KIND_CONFINED, 0.1);
	struct scxd_layer *c = add_layer(f, SCXD_KIND_OPEN, 100.0);

	a->cpus_max = 3;
	b->cpus_min = 4;
	c->llcs = 0x2;		/* LLC 1: 8 CPUs */
	c->cpus_min = 20;	/* more than it may ever use */
	CHECK_STR(nr_owned(f, run(f)), "3 4 8");
	CHECK_INT(low(&f->out[2].owned), bits(8, 15));
}

TEST(oversubscription_shares_by_weight)
{
	struct fx *f = machine(16, 16);

	add_layer(f, SCXD_KIND_OPEN, 100)->weight = 300;
	add_layer(f, SCXD_KIND_CONFINED, 100)->weight = 100;
	CHECK_STR(nr_owned(f, run(f)), "12 4");
	/* a layer does not get more than its target: the rest goes to the other */
	f->util[0] = 2.0;
	CHECK_STR(nr_owned(f, run(f)), "3 13");
}

TEST(minimums_come_first_and_in_layer_order_when_they_do_not_fit)
{
	struct fx *f = machine(6, 6);

	add_layer(f, SCXD_KIND_OPEN, 100)->weight = 10000;
	add_layer(f, SCXD_KIND_CONFINED, 0)->cpus_min = 2;
	add_layer(f, SCXD_KIND_CONFINED, 0)->cpus_min = 3;
	/* a heavy weight does not take what the minimums need */
	CHECK_STR(nr_owned(f, run(f)), "1 2 3");

	/* 2 + 3 + 4 > 6: what fits, in layer order, and no failure */
	f->layers[0].cpus_min = 4;
	CHECK_STR(nr_owned(f, run(f)), "4 2 0");
}

TEST(a_layer_fills_an_llc_before_spilling_to_the_next)
{
	struct fx *f = machine(12, 4);		/* LLCs 0-3, 4-7, 8-11 */

	add_layer(f, SCXD_KIND_CONFINED, 4.4);	/* 6 CPUs */
	add_layer(f, SCXD_KIND_CONFINED, 1.6);	/* 2 CPUs */
	CHECK_INT(run(f), 0);
	CHECK_INT(low(&f->out[0].owned), bits(0, 5));
	/* LLC 2 has more free CPUs than LLC 1 */
	CHECK_INT(low(&f->out[1].owned), bits(8, 9));
	CHECK_INT(f->out[0].span_llcs, 0x3);
	CHECK_INT(f->out[1].span_llcs, 0x4);
}

TEST(llcs_restricts_a_layer_to_those_llcs)
{
	struct fx *f = machine(16, 4);
	struct scxd_layer *a = add_layer(f, SCXD_KIND_OPEN, 100);

	a->llcs = 0x5;				/* LLCs 0 and 2 */
	CHECK_STR(nr_owned(f, run(f)), "8");
	CHECK_INT(low(&f->out[0].owned), bits(0, 3) | bits(8, 11));
	CHECK_INT(low(&f->out[0].span), bits(0, 3) | bits(8, 11));
	CHECK_INT(f->out[0].span_llcs, 0x5);
	CHECK_INT(f->out[0].nr_span, 8);
	/* LLCs the machine does not have are ignored */
	a->llcs = 0x3ULL | 1ULL << 63;
	CHECK_INT(run(f), 0);
	CHECK_INT(low(&f->out[0].owned), bits(0, 7));
}

TEST(a_layer_restricted_to_an_llc_is_not_crowded_out_by_one_that_could_go_elsewhere)
{
	struct fx *f = machine(8, 4);

	add_layer(f, SCXD_KIND_CONFINED, 0)->cpus_min = 4;	/* first, any LLC */
	add_layer(f, SCXD_KIND_CONFINED, 0)->cpus_min = 4;
	f->layers[1].llcs = 0x1;				/* LLC 0 only */
	CHECK_INT(run(f), 0);
	CHECK_INT(low(&f->out[0].owned), bits(4, 7));
	CHECK_INT(low(&f->out[1].owned), bits(0, 3));
	/* two layers in the same single LLC share it, and no more */
	f->layers[0].llcs = 0x1;
	f->util[0] = f->util[1] = 10;
	f->layers[0].cpus_min = f->layers[1].cpus_min = 1;
	CHECK_STR(nr_owned(f, run(f)), "2 2");
	CHECK_INT(low(&f->out[0].owned) | low(&f->out[1].owned), bits(0, 3));
}

TEST(offline_cpus_are_never_allocated_nor_spanned)
{
	struct fx *f = machine(8, 4);

	f->topo[1].online = 0;
	f->topo[6].online = 0;
	f->topo[7].online = 0;
	f->topo[7].llc = 1000;			/* garbage is fine where offline */
	add_layer(f, SCXD_KIND_CONFINED, 100);
	add_layer(f, SCXD_KIND_OPEN, 0);
	CHECK_INT(run(f), 0);
	CHECK_INT(low(&f->out[0].owned), 0x3d);
	CHECK_INT(f->out[0].nr_owned, 5);
	/* nothing left beside the confined layer's CPUs: all it may use */
	CHECK_INT(low(&f->out[1].span), 0x3d);
}

TEST(an_open_layer_spans_its_llcs_minus_cpus_owned_by_confined_layers)
{
	struct fx *f = machine(8, 4);

	add_layer(f, SCXD_KIND_CONFINED, 1.5);	/* 2 CPUs */
	add_layer(f, SCXD_KIND_OPEN, 1.5);	/* 2 CPUs */
	add_layer(f, SCXD_KIND_OPEN, 0)->llcs = 0x1;
	CHECK_INT(run(f), 0);
	CHECK_INT(low(&f->out[0].owned), 0x03);
	CHECK_INT(low(&f->out[1].owned), 0x30);
	CHECK_INT(low(&f->out[0].span), 0x03);		/* confined: its own */
	CHECK_INT(low(&f->out[1].span), 0xfc);		/* open: not layer 0's */
	CHECK_INT(f->out[1].span_llcs, 0x3);
	CHECK_INT(low(&f->out[2].span), 0x0c);		/* open, LLC 0 only */
	CHECK_INT(f->out[2].nr_span, 2);
	CHECK_INT(f->out[2].span_llcs, 0x1);
}

TEST(an_open_layer_left_with_nothing_spans_all_its_llcs)
{
	struct fx *f = machine(8, 4);

	add_layer(f, SCXD_KIND_CONFINED, 0)->cpus_min = 4;
	add_layer(f, SCXD_KIND_OPEN, 0)->llcs = 0x1;
	CHECK_INT(run(f), 0);
	CHECK_INT(low(&f->out[0].owned), 0x0f);
	CHECK_INT(low(&f->out[1].span), 0x0f);
}

TEST(a_confined_layer_without_cpus_spans_its_allowed_cpus_so_it_never_stalls)
{
	struct fx *f = machine(4, 2);

	add_layer(f, SCXD_KIND_CONFINED, 0)->cpus_min = 4;
	add_layer(f, SCXD_KIND_CONFINED, 5)->llcs = 0x2;
	CHECK_STR(nr_owned(f, run(f)), "4 0");
	CHECK_INT(low(&f->out[1].span), 0x0c);
	CHECK_INT(f->out[1].nr_span, 2);
	CHECK_INT(f->out[1].span_llcs, 0x2);
}

TEST(the_previous_allocation_is_kept_when_utilization_is_unchanged)
{
	struct fx *f = machine(32, 8);
	struct scxd_layer_cpus first[SCXD_MAX_LAYERS];
	int i;

	add_layer(f, SCXD_KIND_OPEN, 3.0)->weight = 200;
	add_layer(f, SCXD_KIND_CONFINED, 40.0);
	add_layer(f, SCXD_KIND_OPEN, 5.5)->llcs = 0x6;
	add_layer(f, SCXD_KIND_CONFINED, 0.5)->cpus_max = 2;
	CHECK_INT(run(f), 0);
	memcpy(first, f->out, sizeof(first));
	for (i = 0; i < 5; i++) {
		CHECK_INT(again(f), 0);
		CHECK(!memcmp(first, f->out, sizeof(struct scxd_layer_cpus) * f->in.nr_layers));
	}
}

TEST(previously_owned_cpus_are_kept_when_placing)
{
	struct fx *f = machine(16, 8);

	add_layer(f, SCXD_KIND_CONFINED, 2.0);	/* 3 CPUs */
	f->out[0].owned.bits[0] = 0x4a00;		/* 9, 11, 14: LLC 1, scattered */
	CHECK_INT(again(f), 0);
	CHECK_INT(low(&f->out[0].owned), 0x4a00);
	/* growing: in the same LLC, then the lowest free CPUs there */
	f->util[0] = 4.0;			/* 5 CPUs */
	CHECK_INT(again(f), 0);
	CHECK_INT(low(&f->out[0].owned), bits(8, 11) | 1 << 14);
}

TEST(shrinking_is_gradual_one_cpu_per_call)
{
	struct fx *f = machine(16, 8);
	u32 n;

	add_layer(f, SCXD_KIND_CONFINED, 9.0);	/* 12 CPUs */
	CHECK_STR(nr_owned(f, run(f)), "12");
	f->util[0] = 0;
	for (n = 11; n >= 1; n--) {
		CHECK_INT(again(f), 0);
		CHECK_INT(f->out[0].nr_owned, n);
	}
	/* down to its minimum, and it stays there */
	CHECK_STR(nr_owned(f, again(f)), "1");
	/* having released its highest CPUs first */
	CHECK_INT(low(&f->out[0].owned), 0x1);
	/* growth is not damped */
	f->util[0] = 9.0;
	CHECK_STR(nr_owned(f, again(f)), "12");
}

TEST(only_the_minimums_of_others_push_a_layer_below_its_floor)
{
	struct fx *f = machine(8, 8);

	add_layer(f, SCXD_KIND_OPEN, 0)->weight = 10000;
	add_layer(f, SCXD_KIND_CONFINED, 100);
	CHECK_INT(run(f), 0);
	CHECK_INT(f->out[1].nr_owned, 8);
	/* a heavy layer wakes up: the busy one still shrinks one CPU per call */
	f->util[0] = 100;
	CHECK_STR(nr_owned(f, again(f)), "1 7");
	CHECK_STR(nr_owned(f, again(f)), "2 6");
	/* a minimum is had at once */
	f->layers[0].cpus_min = 5;
	CHECK_STR(nr_owned(f, again(f)), "5 3");
}

TEST(a_previous_result_naming_offline_cpus_is_only_a_preference)
{
	struct fx *f = machine(8, 4);

	add_layer(f, SCXD_KIND_CONFINED, 2.0);	/* 3 CPUs */
	f->out[0].owned.bits[0] = 0xf0;
	f->out[0].owned.bits[7] = ~0ULL;	/* CPUs beyond nr_cpus */
	f->topo[4].online = 0;
	CHECK_INT(again(f), 0);
	CHECK_INT(low(&f->out[0].owned), 0xe0);
	CHECK_INT(f->out[0].owned.bits[7], 0);
}

/* A copy of @f, as `bad`, changed by @change, is refused, its output untouched. */
#define REFUSED(f, change) do {							\
		struct fx *bad = malloc(sizeof(*bad));				\
										\
		if (!bad)							\
			abort();						\
		memcpy(bad, (f), sizeof(*bad));					\
		bad->in.topo = bad->topo;					\
		bad->in.layers = bad->layers;					\
		bad->in.util = bad->util;					\
		change;								\
		if (alloc_compute(&bad->in, bad->out) != -EINVAL ||		\
		    memcmp(bad->out, (f)->out, sizeof(bad->out))) {		\
			printf("  %s:%d: not refused: %s\n", __FILE__, __LINE__, #change); \
			*failed = 1;						\
		}								\
		free(bad);							\
	} while (0)

TEST(bad_input_gives_einval_and_leaves_the_output_untouched)
{
	struct fx *f = machine(8, 4);
	int c;

	add_layer(f, SCXD_KIND_OPEN, 1);
	add_layer(f, SCXD_KIND_CONFINED, 1);
	CHECK_INT(run(f), 0);

	CHECK_INT(alloc_compute(NULL, f->out), -EINVAL);
	CHECK_INT(alloc_compute(&f->in, NULL), -EINVAL);
	REFUSED(f, bad->in.nr_cpus = 0);
	REFUSED(f, bad->in.nr_cpus = SCXD_MAX_CPUS + 1);
	REFUSED(f, bad->in.topo = NULL);
	REFUSED(f, bad->in.layers = NULL);
	REFUSED(f, bad->in.util = NULL);
	REFUSED(f, bad->in.nr_layers = SCXD_MAX_LAYERS + 1);
	REFUSED(f, bad->util[1] = -0.5);
	REFUSED(f, bad->util[1] = 0.0 / 0.0);
	REFUSED(f, bad->util[1] = 1.0 / 0.0);
	REFUSED(f, bad->layers[1].weight = 0);
	REFUSED(f, bad->layers[1].kind = 2);
	REFUSED(f, (bad->layers[1].cpus_min = 3, bad->layers[1].cpus_max = 2));
	REFUSED(f, bad->topo[3].llc = SCXD_MAX_LLCS);
	/* llcs that select no online CPU */
	REFUSED(f, bad->layers[1].llcs = 0x4);
	REFUSED(f, (bad->layers[1].llcs = 0x2, bad->topo[4].online = bad->topo[5].online =
		    bad->topo[6].online = bad->topo[7].online = 0));
	/* no online CPU at all */
	REFUSED(f, for (c = 0; c < 8; c++) bad->topo[c].online = 0);
	/* the input itself is fine */
	CHECK_INT(run(f), 0);
}

TEST(no_layers_is_nothing_to_do)
{
	struct fx *f = machine(4, 4);

	CHECK_INT(run(f), 0);
}

/* A deterministic PRNG for the property checks (xorshift64). */
static u64 rnd_state = 0x5c4d2024;

static u32 rnd(u32 n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : 0;
}

/* A random machine (some CPUs offline, uneven LLCs) and random layers. */
static struct fx *random_fx(void)
{
	u32 nr_cpus = 1 + rnd(rnd(4) ? 64 : SCXD_MAX_CPUS);
	u32 per_llc = 1 + rnd(16), nr_llcs = (nr_cpus + per_llc - 1) / per_llc;
	struct fx *f = machine(nr_cpus, per_llc);
	u32 c, i, nr_layers = 1 + rnd(SCXD_MAX_LAYERS);
	struct scxd_layer *l;

	if (nr_llcs > SCXD_MAX_LLCS) {
		for (c = 0; c < nr_cpus; c++)
			f->topo[c].llc %= SCXD_MAX_LLCS;
		nr_llcs = SCXD_MAX_LLCS;
	}
	for (c = 0; c < nr_cpus; c++)
		if (!rnd(8))
			f->topo[c].online = 0;
	f->topo[rnd(nr_cpus)].online = 1;
	for (i = 0; i < nr_layers; i++) {
		l = add_layer(f, rnd(2), rnd(3) ? rnd(nr_cpus + 1) / 2.0 : 0);
		l->weight = 1 + rnd(10000);
		l->cpus_min = rnd(4) ? rnd(3) : rnd(nr_cpus + 1);
		l->cpus_max = rnd(2) ? 0 : l->cpus_min + rnd(nr_cpus);
		if (l->kind == SCXD_KIND_CONFINED && !l->cpus_min)
			l->cpus_min = 1;
		/* a random LLC subset, but one with an online CPU */
		if (rnd(2)) {
			l->llcs = (u64)rnd(~0u) << 32 | rnd(~0u);
			l->llcs |= 1ULL << f->topo[0].llc;
			f->topo[0].online = 1;
		}
	}
	return f;
}

/* Every invariant of one result; prints the first broken one. */
static int result_is_sound(const struct fx *f)
{
	struct scxd_cpumask seen = { 0 }, allowed;
	const struct scxd_layer_cpus *o;
	u32 i, c, w;
	u64 llcs;

	for (i = 0; i < f->in.nr_layers; i++) {
		o = &f->out[i];
		scxd_cpumask_zero(&allowed);
		llcs = 0;
		for (c = 0; c < f->in.nr_cpus; c++)
			if (f->topo[c].online &&
			    (!f->layers[i].llcs || f->layers[i].llcs >> f->topo[c].llc & 1))
				scxd_cpumask_set(&allowed, c);
		for (c = 0; c < SCXD_MAX_CPUS; c++) {
			if (scxd_cpumask_test(&o->span, c))
				llcs |= 1ULL << f->topo[c].llc;
			if (scxd_cpumask_test(&o->span, c) && !scxd_cpumask_test(&allowed, c)) {
				printf("  layer %u spans CPU %u it may not use\n", i, c);
				return 0;
			}
			if (!scxd_cpumask_test(&o->owned, c))
				continue;
			if (!scxd_cpumask_test(&allowed, c)) {
				printf("  layer %u owns CPU %u, offline or not allowed\n", i, c);
				return 0;
			}
			if (scxd_cpumask_test(&seen, c)) {
				printf("  CPU %u owned twice\n", c);
				return 0;
			}
			scxd_cpumask_set(&seen, c);
			if (!scxd_cpumask_test(&o->span, c)) {
				printf("  layer %u owns CPU %u outside its span\n", i, c);
				return 0;
			}
		}
		if (o->nr_owned != scxd_cpumask_count(&o->owned) ||
		    o->nr_span != scxd_cpumask_count(&o->span) || o->span_llcs != llcs) {
			printf("  layer %u: counts or span_llcs do not match the masks\n", i);
			return 0;
		}
		if (!o->nr_span) {
			printf("  layer %u has an empty span\n", i);
			return 0;
		}
		if (f->layers[i].kind == SCXD_KIND_CONFINED && o->nr_owned)
			for (w = 0; w < SCXD_CPUMASK_WORDS; w++)
				if (o->span.bits[w] != o->owned.bits[w]) {
					printf("  confined layer %u: span is not owned\n", i);
					return 0;
				}
		if (o->nr_owned > scxd_cpumask_count(&allowed) ||
		    (f->layers[i].cpus_max && o->nr_owned > f->layers[i].cpus_max)) {
			printf("  layer %u owns more than its bounds\n", i);
			return 0;
		}
	}
	return 1;
}

TEST(no_cpu_is_owned_twice_and_every_result_is_sound_over_random_inputs)
{
	struct scxd_layer_cpus first[SCXD_MAX_LAYERS];
	int round, step;
	u32 i;

	for (round = 0; round < 400; round++) {
		struct fx *f = random_fx();

		CHECK_INT(run(f), 0);
		CHECK(result_is_sound(f));
		/* stable: the same input again changes nothing */
		memcpy(first, f->out, sizeof(first));
		CHECK_INT(again(f), 0);
		if (memcmp(first, f->out, sizeof(struct scxd_layer_cpus) * f->in.nr_layers))
			printf("  round %d: not stable\n", round);
		CHECK(!memcmp(first, f->out, sizeof(struct scxd_layer_cpus) * f->in.nr_layers));
		/* then utilizations wander, and CPUs come and go */
		for (step = 0; step < 10; step++) {
			for (i = 0; i < f->in.nr_layers; i++)
				if (rnd(2))
					f->util[i] = rnd(f->in.nr_cpus * 3 + 1) / 2.0;
			if (rnd(3) == 0) {
				u32 c = rnd(f->in.nr_cpus);

				f->topo[c].online = !f->topo[c].online || c == 0;
			}
			CHECK_INT(again(f), 0);
			CHECK(result_is_sound(f));
		}
	}
}

TEST(cpumask_helpers_set_test_count_and_iterate)
{
	struct scxd_cpumask m;
	int c, n = 0, sum = 0;

	scxd_cpumask_zero(&m);
	CHECK_INT(scxd_cpumask_first(&m), -1);
	CHECK_INT(scxd_cpumask_next(&m, -1), -1);
	scxd_cpumask_set(&m, 3);
	scxd_cpumask_set(&m, 64);
	scxd_cpumask_set(&m, 511);
	scxd_cpumask_set(&m, 512);		/* out of range: ignored */
	CHECK_INT(scxd_cpumask_count(&m), 3);
	CHECK(scxd_cpumask_test(&m, 64));
	CHECK(!scxd_cpumask_test(&m, 65));
	CHECK(!scxd_cpumask_test(&m, 512));
	CHECK_INT(scxd_cpumask_first(&m), 3);
	for (c = scxd_cpumask_first(&m); c >= 0; c = scxd_cpumask_next(&m, c))
		n++, sum += c;
	CHECK_INT(n, 3);
	CHECK_INT(sum, 3 + 64 + 511);
	scxd_cpumask_clear(&m, 3);
	CHECK_INT(scxd_cpumask_first(&m), 64);
	CHECK_INT(scxd_cpumask_next(&m, 64), 511);
	CHECK_INT(scxd_cpumask_next(&m, 511), -1);
}

TEST_MAIN
