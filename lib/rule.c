/*
 * rule.c - parse and print match rules.
 *
 * A rule is one "match =" line: conditions joined by "&&", all of which
 * must hold. The parser is strict on purpose. Characters that could mean
 * something in a later version of the syntax (quotes, '&', '|', '!', '=',
 * '<', '>') are refused inside values, so that "comm=a || comm=b" is an
 * error rather than a comm that never matches, and so that the syntax can
 * grow without changing the meaning of a line accepted today.
 *
 * The parsed rule is fully zeroed before it is filled, so that two parses
 * of equivalent text are byte-identical (the round-trip tests rely on it,
 * and so does anything that compares rules with memcmp()).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

enum value_kind {
	VAL_ALL,	/* "*": no key, no value */
	VAL_TEXT,	/* comm, pcomm: exact, or a prefix with a trailing '*' */
	VAL_PATH,	/* cgroup: a subtree */
	VAL_NUM,
	VAL_BOOL,	/* yes/no, stored as 1/0 */
};

struct key_info {
	const char *name;
	enum value_kind kind;
	s32 min, max;		/* VAL_NUM */
};

/*
 * uid and gid stop at INT32_MAX because scxd_task_facts holds them as
 * s32; ids above that are not in practical use.
 */
static const struct key_info keys[SCXD_NR_KEYS] = {
	[SCXD_KEY_ALL]		= { "*",	VAL_ALL },
	[SCXD_KEY_COMM]		= { "comm",	VAL_TEXT },
	[SCXD_KEY_PCOMM]	= { "pcomm",	VAL_TEXT },
	[SCXD_KEY_CGROUP]	= { "cgroup",	VAL_PATH },
	[SCXD_KEY_UID]		= { "uid",	VAL_NUM, 0, INT32_MAX },
	[SCXD_KEY_GID]		= { "gid",	VAL_NUM, 0, INT32_MAX },
	[SCXD_KEY_NICE]		= { "nice",	VAL_NUM, -20, 19 },
	[SCXD_KEY_PID]		= { "pid",	VAL_NUM, 0, INT32_MAX },
	[SCXD_KEY_TGID]		= { "tgid",	VAL_NUM, 0, INT32_MAX },
	[SCXD_KEY_PPID]		= { "ppid",	VAL_NUM, 0, INT32_MAX },
	[SCXD_KEY_KTHREAD]	= { "kthread",	VAL_BOOL },
	[SCXD_KEY_LEADER]	= { "leader",	VAL_BOOL },
};

/* Two-character operators first, so that "<=" is not read as "<". */
static const struct {
	const char *text;
	u8 op;
} op_tokens[] = {
	{ "!=", SCXD_OP_NE },
	{ "<=", SCXD_OP_LE },
	{ ">=", SCXD_OP_GE },
	{ "=",	SCXD_OP_EQ },
	{ "<",	SCXD_OP_LT },
	{ ">",	SCXD_OP_GT },
};

static const char *const op_text[SCXD_NR_OPS] = {
	[SCXD_OP_EQ]		= "=",
	[SCXD_OP_NE]		= "!=",
	[SCXD_OP_PREFIX]	= "=",
	[SCXD_OP_NOT_PREFIX]	= "!=",
	[SCXD_OP_LT]		= "<",
	[SCXD_OP_LE]		= "<=",
	[SCXD_OP_GT]		= ">",
	[SCXD_OP_GE]		= ">=",
};

/* Characters reserved for the syntax, refused inside values. */
#define RESERVED_CHARS "\"'&|!=<>"

/* A piece of the rule text: conditions are not NUL-terminated. */
struct span {
	const char *s;
	size_t n;
};

#define SPAN_FMT	"%.*s"
#define SPAN_ARG(sp)	(int)(sp).n, (sp).s

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static struct span trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return (struct span){ s, n };
}

static bool span_is(struct span sp, const char *word)
{
	return sp.n == strlen(word) && !memcmp(sp.s, word, sp.n);
}

static int key_lookup(struct span name)
{
	int k;

	for (k = SCXD_KEY_ALL + 1; k < SCXD_NR_KEYS; k++)
		if (span_is(name, keys[k].name))
			return k;
	return -1;
}

