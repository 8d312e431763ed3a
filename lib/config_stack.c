/*
 * config_stack.c - see config_stack.h.
 *
 * Each file is parsed on its own as a part (config_parse_part()), which
 * checks its lines and hands them over with their line numbers. The parts
 * are merged here, section by section and key by key, each line keeping
 * where it came from. The merged lines are written out as one INI text
 * and parsed by config_load_string() like any file, so that a stack means
 * exactly what the same lines in one file would; an error in that text is
 * mapped back through the line's origin to the file and line it came from.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config_stack.h"
#include "defaults.h"
#include "roles.h"

#define FILES_MAX	(STACK_DROPINS_MAX + 2)	/* role, main, drop-ins */
#define KEY_LEN		24

/* Where a line came from: files[file], line (0: no line, a default). */
struct at {
	unsigned file;
	unsigned line;
};

struct entry {
	char key[KEY_LEN];
	char *value;
	struct at at;
};

/* A section of a part, or a section of the merged stack. */
struct section {
	char name[SCXD_NAME_LEN];	/* "": [scxd] */
	struct at at;			/* of its header */
	struct entry *e;
	size_t n;
	char before[SCXD_NAME_LEN];	/* a part's "before =", "" none */
	struct at before_at;
};

struct part {
	struct stack *st;
	unsigned file;
	struct section *s;
	size_t n;
};

struct stack {
	char *files[FILES_MAX];
	unsigned nfiles;
	struct section global;
	struct section *layers;
	size_t nlayers;
	/* The merged text's lines: where each came from. */
	struct at *lines;
	size_t nlines;
};

static void section_clear(struct section *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].value);
	free(s->e);
	s->e = NULL;
	s->n = 0;
}

static void part_free(struct part *p)
{
	for (size_t i = 0; i < p->n; i++)
		section_clear(&p->s[i]);
	free(p->s);
	p->s = NULL;
	p->n = 0;
}

static void stack_free(struct stack *st)
{
	for (unsigned i = 0; i < st->nfiles; i++)
		free(st->files[i]);
	section_clear(&st->global);
	for (size_t i = 0; i < st->nlayers; i++)
		section_clear(&st->layers[i]);
	free(st->layers);
	free(st->lines);
}

static int entry_add(struct section *s, const char *key, const char *value, struct at at)
{
	struct entry *e = realloc(s->e, (s->n + 1) * sizeof(*e));

	if (!e)
		return -ENOMEM;
	s->e = e;
	e = &e[s->n];
	snprintf(e->key, sizeof(e->key), "%s", key);
	e->value = strdup(value);
	e->at = at;
	if (!e->value)
		return -ENOMEM;
	s->n++;
	return 0;
}

static struct entry *entry_find(const struct section *s, const char *key, unsigned idx)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].key, key) && !idx--)
			return &s->e[i];
	return NULL;
}

/* Set @key: the new value replaces the old one where it stood. */
static int entry_set(struct section *s, const char *key, const char *value, struct at at)
{
	struct entry *e = entry_find(s, key, 0);
	char *v;

	if (!e)
		return entry_add(s, key, value, at);
	v = strdup(value);
	if (!v)
		return -ENOMEM;
	free(e->value);
	e->value = v;
	e->at = at;
	return 0;
}

/* Remove every @key line of @s; returns 0. */
static int entries_drop(struct section *s, const char *key)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++) {
		if (!strcmp(s->e[i].key, key))
			free(s->e[i].value);
		else
			s->e[n++] = s->e[i];
	}
	s->n = n;
	return 0;
}

/* Fill *err; returns @r. */
static int __attribute__((format(printf, 5, 6)))
fail(struct config_error *err, int r, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%.*s", (int)sizeof(err->file) - 1, file);
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return r;
}

/* ---- reading a part ---- */

