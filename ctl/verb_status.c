/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verb_status.c - the views of the daemon's status document: status,
 * stats, layers, layer show, and top (the same, live).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpulist.h"
#include "ctl.h"
#include "prometheus.h"
#include "stats.h"
#include "table.h"

/* A slice as the layer views show it: "2.00ms", or "auto" for an auto
 * layer (0: its tasks get their class's). */
static void slice_cell(char *buf, size_t len, uint64_t us)
{
	if (us)
		stats_format_us(buf, len, (double)us);
	else
		snprintf(buf, len, "auto");
}

/* "12 tasks", or for an auto layer "12 tasks (3 served as latency)". */
static void format_tasks(char *buf, size_t len, const struct proto_status_layer *l)
{
	if (!strcmp(l->policy, "auto"))
		snprintf(buf, len, "%llu tasks (%llu served as latency)",
			 (unsigned long long)l->tasks, (unsigned long long)l->served_latency);
	else
		snprintf(buf, len, "%llu tasks", (unsigned long long)l->tasks);
}

/* A 0.1 daemon sends none of the fields added in 0.2; "kind" is one that
 * a 0.2 daemon always fills. Their columns then show "-", not zeroes. */
static bool has_0_2_fields(const struct proto_status_layer *l)
{
	return l->kind[0] != '\0';
}

/* Cells over the last sampling interval: util, p50, p99 ("-" without one). */
static void interval_cells(struct table *t, const struct proto_status *s,
			   const struct proto_status_layer *l)
{
	char p50[32] = "-", p99[32] = "-";

	if (!has_0_2_fields(l) || !s->stats_interval_ms) {
		table_add(t, "-");
	} else {
		table_add(t, "%.2f", l->util);
		if (l->lat_samples) {
			stats_format_us(p50, sizeof(p50), l->lat_p50_us);
			stats_format_us(p99, sizeof(p99), l->lat_p99_us);
		}
	}
	table_add(t, "%s", p50);
	table_add(t, "%s", p99);
}

/* The table, and "(no layers)" when it has none. */
static int flush_layers(struct table *t, uint32_t nr)
{
	int r = table_flush(t);

	if (!r && !nr)
		printf("(no layers)\n");
	return r;
}

static int print_status(const struct proto_status *s)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	static char list[CPULIST_LEN];
	struct table t;
	char buf[64], up[64];
	int r;

	format_uptime(up, sizeof(up), s->uptime_s);
	/* key: value pairs, so that the line reads and greps the same. */
	printf("state: %s  ops: %s  attached: %s  role: %s  config: %s  uptime: %s\n",
	       s->state[0] ? s->state : "-", s->ops[0] ? s->ops : "-",
	       s->attached ? "yes" : "no", s->role[0] ? s->role : "-",
	       s->config[0] ? s->config : "-", up);
	/* What would fight scxd (0.4): said before the layers, not after. */
	for (uint32_t i = 0; i < s->nr_rivals && i < PROTO_MAX_RIVALS; i++) {
		const struct proto_rival *rv = &s->rivals[i];

		if (rv->pid)
			printf("warning: %s (pid %d) runs: %s\n", rv->name, rv->pid, rv->why);
		else
			printf("warning: %s: %s\n", rv->name, rv->why);
	}

	if (table_init(&t, "LAYER POLICY >WEIGHT >SLICE >TASKS KIND >CPUS >UTIL >P50 >P99 OWNED >LAT/TPUT",
		       nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		bool v2 = has_0_2_fields(l);

		format_slice(buf, sizeof(buf), l->slice_us);
		list[0] = '\0';
		if (v2)
			cpulist_format(l->owned.bits, SCXD_MAX_CPUS, list, sizeof(list));
		table_row(&t);
		table_add(&t, "%s", l->name);
		table_add(&t, "%s", l->policy);
		table_add(&t, "%u", l->weight);
		table_add(&t, "%s", buf);
		table_add(&t, "%llu", (unsigned long long)l->tasks);
		table_add(&t, "%s", v2 ? l->kind : "-");
		if (v2)
			table_add(&t, "%u/%u", l->nr_owned, l->nr_span);
		else
			table_add(&t, "-");
		interval_cells(&t, s, l);
		table_add(&t, "%s", list[0] ? list : "-");
		/* 0.6: how many it serves as each class (absent: unknown). */
		if (l->served_latency + l->served_throughput || !l->tasks)
			table_add(&t, "%llu/%llu", (unsigned long long)l->served_latency,
				  (unsigned long long)l->served_throughput);
		else
			table_add(&t, "-");
	}
	putchar('\n');
	r = flush_layers(&t, nr);
	if (r < 0)
		return r;
	if (s->nr_changes) {
		printf("\nruntime changes (+ running, - in the file; save keeps them, reload drops them):\n");
		for (uint32_t i = 0; i < s->nr_changes && i < PROTO_MAX_CHANGES; i++)
			printf("  %s\n", s->changes[i]);
	}

	if (s->exit.kind[0]) {
		printf("\nlast exit: %s (code %lld)", s->exit.kind, (long long)s->exit.code);
		if (s->exit.reason[0])
			printf(": %s", s->exit.reason);
		if (s->exit.msg[0])
			printf(": %s", s->exit.msg);
		putchar('\n');
	}
	return 0;
}