/* Length of the operator at the start of @sp (0: none), its op in *op. */
static size_t op_lookup(struct span sp, u8 *op)
{
	size_t i, n;

	for (i = 0; i < sizeof(op_tokens) / sizeof(op_tokens[0]); i++) {
		n = strlen(op_tokens[i].text);
		if (sp.n >= n && !memcmp(sp.s, op_tokens[i].text, n)) {
			*op = op_tokens[i].op;
			return n;
		}
	}
	return 0;
}

/* Refuse reserved and control characters, and '*' except where allowed. */
static int check_chars(struct span v, struct span cond, bool is_path,
		       char *err, size_t errlen)
{
	size_t i;
	unsigned char ch;

	for (i = 0; i < v.n; i++) {
		ch = v.s[i];
		if (ch == '*' && is_path)
			return fail(err, errlen, "wildcards are not allowed in cgroup paths: '"
				    SPAN_FMT "'", SPAN_ARG(cond));
		if (ch == '*')
			return fail(err, errlen, "'*' is only allowed at the end of the value in '"
				    SPAN_FMT "'", SPAN_ARG(cond));
		if (strchr(RESERVED_CHARS, ch))
			return fail(err, errlen, "unexpected '%c' in '" SPAN_FMT "'", ch,
				    SPAN_ARG(cond));
		if (iscntrl(ch))
			return fail(err, errlen, "control character in '" SPAN_FMT "'",
				    SPAN_ARG(cond));
	}
	return 0;
}

/* comm, pcomm: "name" is exact, "name*" a prefix. */
static int parse_text(struct scxd_cond *c, struct span v, struct span cond,
		      char *err, size_t errlen)
{
	bool prefix = v.s[v.n - 1] == '*';
	int r;

	if (prefix)
		v.n--;
	r = check_chars(v, cond, false, err, errlen);
	if (r)
		return r;
	/* An empty prefix would match (or with != never match) everything. */
	if (!v.n)
		return fail(err, errlen, "empty value in '" SPAN_FMT "'", SPAN_ARG(cond));
	if (v.n >= SCXD_COMM_LEN)
		return fail(err, errlen, "value longer than %d characters in '" SPAN_FMT "'",
			    SCXD_COMM_LEN - 1, SPAN_ARG(cond));
	memcpy(c->str, v.s, v.n);
	c->len = v.n;
	if (prefix)
		c->op = c->op == SCXD_OP_EQ ? SCXD_OP_PREFIX : SCXD_OP_NOT_PREFIX;
	return 0;
}

/*
 * cgroup: an absolute cgroup v2 path, stored normalized ("//a/b/" is
 * "/a/b") because the matcher compares it byte by byte with the path BPF
 * builds. "." and ".." are refused rather than resolved: a cgroup path in
 * a rule names a place in the hierarchy, not a walk through it.
 */
static int parse_path(struct scxd_cond *c, struct span v, struct span cond,
		      char *err, size_t errlen)
{
	char path[SCXD_PATH_LEN];
	size_t i = 0, len = 0, depth = 0;
	struct span part;
	int r;

	if (v.s[0] != '/')
		return fail(err, errlen, "cgroup path must begin with '/' in '" SPAN_FMT "'",
			    SPAN_ARG(cond));
	r = check_chars(v, cond, true, err, errlen);
	if (r)
		return r;

	while (i < v.n) {
		while (i < v.n && v.s[i] == '/')
			i++;
		part.s = v.s + i;
		while (i < v.n && v.s[i] != '/')
			i++;
		part.n = v.s + i - part.s;
		if (!part.n)
			continue;
		if (span_is(part, ".") || span_is(part, ".."))
			return fail(err, errlen, "'.' and '..' are not allowed in cgroup paths: '"
				    SPAN_FMT "'", SPAN_ARG(cond));
		/* Blanks at the end of the value are not part of it, so "/a/ /"
		 * would be "/a/ " here and "/a" when read back. */
		if (isblank((unsigned char)part.s[0]) || isblank((unsigned char)part.s[part.n - 1]))
			return fail(err, errlen, "a cgroup path part cannot begin or end with a blank: '"
				    SPAN_FMT "'", SPAN_ARG(cond));
		if (++depth > SCXD_CGROUP_DEPTH)
			return fail(err, errlen, "cgroup path deeper than %d levels in '"
				    SPAN_FMT "'", SCXD_CGROUP_DEPTH, SPAN_ARG(cond));
		if (len + 1 + part.n >= SCXD_PATH_LEN)
			return fail(err, errlen, "cgroup path longer than %d characters in '"
				    SPAN_FMT "'", SCXD_PATH_LEN - 1, SPAN_ARG(cond));
		path[len++] = '/';
		memcpy(path + len, part.s, part.n);
		len += part.n;
	}
	if (!len)
		path[len++] = '/';
	memcpy(c->str, path, len);
	c->len = len;
	return 0;
}

