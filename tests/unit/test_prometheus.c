/* test_prometheus.c - the status document as Prometheus text
 * (lib/prometheus.c), read back by a strict parser of the format
 * (promcheck.h), which is itself tested on what it must refuse. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prometheus.h"
#include "promcheck.h"
#include "test.h"

static void sample(struct proto_status *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->version, "0.4.0");
	strcpy(s->role, "desktop");
	strcpy(s->ops, "scxd");
	s->attached = true;
	s->uptime_s = 42;
	s->nr_layers = 2;
	strcpy(s->layers[0].name, "gaming");
	strcpy(s->layers[0].policy, "latency");
	strcpy(s->layers[1].name, "odd\"name\\x");	/* escapes, though config names cannot */
	strcpy(s->layers[1].policy, "throughput");
	for (int i = 0; i < 2; i++) {
		struct proto_status_layer *l = &s->layers[i];

		l->tasks = 7 + i;
		l->nr_owned = 2;
		l->nr_span = 4;
		l->util = 1.5;
		l->cpu_ns = 2500000000ULL;
		l->enqueues = 100;
		l->preemptions = 3 + i;
		l->busy = 9;
		l->lat_hist[10] = 5;		/* [1024, 2048) ns */
		l->lat_hist[20] = 2;		/* [1.05, 2.10) ms */
		l->lat_hist[SCXD_LAT_BUCKETS - 1] = 1;	/* 2.1 s and longer */
		l->lat_sum_ns = 3000000000ULL;
	}
}