static int print_stats(const struct proto_status *s)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	struct table t;
	char buf[32];

	if (s->stats_interval_ms) {
		stats_format_us(buf, sizeof(buf), s->stats_interval_ms * 1000.0);
		printf("counters since attach; util, p50 and p99 over the last %s\n", buf);
	} else {
		printf("counters since attach; util, p50 and p99: no sampling interval yet\n");
	}

	if (table_init(&t, "LAYER >ENQ >DISPATCH >DIRECT >PREEMPT >MIGRATE >XLLC >STEAL >RESCUE "
		       ">WAKEUP >RESUME >SHORTEN >KEEP >KPICK >BUSY >CPU_TIME >UTIL >P50 >P99", nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		/* Counters added in 0.2, in column order */
		const uint64_t v2[] = {
			l->preemptions, l->migrations, l->xllc_migrations, l->steals,
			l->rescues, l->wakeups, l->resumes, l->shortened, l->kept,
			l->kernel_picks, l->busy,
		};

		table_row(&t);
		table_add(&t, "%s", l->name);
		table_add(&t, "%llu", (unsigned long long)l->enqueues);
		table_add(&t, "%llu", (unsigned long long)l->dispatches);
		table_add(&t, "%llu", (unsigned long long)l->direct);
		strcpy(buf, "-");
		for (size_t k = 0; k < sizeof(v2) / sizeof(v2[0]); k++) {
			if (has_0_2_fields(l))
				table_add(&t, "%llu", (unsigned long long)v2[k]);
			else
				table_add(&t, "-");
		}
		if (has_0_2_fields(l))
			stats_format_us(buf, sizeof(buf), l->cpu_ns / 1000.0);
		table_add(&t, "%s", buf);
		interval_cells(&t, s, l);
	}
	putchar('\n');
	return flush_layers(&t, nr);
}

static void layer_bounds(const struct proto_status_layer *l, char *cpus, size_t clen, char *llcs,
			 size_t llen)
{
	if (l->cpus_max)
		snprintf(cpus, clen, "%u-%u", l->cpus_min, l->cpus_max);
	else
		snprintf(cpus, clen, "%u-all", l->cpus_min);
	if (!l->llcs || cpulist_format((const u64 *)&l->llcs, 64, llcs, llen) < 0)
		snprintf(llcs, llen, "auto");
}

/* The configuration of each layer, one row each: what the file says. */
static int print_layers(const struct proto_status *s, const char *unused)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	char slice[32], cpus[32], llcs[200];
	struct table t;

	if (table_init(&t, "LAYER POLICY >WEIGHT >SLICE KIND PREEMPT CPUS LLCS USERS >RULES",
		       nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];

		slice_cell(slice, sizeof(slice), l->slice_us);
		layer_bounds(l, cpus, sizeof(cpus), llcs, sizeof(llcs));
		table_row(&t);
		table_add(&t, "%s", l->name);
		table_add(&t, "%s", l->policy);
		table_add(&t, "%u", l->weight);
		table_add(&t, "%s", slice);
		table_add(&t, "%s", l->kind[0] ? l->kind : "-");
		table_add(&t, "%s", l->preempt ? "yes" : "no");
		table_add(&t, "%s", cpus);
		table_add(&t, "%s", llcs);
		table_add(&t, "%s", l->users ? "yes" : "no");
		table_add(&t, "%u", l->nr_rules);
	}
	return table_flush(&t);
}

