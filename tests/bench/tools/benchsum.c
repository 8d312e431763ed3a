// SPDX-License-Identifier: GPL-2.0
/*
 * benchsum - the benchmark's summary across boots (tests/bench/run.sh).
 *
 *   benchsum [--meta KEY=VALUE]... --txt FILE --json FILE [--plot DIR] <rows
 *
 * Each row is "BOOT WORKLOAD CONFIG KEY VALUE": one figure of one
 * configuration of one workload, pooled over that boot's rounds. Under
 * emulation one boot's figures swing by 10x from the next boot's, so
 * configurations are only compared inside a boot: for every metric of the
 * table below and every configuration C of a workload that also has
 * "scxd", the ratio scxd / C of each boot; the summary is the median of
 * those per-boot ratios with a bootstrap 95% interval (lib/stats.c). Each
 * configuration's figures are also given as medians across boots, for
 * scale only.
 *
 * With --plot DIR it writes DIR/plots.gp (and the data it plots) for
 * gnuplot: DIR/latency-cdf.png, the latency CDF of each configuration of
 * each workload with cdf_Q_us keys (medians across boots of each
 * quantile), and DIR/ratios.png, the ratios to EEVDF with their intervals.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>

#include "stats.h"

#define MAX_ROWS	20000
#define MAX_NAMES	64
#define NAME_LEN	48
#define MAX_BOOTS	64
#define MAX_META	16
#define RESAMPLES	10000
#define SEED		20261201
/* Fewer boots than this give no verdict: an interval needs a spread. */
#define MIN_BOOTS	3

enum better { LOWER, HIGHER };

/* The metrics the ratios are taken of, in the order they are shown. */
static const struct metric {
	const char	*key;
	enum better	better;
	const char	*what;
} metrics[] = {
	{ "p50_us",		LOWER,	"wakeup latency p50" },
	{ "p99_us",		LOWER,	"wakeup latency p99" },
	{ "max_us",		LOWER,	"wakeup latency max" },
	{ "hog_ops_s",		HIGHER,	"hogs' work (bogo ops/s)" },
	{ "missed_per_1000",	LOWER,	"missed frames per 1000" },
	{ "late_max_us",	LOWER,	"latest frame (us past its deadline)" },
	{ "hackbench_s",	LOWER,	"hackbench run time (s)" },
	{ "switch_s",		LOWER,	"context-switch run time (s)" },
	{ "requests_per_s",	HIGHER,	"requests answered per second" },
};
#define NR_METRICS (sizeof(metrics) / sizeof(metrics[0]))
/* Which of them the ratio plot shows, against eevdf. */
static const char *const plotted[] = { "p99_us", "hog_ops_s", "missed_per_1000",
				       "hackbench_s", "switch_s", "requests_per_s" };

struct row {
	int	boot;
	int	w, c, k;	/* indexes into the name lists */
	double	v;
};

struct names {
	int	n;
	char	name[MAX_NAMES][NAME_LEN];
};

static struct row rows[MAX_ROWS];
static int nr_rows;
static struct names workloads, keys;
/* Configurations in the order a workload first named them, per workload. */
static struct names configs[MAX_NAMES];
static const char *meta[MAX_META];
static int nr_meta;

static int intern(struct names *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->name[i], s))
			return i;
	if (l->n == MAX_NAMES || strlen(s) >= NAME_LEN)
		return -1;
	snprintf(l->name[l->n], NAME_LEN, "%s", s);
	return l->n++;
}

static int find(const struct names *l, const char *s)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->name[i], s))
			return i;
	return -1;
}