/* prom_write() of @s into a malloc()ed string. */
static char *exposition(const struct proto_status *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (prom_write(f, s) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static double value(const char *text, const char *series)
{
	double v;

	return prom_value(text, series, &v) ? NAN : v;
}

TEST(the_exposition_passes_the_strict_parser)
{
	static struct proto_status s;
	char err[256] = "";
	char *t;

	sample(&s);
	t = exposition(&s);
	CHECK(t);
	if (prom_check(t, err, sizeof(err)))
		printf("  %s\n", err);
	CHECK(!prom_check(t, err, sizeof(err)));
	free(t);
}

TEST(counters_gauges_and_info_carry_the_status_values)
{
	static struct proto_status s;
	char *t;

	sample(&s);
	t = exposition(&s);
	CHECK(t);
	CHECK(value(t, "scxd_attached") == 1);
	CHECK(value(t, "scxd_layers") == 2);
	CHECK(value(t, "scxd_uptime_seconds") == 42);
	CHECK(value(t, "scxd_info{version=\"0.4.0\",role=\"desktop\",ops=\"scxd\"}") == 1);
	CHECK(value(t, "scxd_layer_tasks{layer=\"gaming\",policy=\"latency\"}") == 7);
	CHECK(value(t, "scxd_layer_cpu_seconds_total{layer=\"gaming\",policy=\"latency\"}") == 2.5);
	CHECK(value(t, "scxd_layer_utilization_cpus{layer=\"gaming\",policy=\"latency\"}") == 1.5);
	CHECK(value(t, "scxd_layer_preemptions_total{layer=\"odd\\\"name\\\\x\",policy=\"throughput\"}") == 4);
	CHECK(value(t, "scxd_layer_busy_total{layer=\"gaming\",policy=\"latency\"}") == 9);
	CHECK(strstr(t, "# TYPE scxd_layer_enqueues_total counter\n"));
	CHECK(strstr(t, "# TYPE scxd_layer_tasks gauge\n"));
	free(t);
}

TEST(the_latency_histogram_is_cumulative_in_seconds_with_sum_and_count)
{
	static struct proto_status s;
	char *t;

	sample(&s);
	t = exposition(&s);
	CHECK(t);
#define B(le) "scxd_layer_wakeup_latency_seconds_bucket{layer=\"gaming\",policy=\"latency\",le=\"" le "\"}"
	CHECK(strstr(t, "# TYPE scxd_layer_wakeup_latency_seconds histogram\n"));
	CHECK(value(t, B("1.024e-06")) == 0);	/* bucket 9's bound: under 1024 ns */
	CHECK(value(t, B("2.048e-06")) == 5);	/* [1024, 2048) */
	CHECK(value(t, B("0.001048576")) == 5);
	CHECK(value(t, B("0.002097152")) == 7);
	CHECK(value(t, B("2.147483648")) == 7);	/* the last finite bound */
	CHECK(value(t, B("+Inf")) == 8);
#undef B
	CHECK(value(t, "scxd_layer_wakeup_latency_seconds_count{layer=\"gaming\",policy=\"latency\"}") == 8);
	CHECK(value(t, "scxd_layer_wakeup_latency_seconds_sum{layer=\"gaming\",policy=\"latency\"}") == 3);
	free(t);
}

TEST(a_detached_daemon_without_layers_is_still_a_valid_exposition)
{
	static struct proto_status s;
	char err[256] = "";
	char *t;

	memset(&s, 0, sizeof(s));
	t = exposition(&s);
	CHECK(t);
	CHECK(!prom_check(t, err, sizeof(err)));
	CHECK(value(t, "scxd_attached") == 0);
	CHECK(value(t, "scxd_layers") == 0);
	free(t);
}

TEST(the_strict_parser_refuses_what_the_format_does_not_allow)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "# HELP a x\n# TYPE a gauge\na 1", "newline" },
		{ "a 1\n", "before its family's HELP and TYPE" },
		{ "# TYPE a gauge\na 1\n", "before its family's HELP and TYPE" },
		{ "# HELP a x\n# TYPE a gauge\n# TYPE a gauge\na 1\n", "second TYPE" },
		{ "# HELP a x\n# TYPE a gauge\na 1\n# HELP a y\n", "after the family's samples" },
		{ "# HELP a x\n# TYPE a fast\na 1\n", "unknown TYPE" },
		{ "# HELP 1a x\n# TYPE 1a gauge\n", "bad metric name" },
		{ "# HELP a x\n# TYPE a gauge\na{l=\"1\"} 1\na{l=\"1\"} 2\n", "series given twice" },
		{ "# HELP a x\n# TYPE a gauge\na{l=1} 1\n", "not quoted" },
		{ "# HELP a x\n# TYPE a gauge\na{l=\"1\",} 1\n", "trailing comma" },
		{ "# HELP a x\n# TYPE a gauge\na{l=\"\\t\"} 1\n", "bad escape" },
		{ "# HELP a x\n# TYPE a gauge\na{l=\"1\",l=\"2\"} 1\n", "label given twice" },
		{ "# HELP a x\n# TYPE a gauge\na{__l=\"1\"} 1\n", "bad label name" },
		{ "# HELP a x\n# TYPE a gauge\na 0x10\n", "bad value" },
		{ "# HELP a x\n# TYPE a gauge\na inf\n", "bad value" },
		{ "# HELP a x\n# TYPE a gauge\na 1 1700000000\n", "no timestamp" },
		{ "# HELP a x\n# TYPE a counter\na -1\n", "counter below 0" },
		{ "# HELP a x\n# TYPE a gauge\n# HELP b x\n# TYPE b gauge\na 1\nb 1\na{x=\"1\"} 1\n",
		  "not together" },
		{ "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
		  "+Inf" },
		{ "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n",
		  "le not increasing" },
		{ "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n",
		  "decrease" },
		{ "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
		  "_count is not the +Inf bucket" },
		{ "# HELP h x\n# TYPE h histogram\nh_bucket 2\n", "bucket without le" },
		{ "# HELP h x\n# TYPE h histogram\nh 2\n", "without _bucket" },
		{ "# HELP a x\n# TYPE a gauge\na{le=\"1\"} 2\n", "le label outside" },
	};
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		if (!prom_check(cases[i].text, err, sizeof(err)) || !strstr(err, cases[i].why)) {
			printf("  case %zu: \"%s\", expected \"%s\"\n", i, err, cases[i].why);
			CHECK(0);
		}
	}
	CHECK(!prom_check("# HELP h x\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\n"
			  "h_bucket{le=\"+Inf\"} 2\nh_sum 1.5\nh_count 2\n", err, sizeof(err)));
}

TEST_MAIN