/* Decimal only: "010" is ten, not eight, and "0x10" is an error. */
static int parse_num(struct scxd_cond *c, const struct key_info *k, struct span v,
		     struct span cond, char *err, size_t errlen)
{
	char buf[16];
	size_t i = v.s[0] == '-';
	long long n;

	if (i == v.n || v.n >= sizeof(buf))
		goto bad;
	for (; i < v.n; i++)
		if (!isdigit((unsigned char)v.s[i]))
			goto bad;
	memcpy(buf, v.s, v.n);
	buf[v.n] = '\0';
	n = strtoll(buf, NULL, 10);
	if (n < k->min || n > k->max)
		return fail(err, errlen, "%s must be in %d..%d in '" SPAN_FMT "'",
			    k->name, k->min, k->max, SPAN_ARG(cond));
	c->num = n;
	return 0;
bad:
	return fail(err, errlen, "'" SPAN_FMT "' is not a number in '" SPAN_FMT "'",
		    SPAN_ARG(v), SPAN_ARG(cond));
}

static int parse_bool(struct scxd_cond *c, const struct key_info *k, struct span v,
		      struct span cond, char *err, size_t errlen)
{
	if (span_is(v, "yes"))
		c->num = 1;
	else if (span_is(v, "no"))
		c->num = 0;
	else
		return fail(err, errlen, "%s takes yes or no, not '" SPAN_FMT "', in '"
			    SPAN_FMT "'", k->name, SPAN_ARG(v), SPAN_ARG(cond));
	return 0;
}

/* One condition, "KEY OP VALUE" or "*"; @cond is trimmed and not empty. */
static int parse_cond(struct scxd_cond *c, struct span cond, char *err, size_t errlen)
{
	const struct key_info *k;
	struct span name, rest, v;
	size_t oplen;
	int key;

	if (span_is(cond, "*")) {
		c->key = SCXD_KEY_ALL;
		c->op = SCXD_OP_EQ;
		return 0;
	}

	name.s = cond.s;
	for (name.n = 0; name.n < cond.n; name.n++)
		if (!isalnum((unsigned char)cond.s[name.n]) && cond.s[name.n] != '_')
			break;
	if (!name.n)
		return fail(err, errlen, "missing key in '" SPAN_FMT "'", SPAN_ARG(cond));
	key = key_lookup(name);
	if (key < 0)
		return fail(err, errlen, "unknown key '" SPAN_FMT "' in '" SPAN_FMT "'",
			    SPAN_ARG(name), SPAN_ARG(cond));
	k = &keys[key];
	c->key = key;

	rest = trim(name.s + name.n, cond.n - name.n);
	oplen = op_lookup(rest, &c->op);
	if (!oplen)
		return fail(err, errlen, "missing operator in '" SPAN_FMT "'", SPAN_ARG(cond));
	/* "==", "=<", "!==": better refused than read as part of the value. */
	if (oplen < rest.n && strchr("=!<>", rest.s[oplen]))
		return fail(err, errlen, "unknown operator in '" SPAN_FMT "'", SPAN_ARG(cond));
	v = trim(rest.s + oplen, rest.n - oplen);
	if (!v.n)
		return fail(err, errlen, "missing value in '" SPAN_FMT "'", SPAN_ARG(cond));
	if (k->kind != VAL_NUM && c->op != SCXD_OP_EQ && c->op != SCXD_OP_NE)
		return fail(err, errlen, "%s takes only = or != in '" SPAN_FMT "'",
			    k->name, SPAN_ARG(cond));

	switch (k->kind) {
	case VAL_TEXT:
		return parse_text(c, v, cond, err, errlen);
	case VAL_PATH:
		return parse_path(c, v, cond, err, errlen);
	case VAL_NUM:
		return parse_num(c, k, v, cond, err, errlen);
	case VAL_BOOL:
		return parse_bool(c, k, v, cond, err, errlen);
	case VAL_ALL:
		break;
	}
	return fail(err, errlen, "unknown key in '" SPAN_FMT "'", SPAN_ARG(cond));
}