static int read_rows(FILE *in)
{
	char line[512], w[NAME_LEN], c[NAME_LEN], k[NAME_LEN];
	int lineno = 0, boot;
	double v;

	while (fgets(line, sizeof(line), in)) {
		struct row *r = &rows[nr_rows];

		lineno++;
		if (sscanf(line, "%d %47s %47s %47s %lf", &boot, w, c, k, &v) != 5 || boot < 1 ||
		    boot > MAX_BOOTS || !isfinite(v)) {
			fprintf(stderr, "benchsum: row %d: want BOOT WORKLOAD CONFIG KEY NUMBER: %s",
				lineno, line);
			return -EINVAL;
		}
		if (nr_rows == MAX_ROWS) {
			fprintf(stderr, "benchsum: more than %d rows\n", MAX_ROWS);
			return -E2BIG;
		}
		r->boot = boot;
		r->w = intern(&workloads, w);
		r->c = r->w < 0 ? -1 : intern(&configs[r->w], c);
		r->k = intern(&keys, k);
		if (r->w < 0 || r->c < 0 || r->k < 0) {
			fprintf(stderr, "benchsum: row %d: too many names\n", lineno);
			return -E2BIG;
		}
		r->v = v;
		nr_rows++;
	}
	return 0;
}

/* The figure of (w, c, k) in @boot, NaN when there is none. */
static double value(int boot, int w, int c, int k)
{
	for (int i = 0; i < nr_rows; i++)
		if (rows[i].boot == boot && rows[i].w == w && rows[i].c == c && rows[i].k == k)
			return rows[i].v;
	return NAN;
}

/* The boots that reported anything, in order. */
static int boots(int *out)
{
	int n = 0;

	for (int b = 1; b <= MAX_BOOTS; b++)
		for (int i = 0; i < nr_rows; i++)
			if (rows[i].boot == b) {
				out[n++] = b;
				break;
			}
	return n;
}

/* The figures of (w, c, k) across boots: how many. */
static int across(int w, int c, int k, double *v)
{
	int b[MAX_BOOTS], nb = boots(b), n = 0;

	for (int i = 0; i < nb; i++) {
		double x = value(b[i], w, c, k);

		if (!isnan(x))
			v[n++] = x;
	}
	return n;
}

struct ratio {
	int	n;			/* boots with both figures */
	double	per_boot[MAX_BOOTS];
	double	median, lo, hi;
};

/* scxd / config @c of workload @w, for key @k, boot by boot. */
static void ratio(int w, int c, int k, struct ratio *r)
{
	int b[MAX_BOOTS], nb = boots(b), s = find(&configs[w], "scxd");

	memset(r, 0, sizeof(*r));
	r->median = r->lo = r->hi = NAN;
	for (int i = 0; i < nb; i++) {
		double num = value(b[i], w, s, k), den = value(b[i], w, c, k);

		if (!isnan(num) && !isnan(den) && den > 0)
			r->per_boot[r->n++] = num / den;
	}
	if (!r->n)
		return;
	r->median = stats_median(r->per_boot, r->n);
	if (stats_bootstrap_median(r->per_boot, r->n, RESAMPLES, SEED, &r->lo, &r->hi) < 0)
		r->lo = r->hi = NAN;
}

/* A key of the per-configuration table: not a CDF point. */
static bool tabled(int k)
{
	return strncmp(keys.name[k], "cdf_", 4) != 0;
}

static bool has_key(int w, int k)
{
	for (int i = 0; i < nr_rows; i++)
		if (rows[i].w == w && rows[i].k == k)
			return true;
	return false;
}

static double median_across(int w, int c, int k)
{
	double v[MAX_BOOTS];
	int n = across(w, c, k, v);

	return n ? stats_median(v, n) : NAN;
}

