/* SPDX-License-Identifier: GPL-2.0 */
/*
 * promcheck.h - a strict reader of Prometheus' text exposition format
 * (0.0.4), for the tests of `scxctl stats --prometheus` and the daemon's
 * textfile: test_prometheus.c and the VM tool promcheck include it.
 *
 * Stricter than Prometheus on purpose, where scxd's own output has no
 * reason to be loose: every family has exactly one HELP and one TYPE line
 * before its first sample; a family's lines are contiguous; no series
 * appears twice; names, label names and escapes are the format's; values
 * are decimal floats or +Inf, -Inf, NaN (no hex, no "inf"); no timestamps.
 * Counters are >= 0. A histogram's series are NAME_bucket (with an "le"
 * label, bounds strictly increasing, counts non-decreasing, ending at
 * le="+Inf", each label set's buckets together), NAME_sum and NAME_count,
 * and its _count equals its +Inf bucket.
 */
#ifndef SCXD_PROMCHECK_H
#define SCXD_PROMCHECK_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages and copies are cut to their buffers on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define PC_MAX		8192	/* families, series, bucket groups: each */
#define PC_LINE		1024

struct pc_family {
	char	name[128];
	char	type[16];
	bool	help, samples, closed;
};

struct pc_state {
	struct pc_family fam[PC_MAX];
	unsigned	nr_fam;
	char		(*series)[PC_LINE];	/* every series seen, for duplicates */
	unsigned	nr_series;
	int		cur;			/* family of the last sample line */
	/* The bucket group being read: family, labels without le. */
	char		grp[PC_LINE];
	double		grp_le, grp_count;
	bool		grp_open;
	/* Finished groups' +Inf counts, for their _count lines. */
	char		(*done)[PC_LINE];
	double		done_count[PC_MAX];
	unsigned	nr_done;
};

static bool pc_name_ok(const char *s, size_t n, bool colon)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			     (colon && c == ':');

		if (!alpha && !(i && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

/* A sample value: a decimal float, +Inf, -Inf or NaN, the whole of @s. */
static bool pc_value(const char *s, double *out)
{
	char *end;

	if (!strcmp(s, "+Inf") || !strcmp(s, "-Inf") || !strcmp(s, "NaN")) {
		*out = !strcmp(s, "NaN") ? NAN : s[0] == '-' ? -INFINITY : INFINITY;
		return true;
	}
	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s))
		return false;
	*out = strtod(s, &end);
	return !*end;
}

static int pc_fail(char *err, size_t len, unsigned line, const char *why, const char *what)
{
	snprintf(err, len, "line %u: %s%s%s", line, why, what ? ": " : "", what ? what : "");
	return -1;
}

static int pc_family_of(struct pc_state *st, const char *name)
{
	for (unsigned i = 0; i < st->nr_fam; i++)
		if (!strcmp(st->fam[i].name, name))
			return (int)i;
	return -1;
}

static int pc_family_add(struct pc_state *st, const char *name)
{
	int i = pc_family_of(st, name);

	if (i >= 0 || st->nr_fam >= PC_MAX || strlen(name) >= sizeof(st->fam[0].name))
		return i >= 0 ? i : -1;
	snprintf(st->fam[st->nr_fam].name, sizeof(st->fam[0].name), "%s", name);
	return (int)st->nr_fam++;
}

/* "# HELP name text" / "# TYPE name type"; other comments pass. */
static int pc_comment(struct pc_state *st, char *l, unsigned ln, char *err, size_t len)
{
	bool help = !strncmp(l, "# HELP ", 7), type = !strncmp(l, "# TYPE ", 7);
	char *name = l + 7, *rest;
	int f;

	if (!help && !type)
		return 0;
	rest = strchr(name, ' ');
	if (!rest || !pc_name_ok(name, rest - name, true))
		return pc_fail(err, len, ln, "bad metric name in", l);
	*rest++ = '\0';
	f = pc_family_add(st, name);
	if (f < 0)
		return pc_fail(err, len, ln, "too many families", NULL);
	if (st->fam[f].samples)
		return pc_fail(err, len, ln, "HELP or TYPE after the family's samples", name);
	if (help) {
		if (st->fam[f].help)
			return pc_fail(err, len, ln, "second HELP", name);
		if (!*rest)
			return pc_fail(err, len, ln, "empty HELP", name);
		st->fam[f].help = true;
		return 0;
	}
	if (st->fam[f].type[0])
		return pc_fail(err, len, ln, "second TYPE", name);
	if (strcmp(rest, "counter") && strcmp(rest, "gauge") && strcmp(rest, "histogram") &&
	    strcmp(rest, "summary") && strcmp(rest, "untyped"))
		return pc_fail(err, len, ln, "unknown TYPE", rest);
	snprintf(st->fam[f].type, sizeof(st->fam[f].type), "%s", rest);
	return 0;
}

/* Labels from *p (just past '{') to '}': checked, and copied to @out
 * without "le" (whose value goes to *le, NAN when absent). */