/* One layer: its settings as in the file, its match lines, and now. */
static int print_layer(const struct proto_status *s, const char *name)
{
	char slice[32], cpus[32], llcs[200], owned[CPULIST_LEN], buf[64];

	for (uint32_t i = 0; i < s->nr_layers && i < SCXD_MAX_LAYERS; i++) {
		const struct proto_status_layer *l = &s->layers[i];

		if (strcmp(l->name, name))
			continue;
		slice_cell(slice, sizeof(slice), l->slice_us);
		layer_bounds(l, cpus, sizeof(cpus), llcs, sizeof(llcs));
		cpulist_format(l->owned.bits, SCXD_MAX_CPUS, owned, sizeof(owned));
		printf("[layer.%s]  (layer %u of %u)\n", l->name, i + 1, s->nr_layers);
		printf("policy = %s\nweight = %u\n", l->policy, l->weight);
		if (l->slice_us)
			printf("slice_us = %llu\n", (unsigned long long)l->slice_us);
		else
			printf("auto_latency_run_us = %llu\nauto_min_wakeups = %u\n",
			       (unsigned long long)l->auto_latency_run_us, l->auto_min_wakeups);
		printf("kind = %s\npreempt = %s\n", l->kind[0] ? l->kind : "-",
		       l->preempt ? "yes" : "no");
		if (l->cpus_max)
			printf("cpus = %s\n", cpus);
		else
			printf("; cpus: %u or more, no upper bound\n", l->cpus_min);
		printf("llcs = %s\nusers = %s\n", llcs, l->users ? "yes" : "no");
		for (uint32_t r = l->first_rule; r < l->first_rule + l->nr_rules &&
						  r < SCXD_MAX_RULES; r++)
			printf("match = %s\n", s->rules[r]);
		format_tasks(buf, sizeof(buf), l);
		printf("\nnow: %s, %u CPUs owned (%s) of %u it may use, util %.2f",
		       buf, l->nr_owned, owned[0] ? owned : "none",
		       l->nr_span, l->util);
		if (l->lat_samples) {
			stats_format_us(buf, sizeof(buf), l->lat_p50_us);
			printf(", wakeup latency p50 %s", buf);
			stats_format_us(buf, sizeof(buf), l->lat_p99_us);
			printf(" p99 %s", buf);
		}
		printf("; slice %s\n", slice);
		return 0;
	}
	return ctl_fail(EXIT_ERROR, MSG_NOT_FOUND, "no layer '%s'", name), -ENOENT;
}

static int print_status_view(const struct proto_status *s, const char *unused)
{
	return print_status(s);
}

static int print_stats_view(const struct proto_status *s, const char *unused)
{
	return print_stats(s);
}

/*
 * The verbs that show the status document: fetch it, then print it with
 * @print (its @arg: a layer name, or NULL). --json prints the document as
 * received.
 */
static int status_verb(const struct opts *o, int (*print)(const struct proto_status *s,
							  const char *arg), const char *arg)
{
	static struct proto_status s;
	bool printed;
	int status, r;

	status = rpc_decode(o, PROTO_METHOD_STATUS, &s, &printed);
	if (status != EXIT_OK || printed)
		return status;
	r = print(&s, arg);
	if (r == -ENOENT)
		return EXIT_ERROR;
	if (r == -EIO)
		return ctl_fail(EXIT_ERROR, MSG_OUTPUT, "writing to standard output");
	if (r < 0)
		return ctl_oom();
	return EXIT_OK;
}

int run_status(const struct opts *o, int argc, char **argv)
{
	return status_verb(o, print_status_view, NULL);
}

static int print_prometheus(const struct proto_status *s, const char *arg)
{
	return prom_write(stdout, s) < 0 ? -EIO : 0;
}

/* stats [--prometheus]: the table, or the Prometheus text exposition. */
int run_stats(const struct opts *o, int argc, char **argv)
{
	if (argc == 1)
		return status_verb(o, print_stats_view, NULL);
	if (argc != 2 || !opt_is(argv[1], "--prometheus"))
		return usage_error("stats [--prometheus]");
	if (o->json)
		return usage_error("stats: --json and --prometheus are two formats; pick one");
	return status_verb(o, print_prometheus, NULL);
}

/* ---- top ---------------------------------------------------------------- */

/* A counter's rate between two status documents @secs apart; "-" when
 * the layer was not the same one before (a change renumbered layers). */
static void rate_cell(struct table *t, const struct proto_status_layer *now,
		      const struct proto_status_layer *then, uint64_t a, uint64_t b, double secs)
{
	if (!then || strcmp(now->name, then->name) || secs <= 0 || a < b)
		table_add(t, "-");
	else
		table_add(t, "%.0f", (a - b) / secs);
}