static void fmt(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (fabs(v) >= 100 || v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3g", v);
}

/* Whether scxd did better or worse by a ratio of a metric; no clear
 * difference when its interval holds 1. */
static const char *judge(const struct metric *m, const struct ratio *r)
{
	if (r->n < MIN_BOOTS)
		return "too few boots";
	if (isnan(r->lo) || (r->lo <= 1 && r->hi >= 1))
		return "no clear difference";
	if ((r->median < 1) == (m->better == LOWER))
		return "scxd better";
	return "scxd worse";
}

static void write_txt(FILE *f)
{
	int b[MAX_BOOTS], nb = boots(b);
	char buf[32];

	fprintf(f, "scxd benchmark:");
	for (int i = 0; i < nr_meta; i++)
		fprintf(f, "%s %s", i ? "," : "", meta[i]);
	fprintf(f, "\n%d boot(s). Ratios are scxd / the other configuration, boot by boot; the\n"
		   "figure is their median, with a bootstrap 95%% interval. Per-configuration\n"
		   "figures are medians across boots, for scale only.\n", nb);
	for (int w = 0; w < workloads.n; w++) {
		if (configs[w].n == 1) {
			/* One configuration, many keys: a key a line. */
			fprintf(f, "\n== %s (%s)\n", workloads.name[w], configs[w].name[0]);
			for (int k = 0; k < keys.n; k++) {
				if (!has_key(w, k))
					continue;
				fmt(buf, sizeof(buf), median_across(w, 0, k));
				fprintf(f, "  %-32s %12s\n", keys.name[k], buf);
			}
			continue;
		}
		fprintf(f, "\n== %s\n%-14s", workloads.name[w], "config");
		for (int k = 0; k < keys.n; k++)
			if (tabled(k) && has_key(w, k))
				fprintf(f, " %*s", (int)(strlen(keys.name[k]) > 9 ? strlen(keys.name[k]) : 9),
					keys.name[k]);
		fputc('\n', f);
		for (int c = 0; c < configs[w].n; c++) {
			fprintf(f, "%-14s", configs[w].name[c]);
			for (int k = 0; k < keys.n; k++) {
				if (!tabled(k) || !has_key(w, k))
					continue;
				fmt(buf, sizeof(buf), median_across(w, c, k));
				fprintf(f, " %*s", (int)(strlen(keys.name[k]) > 9 ? strlen(keys.name[k]) : 9),
					buf);
			}
			fputc('\n', f);
		}
		if (find(&configs[w], "scxd") < 0)
			continue;
		for (unsigned m = 0; m < NR_METRICS; m++) {
			int k = find(&keys, metrics[m].key);

			if (k < 0 || !has_key(w, k))
				continue;
			for (int c = 0; c < configs[w].n; c++) {
				struct ratio r;

				if (!strcmp(configs[w].name[c], "scxd"))
					continue;
				ratio(w, c, k, &r);
				if (!r.n)
					continue;
				fprintf(f, "  %-16s scxd / %-13s %5.2f [%.2f, %.2f]  %-19s per boot:",
					metrics[m].key, configs[w].name[c], r.median, r.lo, r.hi,
					judge(&metrics[m], &r));
				for (int i = 0; i < r.n; i++)
					fprintf(f, " %.2f", r.per_boot[i]);
				fputc('\n', f);
			}
		}
	}
}

static cJSON *numbers(const double *v, int n)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, isnan(v[i]) ? cJSON_CreateNull() : cJSON_CreateNumber(v[i]));
	return a;
}

static void add_num(cJSON *o, const char *key, double v)
{
	cJSON_AddItemToObject(o, key, isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v));
}

