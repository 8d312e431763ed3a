// SPDX-License-Identifier: GPL-2.0
/*
 * config_edit.c - runtime changes as edits of the canonical INI text; see
 * config_edit.h for why.
 *
 * The text is held as a list of lines, each either a section header or a
 * key = value line belonging to the section above it. Edits change lines;
 * commit joins them and hands the text to the file parser, then turns a
 * "line N" in its error back into the layer and key that line was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_edit.h"
#include "rule.h"

#define EDIT_SOURCE	"(runtime change)"

struct line {
	char	*section;	/* "scxd" or "layer.NAME"; owned */
	char	*key;		/* NULL for the section header; owned */
	char	*value;		/* owned */
};

struct config_edit {
	struct line	*lines;
	size_t		n, cap;
};

static void line_clear(struct line *l)
{
	free(l->section);
	free(l->key);
	free(l->value);
}

struct config_edit *config_edit_free(struct config_edit *e)
{
	if (!e)
		return NULL;
	for (size_t i = 0; i < e->n; i++)
		line_clear(&e->lines[i]);
	free(e->lines);
	free(e);
	return NULL;
}

static void edit_error(struct config_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	snprintf(err->file, sizeof(err->file), "%s", EDIT_SOURCE);
	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* Insert a line at @at (0..n). key NULL: a section header. */
static int insert_line(struct config_edit *e, size_t at, const char *section, const char *key,
		       const char *value)
{
	struct line l = {0};

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		struct line *tmp = realloc(e->lines, cap * sizeof(*tmp));

		if (!tmp)
			return -ENOMEM;
		e->lines = tmp;
		e->cap = cap;
	}
	l.section = strdup(section);
	l.key = key ? strdup(key) : NULL;
	l.value = strdup(value ? value : "");
	if (!l.section || (key && !l.key) || !l.value) {
		line_clear(&l);
		return -ENOMEM;
	}
	memmove(&e->lines[at + 1], &e->lines[at], (e->n - at) * sizeof(*e->lines));
	e->lines[at] = l;
	e->n++;
	return 0;
}

static void remove_line(struct config_edit *e, size_t at)
{
	line_clear(&e->lines[at]);
	memmove(&e->lines[at], &e->lines[at + 1], (e->n - at - 1) * sizeof(*e->lines));
	e->n--;
}

/* Split config_format()'s output, which has one "[section]" or
 * "key = value" per non-empty line. */