static int pc_labels(char **p, char *out, size_t outlen, double *le, unsigned ln, char *err,
		     size_t len)
{
	char names[32][64];
	unsigned n = 0;
	char *s = *p;
	size_t o = 0;

	*le = NAN;
	out[0] = '\0';
	while (*s != '}') {
		char *eq = strchr(s, '='), val[PC_LINE];
		size_t v = 0;
		bool is_le;

		if (!eq || !pc_name_ok(s, eq - s, false) || (eq - s >= 2 && !strncmp(s, "__", 2)))
			return pc_fail(err, len, ln, "bad label name", s);
		if (n >= 32 || (size_t)(eq - s) >= sizeof(names[0]))
			return pc_fail(err, len, ln, "too many or too long label names", NULL);
		snprintf(names[n], sizeof(names[0]), "%.*s", (int)(eq - s), s);
		for (unsigned k = 0; k < n; k++)
			if (!strcmp(names[k], names[n]))
				return pc_fail(err, len, ln, "label given twice", names[n]);
		is_le = !strcmp(names[n], "le");
		n++;
		if (eq[1] != '"')
			return pc_fail(err, len, ln, "label value not quoted", s);
		for (s = eq + 2; *s != '"'; s++) {
			if (!*s || *s == '\n')
				return pc_fail(err, len, ln, "unterminated label value", NULL);
			if (*s == '\\') {
				s++;
				if (*s != '\\' && *s != '"' && *s != 'n')
					return pc_fail(err, len, ln, "bad escape in label value", NULL);
			}
			if (v + 2 < sizeof(val))
				val[v++] = *s;
		}
		val[v] = '\0';
		if (is_le) {
			if (!pc_value(val, le) || isnan(*le))
				return pc_fail(err, len, ln, "le is not a number", val);
		} else {
			int w = snprintf(out + o, outlen - o, "%s%s=\"%s\"", o ? "," : "",
					 names[n - 1], val);

			if (w < 0 || (size_t)w >= outlen - o)
				return pc_fail(err, len, ln, "labels too long", NULL);
			o += w;
		}
		s++;
		if (*s == ',') {
			s++;
			if (*s == '}')
				return pc_fail(err, len, ln, "trailing comma in labels", NULL);
		} else if (*s != '}') {
			return pc_fail(err, len, ln, "expected , or } after a label", s);
		}
	}
	*p = s + 1;
	return 0;
}

/* The bucket group being read is complete: it must have ended at +Inf. */
static int pc_close_group(struct pc_state *st, unsigned ln, char *err, size_t len)
{
	if (!st->grp_open)
		return 0;
	st->grp_open = false;
	if (!isinf(st->grp_le))
		return pc_fail(err, len, ln, "buckets do not end at le=\"+Inf\"", st->grp);
	if (st->nr_done >= PC_MAX)
		return pc_fail(err, len, ln, "too many histograms", NULL);
	snprintf(st->done[st->nr_done], PC_LINE, "%s", st->grp);
	st->done_count[st->nr_done++] = st->grp_count;
	return 0;
}