static int write_json(FILE *f)
{
	int b[MAX_BOOTS], nb = boots(b);
	cJSON *doc = cJSON_CreateObject(), *ws, *m;
	double bv[MAX_BOOTS];
	char *s;

	if (!doc)
		return -ENOMEM;
	m = cJSON_AddObjectToObject(doc, "meta");
	for (int i = 0; m && i < nr_meta; i++) {
		char key[64];
		const char *eq = strchr(meta[i], '=');

		snprintf(key, sizeof(key), "%.*s", (int)(eq - meta[i]), meta[i]);
		cJSON_AddStringToObject(m, key, eq + 1);
	}
	for (int i = 0; i < nb; i++)
		bv[i] = b[i];
	cJSON_AddItemToObject(doc, "boots", numbers(bv, nb));
	ws = cJSON_AddObjectToObject(doc, "workloads");
	for (int w = 0; ws && w < workloads.n; w++) {
		cJSON *wo = cJSON_AddObjectToObject(ws, workloads.name[w]);
		cJSON *cs = cJSON_AddObjectToObject(wo, "configs");
		cJSON *rs = cJSON_AddArrayToObject(wo, "ratios");

		for (int c = 0; c < configs[w].n; c++) {
			cJSON *co = cJSON_AddObjectToObject(cs, configs[w].name[c]);
			cJSON *med = cJSON_AddObjectToObject(co, "median");
			cJSON *pb = cJSON_AddObjectToObject(co, "per_boot");

			for (int k = 0; k < keys.n; k++) {
				double v[MAX_BOOTS];

				if (!has_key(w, k))
					continue;
				for (int i = 0; i < nb; i++)
					v[i] = value(b[i], w, c, k);
				add_num(med, keys.name[k], median_across(w, c, k));
				cJSON_AddItemToObject(pb, keys.name[k], numbers(v, nb));
			}
		}
		if (find(&configs[w], "scxd") < 0)
			continue;
		for (unsigned mi = 0; mi < NR_METRICS; mi++) {
			int k = find(&keys, metrics[mi].key);

			for (int c = 0; k >= 0 && c < configs[w].n; c++) {
				struct ratio r;
				cJSON *ro;

				if (!strcmp(configs[w].name[c], "scxd") || !has_key(w, k))
					continue;
				ratio(w, c, k, &r);
				if (!r.n)
					continue;
				ro = cJSON_CreateObject();
				cJSON_AddStringToObject(ro, "metric", metrics[mi].key);
				cJSON_AddStringToObject(ro, "against", configs[w].name[c]);
				cJSON_AddStringToObject(ro, "better", metrics[mi].better == LOWER ? "lower" : "higher");
				add_num(ro, "median", r.median);
				add_num(ro, "ci95_lo", r.lo);
				add_num(ro, "ci95_hi", r.hi);
				cJSON_AddStringToObject(ro, "verdict", judge(&metrics[mi], &r));
				cJSON_AddItemToObject(ro, "per_boot", numbers(r.per_boot, r.n));
				cJSON_AddItemToArray(rs, ro);
			}
		}
	}
	s = cJSON_Print(doc);
	cJSON_Delete(doc);
	if (!s)
		return -ENOMEM;
	fprintf(f, "%s\n", s);
	free(s);
	return 0;
}