static int part_section(void *data, const char *layer, unsigned line)
{
	struct part *p = data;
	struct section *s = realloc(p->s, (p->n + 1) * sizeof(*s));

	if (!s)
		return -ENOMEM;
	p->s = s;
	s = &s[p->n++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", layer ? layer : "");
	s->at = (struct at){ p->file, line };
	return 0;
}

static int part_key(void *data, const char *key, const char *value, unsigned line)
{
	struct part *p = data;
	struct section *s = &p->s[p->n - 1];
	struct at at = { p->file, line };

	if (!strcmp(key, "before")) {
		snprintf(s->before, sizeof(s->before), "%s", value);
		s->before_at = at;
		return 0;
	}
	return entry_add(s, key, value, at);
}

static int file_add(struct stack *st, const char *name, struct config_error *err)
{
	if (st->nfiles == FILES_MAX)
		return fail(err, -E2BIG, name, 0, "more than %d files", FILES_MAX);
	st->files[st->nfiles] = strdup(name);
	if (!st->files[st->nfiles])
		return -ENOMEM;
	return st->nfiles++;
}

/* Parse file @path (or the built-in text) into *p. */
static int part_read(struct stack *st, const char *path, struct part *p,
		     struct config_error *err)
{
	struct config_sink sink = { part_section, part_key, p };
	char *text = NULL;
	int r;

	memset(p, 0, sizeof(*p));
	r = file_add(st, path, err);
	if (r < 0)
		return r;
	p->st = st;
	p->file = r;
	if (!strcmp(path, ROLE_BUILTIN)) {
		r = config_parse_part(config_builtin_text(), path, &sink, err);
	} else {
		r = config_read_file(path, &text, err);
		if (!r)
			r = config_parse_part(text, path, &sink, err);
		free(text);
	}
	if (r < 0)
		part_free(p);
	return r;
}

/* ---- merging ---- */

static struct section *layer_find(struct stack *st, const char *name, size_t *idx)
{
	for (size_t i = 0; i < st->nlayers; i++)
		if (!strcmp(st->layers[i].name, name)) {
			if (idx)
				*idx = i;
			return &st->layers[i];
		}
	return NULL;
}

/* Move layer @from to index @to (both < nlayers). */
static void layer_move(struct stack *st, size_t from, size_t to)
{
	struct section tmp = st->layers[from];

	if (from < to)
		memmove(&st->layers[from], &st->layers[from + 1], (to - from) * sizeof(tmp));
	else
		memmove(&st->layers[to + 1], &st->layers[to], (from - to) * sizeof(tmp));
	st->layers[to] = tmp;
}

static struct section *layer_add(struct stack *st, const struct section *from, bool base)
{
	struct section *l = realloc(st->layers, (st->nlayers + 1) * sizeof(*l));
	size_t at;

	if (!l)
		return NULL;
	st->layers = l;
	/* A base lays its layers out in file order; a later file's new
	 * layers go before the catch-all, which stays last. */
	at = base || !st->nlayers ? st->nlayers : st->nlayers - 1;
	memmove(&l[at + 1], &l[at], (st->nlayers - at) * sizeof(*l));
	memset(&l[at], 0, sizeof(*l));
	snprintf(l[at].name, sizeof(l[at].name), "%s", from->name);
	l[at].at = from->at;
	st->nlayers++;
	return &l[at];
}

#define stack_fail(st, at, err, ...) \
	fail((err), -EINVAL, (st)->files[(at).file], (at).line, __VA_ARGS__)

/* Part @p changes the stack; only its [scxd] section when @global_only. */
static int apply(struct stack *st, const struct part *p, bool base, bool global_only,
		 struct config_error *err)
{
	size_t i, j, from, to;
	struct section *l;
	int r;

	for (i = 0; i < p->n; i++) {
		const struct section *s = &p->s[i];

		if (!s->name[0]) {
			if (!st->global.at.line)
				st->global.at = s->at;
			for (j = 0; j < s->n; j++)
				if ((r = entry_set(&st->global, s->e[j].key, s->e[j].value, s->e[j].at)))
					return r;
			continue;
		}
		if (global_only)
			continue;
		l = layer_find(st, s->name, NULL);
		if (!l && !(l = layer_add(st, s, base)))
			return -ENOMEM;
		for (j = 0; j < s->n; j++) {
			const struct entry *e = &s->e[j];

			if (strcmp(e->key, "match"))
				r = entry_set(l, e->key, e->value, e->at);
			else if (e->value[0])
				r = entry_add(l, e->key, e->value, e->at);
			else	/* "match =": forget the match lines so far */
				r = entries_drop(l, "match");
			if (r)
				return r;
		}
	}
	/* Placed once the whole file is in, so that "before" may name a
	 * layer further down. */
	for (i = 0; i < p->n && !global_only; i++) {
		const struct section *s = &p->s[i];

		if (!s->before[0])
			continue;
		if (!strcmp(s->before, s->name))
			return stack_fail(st, s->before_at, err, "layer '%s' cannot be placed before itself",
					  s->name);
		if (!layer_find(st, s->before, &to))
			return stack_fail(st, s->before_at, err, "before = %s: no layer '%s'",
					  s->before, s->before);
		if (layer_find(st, s->name, &from))
			layer_move(st, from, from < to ? to - 1 : to);
	}
	return 0;
}

/* Does part @p have a "match = *" line? */
static bool complete(const struct part *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < p->s[i].n; j++)
			if (!strcmp(p->s[i].e[j].key, "match") && !strcmp(p->s[i].e[j].value, "*"))
				return true;
	return false;
}