static int print_top(const struct proto_status *s, const struct proto_status *prev, double secs)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	char up[64], clock[16];
	time_t t0 = time(NULL);
	struct table t;

	format_uptime(up, sizeof(up), s->uptime_s);
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t0));
	printf("scxctl top %s  state: %s  attached: %s  role: %s  uptime: %s\n\n", clock,
	       s->state[0] ? s->state : "-", s->attached ? "yes" : "no",
	       s->role[0] ? s->role : "-", up);
	if (table_init(&t, "LAYER POLICY >TASKS >CPUS >UTIL >P50 >P99 >WAKEUPS/S >PREEMPT/S",
		       nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		const struct proto_status_layer *p = prev && i < prev->nr_layers ? &prev->layers[i]
										  : NULL;

		table_row(&t);
		table_add(&t, "%s", l->name);
		table_add(&t, "%s", l->policy);
		table_add(&t, "%llu", (unsigned long long)l->tasks);
		table_add(&t, "%u/%u", l->nr_owned, l->nr_span);
		interval_cells(&t, s, l);
		rate_cell(&t, l, p, l->wakeups + l->direct, p ? p->wakeups + p->direct : 0, secs);
		rate_cell(&t, l, p, l->preemptions, p ? p->preemptions : 0, secs);
	}
	return table_flush(&t);
}

static volatile sig_atomic_t top_stop;

static void on_top_signal(int sig)
{
	top_stop = 1;
}

/* top [--count N] [--interval MS]: the layers now, every interval. */
int run_top(const struct opts *o, int argc, char **argv)
{
	static struct proto_status frames[2];
	long count = -1, interval = 1000;
	bool tty = isatty(STDOUT_FILENO), printed;
	double last = 0;
	int status = EXIT_OK, n = 0;

	for (int i = 1; i < argc; i++) {
		bool is_count = opt_is(argv[i], "--count");
		const char *v;
		char *end;
		long x;

		if (!is_count && !opt_is(argv[i], "--interval"))
			return usage_error("top [--count N] [--interval MS]");
		v = opt_value(argc, argv, &i, is_count ? "--count" : "--interval");
		if (!v)
			return EXIT_USAGE;
		x = strtol(v, &end, 10);
		if (*end || end == v || x < (is_count ? 1 : 100) || x > 86400000)
			return usage_error("top: --count wants N >= 1, --interval MS >= 100");
		if (is_count)
			count = x;
		else
			interval = x;
	}
	signal(SIGINT, on_top_signal);
	signal(SIGTERM, on_top_signal);
	while (!top_stop && (count < 0 || n < count)) {
		struct proto_status *s = &frames[n & 1], *prev = n ? &frames[(n + 1) & 1] : NULL;
		double t = now_ms() / 1000.0;

		if (n)
			usleep(interval * 1000);
		if (top_stop)
			break;
		if (o->json) {
			/* One document per line: a stream a script can read. */
			cJSON *res;
			char *line;

			status = rpc(o, PROTO_METHOD_STATUS, NULL, &res);
			if (status != EXIT_OK)
				break;
			line = cJSON_PrintUnformatted(res);
			cJSON_Delete(res);
			if (!line)
				return ctl_oom();
			puts(line);
			cJSON_free(line);
			printed = true;
		} else {
			status = rpc_decode(o, PROTO_METHOD_STATUS, s, &printed);
			if (status != EXIT_OK)
				break;
		}
		if (!printed) {
			if (tty)
				fputs("\033[H\033[J", stdout);
			else if (n)
				putchar('\n');
			if (print_top(s, prev, n ? now_ms() / 1000.0 - last : 0) < 0)
				return ctl_oom();
		}
		fflush(stdout);
		last = n ? t : now_ms() / 1000.0;
		n++;
	}
	return status;
}

int run_layers(const struct opts *o, int argc, char **argv)
{
	return status_verb(o, print_layers, NULL);
}

int run_layer(const struct opts *o, int argc, char **argv)
{
	const cJSON *l, *name;
	cJSON *result;
	int status;

	if (argc != 3 || strcmp(argv[1], "show"))
		return usage_error("scxctl layer show NAME");
	if (!o->json)
		return status_verb(o, print_layer, argv[2]);
	/* --json: that layer's object of the status document. */
	status = rpc(o, PROTO_METHOD_STATUS, NULL, &result);
	if (status != EXIT_OK)
		return status;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(result, "layers")) {
		name = cJSON_GetObjectItemCaseSensitive(l, "name");
		if (cJSON_IsString(name) && !strcmp(name->valuestring, argv[2])) {
			status = print_json(l);
			cJSON_Delete(result);
			return status;
		}
	}
	cJSON_Delete(result);
	return ctl_fail(EXIT_ERROR, MSG_NOT_FOUND, "no layer '%s'", argv[2]);
}