/* DIR/plots.gp and its data: see the header. */
static int write_plots(const char *dir)
{
	char path[4096];
	int shown = 0, bars = 0, k50 = find(&keys, "cdf_0.5_us");
	FILE *gp, *d;

	snprintf(path, sizeof(path), "%s/plots.gp", dir);
	if (!(gp = fopen(path, "w")))
		return -errno;
	for (int w = 0; k50 >= 0 && w < workloads.n; w++)
		shown += has_key(w, k50);
	fprintf(gp, "set terminal png noenhanced size 1000,%d\nset output '%s/latency-cdf.png'\n",
		120 + 330 * (shown ? shown : 1), dir);
	fprintf(gp, "set multiplot layout %d,1 title 'Wakeup latency per configuration "
		    "(median across boots of each quantile)'\n", shown ? shown : 1);
	fprintf(gp, "set logscale x\nset xlabel 'latency (us)'\nset ylabel 'fraction of wakeups'\n"
		    "set yrange [0:1]\nset key bottom right\nset grid\n");
	for (int w = 0; w < workloads.n; w++) {
		if (k50 < 0 || !has_key(w, k50))
			continue;
		snprintf(path, sizeof(path), "%s/cdf-%s.dat", dir, workloads.name[w]);
		if (!(d = fopen(path, "w"))) {
			fclose(gp);
			return -errno;
		}
		/* One block per configuration: quantile, latency. */
		for (int c = 0; c < configs[w].n; c++) {
			fprintf(d, "# %s\n", configs[w].name[c]);
			for (int k = 0; k < keys.n; k++) {
				double q, v;

				if (sscanf(keys.name[k], "cdf_%lf_us", &q) != 1)
					continue;
				v = median_across(w, c, k);
				if (!isnan(v))
					fprintf(d, "%g %g\n", v > 0 ? v : 1, q);
			}
			fprintf(d, "\n\n");
		}
		fclose(d);
		fprintf(gp, "set title '%s'\nplot", workloads.name[w]);
		for (int c = 0; c < configs[w].n; c++)
			fprintf(gp, "%s '%s' index %d using 1:2 with linespoints title '%s'",
				c ? "," : "", path, c, configs[w].name[c]);
		fprintf(gp, "\n");
	}
	if (!shown)
		fprintf(gp, "set title 'no latency measured'\nplot 2 notitle\n");
	fprintf(gp, "unset multiplot\n");

	snprintf(path, sizeof(path), "%s/ratios.dat", dir);
	if (!(d = fopen(path, "w"))) {
		fclose(gp);
		return -errno;
	}
	for (int w = 0; w < workloads.n; w++) {
		int e = find(&configs[w], "eevdf");

		if (e < 0 || find(&configs[w], "scxd") < 0)
			continue;
		for (unsigned p = 0; p < sizeof(plotted) / sizeof(plotted[0]); p++) {
			int k = find(&keys, plotted[p]);
			struct ratio r;

			if (k < 0 || !has_key(w, k))
				continue;
			ratio(w, e, k, &r);
			if (!r.n || isnan(r.lo))
				continue;
			fprintf(d, "\"%s %s\" %g %g %g\n", workloads.name[w], plotted[p], r.median,
				r.lo, r.hi);
			bars++;
		}
	}
	fclose(d);
	fprintf(gp, "reset\nset terminal png noenhanced size %d,500\nset output '%s/ratios.png'\n",
		bars > 8 ? 200 + 60 * bars : 920, dir);
	fprintf(gp, "set title \"scxd / EEVDF, boot by boot: median and bootstrap 95%% interval\\n"
		    "below 1 is better, except hog_ops_s and requests_per_s (more work done)\"\n");
	/* Log scale: a ratio of 0.5 is as far from 1 as one of 2, and one
	 * 200x outlier does not flatten every other bar. */
	fprintf(gp, "set logscale y\nset grid ytics\nset xrange [-0.5:%d.5]\n"
		    "set xtics rotate by 40 right font ',8'\nset bmargin 12\n"
		    "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2\n"
		    "set ylabel 'scxd / EEVDF (log scale)'\n", bars > 0 ? bars - 1 : 0);
	if (bars)
		fprintf(gp, "plot '%s' using 0:2:3:4:xtic(1) with yerrorbars pt 7 ps 1.5 notitle\n",
			path);
	else
		fprintf(gp, "set title 'no ratios to plot'\nplot 1 notitle\n");
	fclose(gp);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: benchsum [--meta KEY=VALUE]... --txt FILE --json FILE "
			"[--plot DIR] <rows\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *txt = NULL, *json = NULL, *plot = NULL;
	FILE *f;
	int r;

	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--meta") && strchr(argv[i + 1], '=') && nr_meta < MAX_META)
			meta[nr_meta++] = argv[++i];
		else if (!strcmp(argv[i], "--txt"))
			txt = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = argv[++i];
		else if (!strcmp(argv[i], "--plot"))
			plot = argv[++i];
		else
			return usage();
	}
	if (!txt || !json)
		return usage();
	if (read_rows(stdin) < 0)
		return 1;
	if (!nr_rows) {
		fprintf(stderr, "benchsum: no rows\n");
		return 1;
	}
	if (!(f = fopen(txt, "w"))) {
		perror(txt);
		return 1;
	}
	write_txt(f);
	fclose(f);
	if (!(f = fopen(json, "w"))) {
		perror(json);
		return 1;
	}
	r = write_json(f);
	fclose(f);
	if (r < 0) {
		fprintf(stderr, "benchsum: %s: %s\n", json, strerror(-r));
		return 1;
	}
	if (plot && (r = write_plots(plot)) < 0) {
		fprintf(stderr, "benchsum: %s: %s\n", plot, strerror(-r));
		return 1;
	}
	return 0;
}