/* The last "role =" of @p's [scxd], or NULL. */
static const struct entry *role_entry(const struct part *p)
{
	const struct entry *e = NULL;

	for (size_t i = 0; i < p->n; i++)
		if (!p->s[i].name[0])
			e = entry_find(&p->s[i], "role", 0) ?: e;
	return e;
}

/* ---- the merged text ---- */

static int line_add(struct stack *st, FILE *f, struct at at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int line_add(struct stack *st, FILE *f, struct at at, const char *fmt, ...)
{
	struct at *lines = realloc(st->lines, (st->nlines + 1) * sizeof(*lines));
	va_list ap;

	if (!lines)
		return -ENOMEM;
	st->lines = lines;
	lines[st->nlines++] = at;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	return 0;
}

/* Line N of the text is st->lines[N - 1]. "key=value" is never longer
 * than the line it came from, so the line limit means the same. */
static char *stack_text(struct stack *st)
{
	char *text = NULL;
	size_t len = 0, i, j;
	int r = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	r = line_add(st, f, st->global.at, "[scxd]");
	for (j = 0; !r && j < st->global.n; j++)
		r = line_add(st, f, st->global.e[j].at, "%s=%s", st->global.e[j].key,
			     st->global.e[j].value);
	for (i = 0; !r && i < st->nlayers; i++) {
		const struct section *l = &st->layers[i];

		r = line_add(st, f, l->at, "[layer.%s]", l->name);
		for (j = 0; !r && j < l->n; j++)
			r = line_add(st, f, l->e[j].at, "%s=%s", l->e[j].key, l->e[j].value);
	}
	if (fclose(f) || r) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- explain ---- */

struct explain {
	struct stack *st;
	FILE *f;
};

/* A line, then "; FILE:LINE" (or "; default") in the column after. */
static void __attribute__((format(printf, 4, 5)))
explain_line(FILE *f, const struct stack *st, const struct at *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, "%*s; ", n < 40 ? 40 - n : 1, "");
	if (at && at->line)
		fprintf(f, "%s:%u\n", st->files[at->file], at->line);
	else
		fprintf(f, "default\n");
}

static void explain_key(void *data, int layer, const char *key, unsigned idx, const char *value)
{
	struct explain *x = data;
	struct stack *st = x->st;
	const struct section *s = layer < 0 ? &st->global : &st->layers[layer];
	const struct entry *e = entry_find(s, key, idx);

	/* A layer's keys start with its policy. */
	if (!idx && !strcmp(key, "policy")) {
		fputc('\n', x->f);
		explain_line(x->f, st, &s->at, "[layer.%s]", s->name);
	}
	/* An unset prometheus_textfile is no file at all. */
	if (value[0])
		explain_line(x->f, st, e ? &e->at : NULL, "%s = %s", key, value);
}

/* @role: the role file's index in files[], which is read after the main
 * file and its drop-ins but comes first in the stack; -1 none. */
static void explain(struct stack *st, const struct scxd_config *c, int role, const char *mode,
		    FILE *f)
{
	struct explain x = { st, f };
	unsigned n = 1;

	fprintf(f, "; %s: role %s, %s\n", c->source, c->role, mode);
	if (role >= 0)
		fprintf(f, ";   %u. %s\n", n++, st->files[role]);
	for (unsigned i = 0; i < st->nfiles; i++)
		if ((int)i != role)
			fprintf(f, ";   %u. %s\n", n++, st->files[i]);
	fprintf(f, "[scxd]\n");
	config_walk(c, explain_key, &x);
}

/* ---- the stack ---- */

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* MAIN.d/ *.ini into parts[], in lexical order; *n of them. */
static int dropins_read(struct stack *st, const char *main, struct part *parts, size_t *n,
			struct config_error *err)
{
	char dir[4096], path[4096 + 256], *names[STACK_DROPINS_MAX];
	size_t nnames = 0, i;
	struct dirent *de;
	int r = 0;
	DIR *d;

	*n = 0;
	snprintf(dir, sizeof(dir), "%s.d", main);
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		r = -errno;
		return fail(err, r, dir, 0, "%s", strerror(-r));
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".ini"))
			continue;
		if (nnames == STACK_DROPINS_MAX) {
			r = fail(err, -E2BIG, dir, 0, "more than %d drop-ins", STACK_DROPINS_MAX);
			break;
		}
		if (!(names[nnames] = strdup(de->d_name))) {
			r = -ENOMEM;
			break;
		}
		nnames++;
	}
	closedir(d);
	qsort(names, nnames, sizeof(names[0]), compare_names);
	for (i = 0; i < nnames; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!r && !(r = part_read(st, path, &parts[*n], err)))
			(*n)++;
		free(names[i]);
	}
	return r;
}