static int pc_sample(struct pc_state *st, char *l, unsigned ln, char *err, size_t len)
{
	char name[PC_LINE], labels[PC_LINE], key[PC_LINE * 2 + 8], base[PC_LINE];
	const char *suffix = "";
	size_t n = strcspn(l, "{ ");
	char *p = l + n;
	double le = NAN, v;
	int f;

	if (!pc_name_ok(l, n, true) || n >= sizeof(name))
		return pc_fail(err, len, ln, "bad metric name", l);
	snprintf(name, sizeof(name), "%.*s", (int)n, l);
	labels[0] = '\0';
	if (*p == '{') {
		p++;
		if (pc_labels(&p, labels, sizeof(labels), &le, ln, err, len) < 0)
			return -1;
	}
	if (*p != ' ' || strchr(p + 1, ' '))
		return pc_fail(err, len, ln, "expected one space, then the value (no timestamp)", l);
	if (!pc_value(p + 1, &v))
		return pc_fail(err, len, ln, "bad value", p + 1);

	/* Its family: the name, or a histogram's name less its suffix. */
	snprintf(base, sizeof(base), "%s", name);
	f = pc_family_of(st, name);
	for (const char *const *s = (const char *const[]){ "_bucket", "_sum", "_count", NULL };
	     f < 0 && *s; s++) {
		size_t k = strlen(*s);

		if (n > k && !strcmp(name + n - k, *s)) {
			snprintf(base, sizeof(base), "%.*s", (int)(n - k), name);
			f = pc_family_of(st, base);
			suffix = *s;
			if (f >= 0 && strcmp(st->fam[f].type, "histogram"))
				f = -1;
		}
	}
	if (f < 0 || !st->fam[f].type[0] || !st->fam[f].help)
		return pc_fail(err, len, ln, "sample before its family's HELP and TYPE", name);
	if (st->fam[f].closed)
		return pc_fail(err, len, ln, "family's lines are not together", base);
	if (st->cur >= 0 && st->cur != f) {
		if (pc_close_group(st, ln, err, len) < 0)
			return -1;
		st->fam[st->cur].closed = true;
	}
	st->cur = f;
	st->fam[f].samples = true;

	snprintf(key, sizeof(key), "%s{%s}le=%.17g", name, labels, le);
	for (unsigned i = 0; i < st->nr_series; i++)
		if (!strcmp(st->series[i], key))
			return pc_fail(err, len, ln, "series given twice", key);
	if (st->nr_series >= PC_MAX || strlen(key) >= PC_LINE)
		return pc_fail(err, len, ln, "too many or too long series", NULL);
	snprintf(st->series[st->nr_series++], PC_LINE, "%s", key);

	if (!strcmp(st->fam[f].type, "counter") && !(v >= 0))
		return pc_fail(err, len, ln, "counter below 0", name);
	if (strcmp(st->fam[f].type, "histogram")) {
		if (!isnan(le))
			return pc_fail(err, len, ln, "le label outside a histogram's buckets", name);
		return 0;
	}
	if (!*suffix)
		return pc_fail(err, len, ln, "histogram sample without _bucket, _sum or _count", name);
	if (!strcmp(suffix, "_bucket")) {
		if (isnan(le))
			return pc_fail(err, len, ln, "bucket without le", name);
		if (!(v >= 0) || v > 9007199254740992.0 || v != (double)(long long)v)
			return pc_fail(err, len, ln, "bucket count not a whole number >= 0", name);
		if (st->grp_open && strcmp(st->grp, labels)) {
			if (pc_close_group(st, ln, err, len) < 0)
				return -1;
		}
		if (!st->grp_open) {
			for (unsigned i = 0; i < st->nr_done; i++)
				if (!strcmp(st->done[i], labels))
					return pc_fail(err, len, ln, "a label set's buckets not together",
						       labels);
			snprintf(st->grp, sizeof(st->grp), "%s", labels);
			st->grp_open = true;
		} else if (!(le > st->grp_le)) {
			return pc_fail(err, len, ln, "le not increasing", name);
		} else if (v < st->grp_count) {
			return pc_fail(err, len, ln, "bucket counts decrease", name);
		}
		st->grp_le = le;
		st->grp_count = v;
		return 0;
	}
	if (!isnan(le))
		return pc_fail(err, len, ln, "le label outside a histogram's buckets", name);
	if (pc_close_group(st, ln, err, len) < 0)
		return -1;
	if (!strcmp(suffix, "_count")) {
		for (unsigned i = 0; i < st->nr_done; i++)
			if (!strcmp(st->done[i], labels)) {
				if (v != st->done_count[i])
					return pc_fail(err, len, ln, "_count is not the +Inf bucket", name);
				return 0;
			}
		return pc_fail(err, len, ln, "_count without buckets", name);
	}
	if (!(v >= 0))
		return pc_fail(err, len, ln, "_sum below 0", name);
	return 0;
}

/* 0 when @text is a valid exposition; else -1 and why, with its line, in @err. */
static int prom_check(const char *text, char *err, size_t errlen)
{
	struct pc_state *st = calloc(1, sizeof(*st));
	const char *s = text;
	unsigned ln = 0;
	int r = 0;

	if (!st || !(st->series = calloc(PC_MAX, PC_LINE)) || !(st->done = calloc(PC_MAX, PC_LINE))) {
		snprintf(err, errlen, "out of memory");
		r = -1;
		goto out;
	}
	st->cur = -1;
	if (*text && text[strlen(text) - 1] != '\n') {
		r = pc_fail(err, errlen, 0, "the text does not end with a newline", NULL);
		goto out;
	}
	while (*s && !r) {
		size_t n = strcspn(s, "\n");
		char line[PC_LINE * 2];

		ln++;
		if (n >= sizeof(line)) {
			r = pc_fail(err, errlen, ln, "line too long", NULL);
			break;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		s += n + 1;
		if (!n)
			continue;
		if (line[0] == '#')
			r = pc_comment(st, line, ln, err, errlen);
		else
			r = pc_sample(st, line, ln, err, errlen);
	}
	if (!r)
		r = pc_close_group(st, ln, err, errlen);
	for (unsigned i = 0; !r && i < st->nr_fam; i++)
		if (!st->fam[i].type[0] || !st->fam[i].help)
			r = pc_fail(err, errlen, ln, "family without HELP or TYPE", st->fam[i].name);
out:
	if (st) {
		free(st->series);
		free(st->done);
	}
	free(st);
	return r;
}

/* The value of the series written exactly @series ("name{a=\"b\"}" or
 * "name") in @text: 0, or -1 when it is not there. */
static int prom_value(const char *text, const char *series, double *out)
{
	size_t n = strlen(series);

	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s)
		if (!strncmp(s, series, n) && s[n] == ' ') {
			char v[64];

			snprintf(v, sizeof(v), "%.*s", (int)strcspn(s + n + 1, "\n"), s + n + 1);
			return pc_value(v, out) ? 0 : -1;
		}
	return -1;
}

#endif