int rule_parse(const char *text, struct scxd_rule *out, char *err, size_t errlen)
{
	struct scxd_rule r;
	const char *s, *amp;
	struct span cond;
	u32 i;
	int ret;

	if (!text || !out)
		return fail(err, errlen, "no rule");
	memset(&r, 0, sizeof(r));
	if (!trim(text, strlen(text)).n)
		return fail(err, errlen, "empty rule");

	for (s = text; ; s = amp + 2) {
		amp = strstr(s, "&&");
		cond = trim(s, amp ? (size_t)(amp - s) : strlen(s));
		if (!cond.n)
			return fail(err, errlen, "empty condition in '%s'", text);
		if (r.nr_conds == SCXD_MAX_CONDS)
			return fail(err, errlen, "more than %d conditions in '%s'",
				    SCXD_MAX_CONDS, text);
		ret = parse_cond(&r.conds[r.nr_conds], cond, err, errlen);
		if (ret)
			return ret;
		r.nr_conds++;
		if (!amp)
			break;
	}

	/* "* && x" would just be "x": refused, so that "*" always means all. */
	for (i = 0; r.nr_conds > 1 && i < r.nr_conds; i++)
		if (r.conds[i].key == SCXD_KEY_ALL)
			return fail(err, errlen, "'*' must stand alone in '%s'", text);

	*out = r;
	return 0;
}

/* snprintf() that appends and keeps counting past the end of the buffer. */
struct out {
	char *buf;
	size_t len, n;
};

static void __attribute__((format(printf, 2, 3)))
out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->n < o->len ? o->buf + o->n : NULL,
		      o->n < o->len ? o->len - o->n : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->n += n;
}

/* Could rule_parse() have produced this condition? */
static bool cond_valid(const struct scxd_cond *c)
{
	enum value_kind kind;
	bool text_op;

	if (c->key >= SCXD_NR_KEYS || c->op >= SCXD_NR_OPS)
		return false;
	kind = keys[c->key].kind;
	text_op = c->op <= SCXD_OP_NOT_PREFIX;
	switch (kind) {
	case VAL_ALL:
		return true;
	case VAL_TEXT:
		return text_op && c->len && c->len < SCXD_COMM_LEN &&
		       !memchr(c->str, '\0', c->len);
	case VAL_PATH:
		return c->op <= SCXD_OP_NE && c->len && c->len < SCXD_PATH_LEN &&
		       !memchr(c->str, '\0', c->len);
	case VAL_BOOL:
		return c->op <= SCXD_OP_NE;
	case VAL_NUM:
		return c->op != SCXD_OP_PREFIX && c->op != SCXD_OP_NOT_PREFIX;
	}
	return false;
}

static void format_cond(struct out *o, const struct scxd_cond *c)
{
	const struct key_info *k = &keys[c->key];
	const char *op = op_text[c->op];
	bool prefix = c->op == SCXD_OP_PREFIX || c->op == SCXD_OP_NOT_PREFIX;

	switch (k->kind) {
	case VAL_ALL:
		out_add(o, "*");
		break;
	case VAL_TEXT:
	case VAL_PATH:
		out_add(o, "%s%s%.*s%s", k->name, op, (int)c->len, c->str, prefix ? "*" : "");
		break;
	case VAL_NUM:
		out_add(o, "%s%s%d", k->name, op, c->num);
		break;
	case VAL_BOOL:
		out_add(o, "%s%s%s", k->name, op, c->num ? "yes" : "no");
		break;
	}
}

int rule_format(const struct scxd_rule *r, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	u32 i;

	if (!r || !r->nr_conds || r->nr_conds > SCXD_MAX_CONDS)
		return -EINVAL;
	for (i = 0; i < r->nr_conds; i++)
		if (!cond_valid(&r->conds[i]))
			return -EINVAL;

	for (i = 0; i < r->nr_conds; i++) {
		if (i)
			out_add(&o, " && ");
		format_cond(&o, &r->conds[i]);
	}
	if (o.n >= len)
		return -ENOSPC;
	return o.n;
}