static int parse_canonical(struct config_edit *e, char *text)
{
	char section[80] = "", *line, *save = NULL;
	int r;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq;

		if (line[0] == '[') {
			char *end = strchr(line, ']');

			if (!end)
				return -EINVAL;
			*end = '\0';
			snprintf(section, sizeof(section), "%s", line + 1);
			r = insert_line(e, e->n, section, NULL, NULL);
		} else {
			eq = strstr(line, " = ");
			if (!eq || !section[0])
				return -EINVAL;
			*eq = '\0';
			r = insert_line(e, e->n, section, line, eq + 3);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

struct config_edit *config_edit_new(const struct scxd_config *c)
{
	struct config_edit *e = calloc(1, sizeof(*e));
	char *text = config_format(c);

	if (!e || !text || parse_canonical(e, text) < 0) {
		free(text);
		return config_edit_free(e);
	}
	free(text);
	return e;
}

static void section_of(char *buf, size_t len, const char *layer)
{
	if (layer)
		snprintf(buf, len, "layer.%s", layer);
	else
		snprintf(buf, len, "scxd");
}

/* Index of the header of section @sec, or -1. */
static long find_section(const struct config_edit *e, const char *sec)
{
	for (size_t i = 0; i < e->n; i++)
		if (!e->lines[i].key && !strcmp(e->lines[i].section, sec))
			return i;
	return -1;
}

/* One past the last line of the section whose header is at @hdr. */
static size_t section_end(const struct config_edit *e, size_t hdr)
{
	size_t i = hdr + 1;

	while (i < e->n && e->lines[i].key)
		i++;
	return i;
}

static long find_layer(const struct config_edit *e, const char *layer, struct config_error *err)
{
	char sec[80];
	long hdr;

	section_of(sec, sizeof(sec), layer);
	hdr = find_section(e, sec);
	if (hdr < 0) {
		if (layer)
			edit_error(err, "no layer '%s'", layer);
		else
			edit_error(err, "no [scxd] section");
	}
	return hdr;
}

static bool one_line(const char *s)
{
	return !strpbrk(s, "\n\r");
}

int config_edit_set(struct config_edit *e, const char *layer, const char *key,
		    const char *value, struct config_error *err)
{
	long hdr = find_layer(e, layer, err);
	size_t i, end;

	if (hdr < 0)
		return -ENOENT;
	if (!strcmp(key, "match")) {
		edit_error(err, "match lines are added and removed, not set");
		return -EINVAL;
	}
	if (!one_line(key) || !one_line(value) || !*key || strchr(key, '=')) {
		edit_error(err, "'%s': a key and its value are one line each", key);
		return -EINVAL;
	}
	end = section_end(e, hdr);
	for (i = hdr + 1; i < end; i++) {
		if (strcmp(e->lines[i].key, key))
			continue;
		if (!*value) {
			remove_line(e, i);
			return 0;
		}
		char *v = strdup(value);

		if (!v)
			return -ENOMEM;
		free(e->lines[i].value);
		e->lines[i].value = v;
		return 0;
	}
	if (!*value)
		return 0;
	/* New keys go before the match lines, where a person would put them. */
	for (i = hdr + 1; i < end && strcmp(e->lines[i].key, "match"); i++)
		;
	return insert_line(e, i, e->lines[hdr].section, key, value);
}

int config_edit_add_layer(struct config_edit *e, const char *name, const char *before,
			  struct config_error *err)
{
	char sec[80];
	long at;

	if (!one_line(name) || strchr(name, ']')) {
		edit_error(err, "invalid layer name '%s'", name);
		return -EINVAL;
	}
	section_of(sec, sizeof(sec), name);
	if (find_section(e, sec) >= 0) {
		edit_error(err, "layer '%s' exists already", name);
		return -EEXIST;
	}
	if (before) {
		at = find_layer(e, before, err);
		if (at < 0)
			return -ENOENT;
	} else {
		/* Before the last layer: the catch-all stays last. */
		at = -1;
		for (size_t i = 0; i < e->n; i++)
			if (!e->lines[i].key && !strncmp(e->lines[i].section, "layer.", 6))
				at = i;
		if (at < 0)
			at = e->n;
	}
	return insert_line(e, at, sec, NULL, NULL);
}

int config_edit_remove_layer(struct config_edit *e, const char *name, struct config_error *err)
{
	long hdr = find_layer(e, name, err);
	size_t end;

	if (hdr < 0)
		return -ENOENT;
	for (end = section_end(e, hdr); end > (size_t)hdr; end--)
		remove_line(e, end - 1);
	return 0;
}

int config_edit_add_match(struct config_edit *e, const char *layer, const char *rule,
			  struct config_error *err)
{
	long hdr = find_layer(e, layer, err);

	if (hdr < 0)
		return -ENOENT;
	if (!one_line(rule)) {
		edit_error(err, "a match rule is one line");
		return -EINVAL;
	}
	return insert_line(e, section_end(e, hdr), e->lines[hdr].section, "match", rule);
}

int config_edit_remove_match(struct config_edit *e, const char *layer, const char *rule,
			     struct config_error *err)
{
	long hdr = find_layer(e, layer, err);
	char want[256], have[256], msg[256];
	struct scxd_rule r;
	size_t i, end;

	if (hdr < 0)
		return -ENOENT;
	if (rule_parse(rule, &r, msg, sizeof(msg)) < 0) {
		edit_error(err, "%s", msg);
		return -EINVAL;
	}
	if (rule_format(&r, want, sizeof(want)) < 0)
		return -EINVAL;
	end = section_end(e, hdr);
	for (i = hdr + 1; i < end; i++) {
		if (strcmp(e->lines[i].key, "match") ||
		    rule_parse(e->lines[i].value, &r, msg, sizeof(msg)) < 0 ||
		    rule_format(&r, have, sizeof(have)) < 0 || strcmp(have, want))
			continue;
		remove_line(e, i);
		return 0;
	}
	edit_error(err, "layer '%s' has no match line '%s'", layer, want);
	return -ENOENT;
}

/* The lines as INI text: "[section]" and "key = value" lines; NULL on ENOMEM. */
static char *join_lines(const struct config_edit *e)
{
	size_t len = 1, off = 0;
	char *text;

	for (size_t i = 0; i < e->n; i++)
		len += e->lines[i].key ? strlen(e->lines[i].key) + strlen(e->lines[i].value) + 4
				       : strlen(e->lines[i].section) + 3;
	text = malloc(len);
	if (!text)
		return NULL;
	text[0] = '\0';
	for (size_t i = 0; i < e->n; i++) {
		const struct line *l = &e->lines[i];

		off += l->key ? snprintf(text + off, len - off, "%s = %s\n", l->key, l->value)
			      : snprintf(text + off, len - off, "[%s]\n", l->section);
	}
	return text;
}

int config_edit_commit(struct config_edit *e, struct scxd_config *out, const char *source,
		       struct config_error *err)
{
	struct scxd_config *next;
	char *text = join_lines(e);
	int r;

	if (!text)
		return -ENOMEM;
	next = calloc(1, sizeof(*next));
	if (!next) {
		free(text);
		return -ENOMEM;
	}
	r = config_load_string(next, text, EDIT_SOURCE, err);
	free(text);
	if (r < 0) {
		/* Line N of the text is e->lines[N - 1]: name it instead. */
		if (err && err->line >= 1 && err->line <= e->n) {
			const struct line *l = &e->lines[err->line - 1];
			char msg[sizeof(err->msg) + 80];
			bool layer = !strncmp(l->section, "layer.", 6);

			char quoted[80];

			snprintf(quoted, sizeof(quoted), "'%s'", layer ? l->section + 6 : "");
			/* "layer 'x' has no policy" names it already. */
			if (!layer || !strstr(err->msg, quoted)) {
				snprintf(msg, sizeof(msg), "%s%s%s: %s", layer ? "layer '" : "[",
					 layer ? l->section + 6 : l->section, layer ? "'" : "]",
					 err->msg);
				/* Cut to fit, as any error message is. */
				msg[sizeof(err->msg) - 1] = '\0';
				memcpy(err->msg, msg, sizeof(err->msg));
			}
			err->line = 0;
		}
		free(next);
		return r;
	}
	memset(next->source, 0, sizeof(next->source));
	snprintf(next->source, sizeof(next->source), "%s", source);
	memcpy(out, next, sizeof(*out));
	free(next);
	return 0;
}

/* Does @e have a line equal to @l (same section, key and value)? */
static bool has_line(const struct config_edit *e, const struct line *l)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct line *m = &e->lines[i];

		if (m->key && !strcmp(m->section, l->section) && !strcmp(m->key, l->key) &&
		    !strcmp(m->value, l->value))
			return true;
	}
	return false;
}

/* Report @a's key lines that @b lacks, prefixed with @sign. */
static int diff_one_way(const struct config_edit *a, const struct config_edit *b, char sign,
			void (*fn)(void *data, const char *line), void *data)
{
	char buf[600];
	int n = 0;

	for (size_t i = 0; i < a->n; i++) {
		const struct line *l = &a->lines[i];

		if (!l->key || has_line(b, l))
			continue;
		snprintf(buf, sizeof(buf), "%c [%s] %s = %s", sign, l->section, l->key, l->value);
		fn(data, buf);
		n++;
	}
	return n;
}

int config_diff(const struct scxd_config *from, const struct scxd_config *to,
		void (*fn)(void *data, const char *line), void *data)
{
	struct config_edit *a = config_edit_new(from), *b = config_edit_new(to);
	int n = -ENOMEM;

	if (a && b)
		n = diff_one_way(a, b, '-', fn, data) + diff_one_way(b, a, '+', fn, data);
	config_edit_free(a);
	config_edit_free(b);
	return n;
}