int config_stack_load(struct scxd_config *c, const struct config_stack *s, FILE *explain_to,
		      struct config_error *err)
{
	static const char *const default_dirs[] = { SCXD_ROLE_DIRS, NULL };
	const char *const *dirs = s->role_dirs ?: default_dirs;
	struct part main = {0}, role = {0}, dropins[STACK_DROPINS_MAX];
	struct stack st = {0};
	struct scxd_config *next = NULL;
	struct config_error dummy, perr = {0};
	const struct entry *sel = NULL;
	const char *name = s->role, *mode;
	char path[4096], buf[512], *text = NULL;
	size_t ndropins = 0, i;
	bool whole = false;
	int r;

	if (!err)
		err = &dummy;
	if (s->main) {
		r = part_read(&st, s->main, &main, err);
		if (!r && !s->no_dropins)
			r = dropins_read(&st, s->main, dropins, &ndropins, err);
		if (r < 0)
			goto out;
		whole = complete(&main);
	}

	/* The role: asked for, else the last role = of the files. */
	if (!name && !whole) {
		sel = role_entry(&main);
		for (i = 0; i < ndropins; i++)
			sel = role_entry(&dropins[i]) ?: sel;
		name = sel ? sel->value : ROLE_DEFAULT;
	}
	if (name) {
		r = role_find(dirs, name, path, sizeof(path));
		if (r < 0) {
			const char *file = sel ? st.files[sel->at.file] : s->main ?: "role";
			unsigned line = sel ? sel->at.line : 0;

			if (r == -EINVAL)
				r = fail(err, -EINVAL, file, line, "invalid role name '%s'", name);
			else
				r = fail(err, -EINVAL, file, line, "no role '%s' in %s", name,
					 role_dirs_str(dirs, buf, sizeof(buf)));
			goto out;
		}
		if ((r = part_read(&st, path, &role, err)) < 0 ||
		    (r = apply(&st, &role, true, false, err)) < 0)
			goto out;
	}
	if (s->main && (r = apply(&st, &main, !name, whole && name, err)) < 0)
		goto out;
	for (i = 0; i < ndropins; i++)
		if ((r = apply(&st, &dropins[i], false, false, err)) < 0)
			goto out;
	/* The role run is the one selected, whatever its file calls itself. */
	if (name && (r = entry_set(&st.global, "role", name, sel ? sel->at : (struct at){0, 0})))
		goto out;

	r = -ENOMEM;
	next = calloc(1, sizeof(*next));
	text = stack_text(&st);
	if (!next || !text) {
		fail(err, r, s->main ?: path, 0, "out of memory");
		goto out;
	}
	r = config_load_string(next, text, s->main ?: path, &perr);
	*err = perr;
	if (r < 0 && perr.line && perr.line <= st.nlines) {
		struct at at = st.lines[perr.line - 1];

		fail(err, r, st.files[at.file], at.line, "%s", perr.msg);
	}
	if (r < 0)
		goto out;
	if (explain_to) {
		mode = whole && !s->role ? "a complete file (it has match = *): no role file read"
			: s->main ? "the role and the files' changes, in this order" : "the role alone";
		explain(&st, next, name ? (int)role.file : -1, mode, explain_to);
	}
	memcpy(c, next, sizeof(*c));
out:
	free(next);
	free(text);
	part_free(&main);
	part_free(&role);
	for (i = 0; i < ndropins; i++)
		part_free(&dropins[i]);
	stack_free(&st);
	return r;
}
