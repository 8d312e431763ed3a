/*
 * config.c - load the INI configuration into a struct scxd_config.
 *
 * inih splits the text into key = value pairs and strips comments; the
 * rest is done here. Debian's inih (r55) is built with
 * INI_HANDLER_LINENO=0 and calls the handler only for key lines, so the
 * text is fed to inih through our own line reader, which:
 *
 *  - counts lines: inih runs the handler for a line before it asks the
 *    reader for the next one, so the reader's count is the handler's line;
 *  - opens sections itself when it hands over a "[...]" line, because an
 *    empty or repeated section never reaches the handler;
 *  - strips leading whitespace, which turns off inih's multi-line values:
 *    an indented "match = ..." must not be glued to the previous value;
 *  - refuses lines that do not fit inih's line buffer, which inih would
 *    otherwise silently cut in two;
 *  - stops the parse (returns NULL) after the first error.
 *
 * Everything is parsed into a scratch config, checked as a whole, and
 * copied out only on success: a failed reload keeps the running config.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config.h"
#include "cpulist.h"
#include "file.h"
#include "rule.h"

#define CONFIG_MAX_SIZE		(1 << 20)
#define LAYER_PREFIX		"layer."
#define DEFAULT_WEIGHT		100
#define DEFAULT_ROLE		"custom"
#define BUILTIN_NAME		"(built-in)"

/* Default slices per class, in microseconds: an auto layer's tasks get
 * their class's. */
static const u32 default_slice_us[SCXD_NR_CLASSES] = {
	[SCXD_POLICY_LATENCY]		= 2000,
	[SCXD_POLICY_THROUGHPUT]	= 20000,
};

static const char *const policy_names[SCXD_NR_POLICIES + 1] = {
	[SCXD_POLICY_LATENCY]		= "latency",
	[SCXD_POLICY_THROUGHPUT]	= "throughput",
	[SCXD_POLICY_AUTO]		= "auto",
};

static const struct {
	const char *name;
	int level;
} log_levels[] = {
	{ "err",	LOG_ERR },
	{ "warning",	LOG_WARNING },
	{ "notice",	LOG_NOTICE },
	{ "info",	LOG_INFO },
	{ "debug",	LOG_DEBUG },
};

/*
 * The configuration used without --config, and role "default" when no
 * file of that name is installed: config/roles/default.ini, built in (the
 * Makefile turns it into a C string). Parsed like any file, so that it
 * can never drift from what a file can express.
 */
static const char builtin_config[] =
#include "default_role.h"
	;

enum section {
	SEC_NONE,		/* before the first section header */
	SEC_GLOBAL,		/* [scxd] */
	SEC_LAYER,		/* [layer.NAME]: the last layer in the config */
};

/* What the checks at the end need to know about each layer. */
struct layer_state {
	unsigned line;		/* of its section header */
	unsigned nr_rules;
	bool catch_all;		/* has "match = *" */
	bool has_policy;
	unsigned slice_line;	/* of its "slice_us =", 0 if none */
	unsigned auto_line;	/* of its first auto_* key, 0 if none */
	bool has_auto_run, has_auto_wakeups;
	unsigned cpus_line;	/* of its "cpus =", 0 if none */
	unsigned preempt_line;	/* of its "preempt =", 0 if none */
	char cpus_text[200];	/* the value of "cpus =", for errors */
};

struct parser {
	struct scxd_config *c;		/* the scratch config */
	const struct config_sink *sink;	/* a part (config_parse_part()): told every line */
	struct config_error *err;
	const char *name;		/* the file, for errors */
	const char *pos;		/* next unread byte of the text */
	unsigned line;			/* of the line inih is working on */
	bool failed;
	bool oom;			/* the sink ran out of memory */
	enum section sec;
	char sec_label[64];		/* "[layer.x]", for errors */
	unsigned global_line;		/* of [scxd], 0 if none yet */
	unsigned seen;			/* keys set in this section, by index in keys[] */
	struct layer_state layers[SCXD_MAX_LAYERS];
};

static void __attribute__((format(printf, 4, 0)))
error_vfill(struct config_error *e, const char *file, unsigned line, const char *fmt,
	  va_list ap)
{
	snprintf(e->file, sizeof(e->file), "%s", file);
	e->line = line;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

static void __attribute__((format(printf, 4, 5)))
error_fill(struct config_error *e, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vfill(e, file, line, fmt, ap);
	va_end(ap);
}

/* Records the first error only; returns 0, inih's "handler failed". */
static int __attribute__((format(printf, 3, 4)))
parse_fail_at(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return 0;
	p->failed = true;
	va_start(ap, fmt);
	error_vfill(p->err, p->name, line, fmt, ap);
	va_end(ap);
	return 0;
}

#define parse_fail(p, ...)	parse_fail_at((p), (p)->line, __VA_ARGS__)

static int sink_fail(struct parser *p)
{
	p->oom = true;
	return parse_fail(p, "out of memory");
}

const char *config_error_str(const struct config_error *e, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (e->line)
		snprintf(buf, len, "%s:%u: %s", e->file, e->line, e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
	return buf;
}

const char *policy_name(u32 policy)
{
	return policy < SCXD_NR_POLICIES ? policy_names[policy] : "?";
}

u32 config_bpf_layers(const struct scxd_config *c, struct scxd_layer *out)
{
	u32 n = c->nr_layers;

	for (u32 i = 0; i < c->nr_layers && i < SCXD_MAX_LAYERS; i++) {
		const struct scxd_layer *l = &c->layers[i];
		u32 half = n++;

		if (out)
			out[i] = *l;
		if (l->policy != SCXD_POLICY_AUTO) {
			n--;
			if (out)
				out[i].peer = SCXD_NO_LAYER;
			continue;
		}
		if (!out || half >= SCXD_MAX_LAYERS)
			continue;
		out[i].policy = SCXD_POLICY_THROUGHPUT;
		out[i].slice_ns = default_slice_us[SCXD_POLICY_THROUGHPUT] * 1000ULL;
		out[i].auto_gap_ns = 1000000000ULL / (l->auto_wakeups ? l->auto_wakeups : 1);
		out[i].peer = half;
		out[half] = out[i];
		out[half].policy = SCXD_POLICY_LATENCY;
		out[half].slice_ns = default_slice_us[SCXD_POLICY_LATENCY] * 1000ULL;
		out[half].peer = i;
	}
	return n;
}

u32 config_bpf_layer_of(const struct scxd_config *c, const struct scxd_layer *entries, u32 e,
			u32 *cls)
{
	*cls = entries[e].policy;
	return e < c->nr_layers ? e : entries[e].peer;
}

int config_layer_find(const struct scxd_config *c, const char *name)
{
	u32 i;

	for (i = 0; c && name && i < c->nr_layers; i++)
		if (!strncmp(c->layers[i].name, name, SCXD_NAME_LEN))
			return i;
	return -ENOENT;
}

bool config_name_valid(const char *s, size_t n, size_t max)
{
	size_t i;

	if (!n || n >= max)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* Strict decimal: no sign, no spaces, no base prefix. */
static bool parse_u32(const char *s, u32 min, u32 max, u32 *out)
{
	unsigned long n;
	size_t i, len = strlen(s);

	if (!len || len > 10)
		return false;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	n = strtoul(s, NULL, 10);
	if (n < min || n > max)
		return false;
	*out = n;
	return true;
}

static struct scxd_layer *cur_layer(struct parser *p)
{
	return &p->c->layers[p->c->nr_layers - 1];
}

static struct layer_state *cur_state(struct parser *p)
{
	return &p->layers[p->c->nr_layers - 1];
}

/* [scxd] keys */

static int set_role(struct parser *p, const char *v)
{
	if (!config_name_valid(v, strlen(v), sizeof(p->c->role)))
		return parse_fail(p, "role must be 1..%zu characters of A-Z a-z 0-9 _ . -, not '%s'",
			    sizeof(p->c->role) - 1, v);
	strcpy(p->c->role, v);
	return 1;
}

static int set_socket(struct parser *p, const char *v)
{
	if (v[0] != '/')
		return parse_fail(p, "socket must be an absolute path, not '%s'", v);
	/* sun_path's size, NUL included */
	if (strlen(v) >= sizeof(p->c->socket_path))
		return parse_fail(p, "socket path longer than %zu characters",
			    sizeof(p->c->socket_path) - 1);
	strcpy(p->c->socket_path, v);
	return 1;
}

/* The group is only checked for shape: the daemon resolves it. */
static int set_socket_group(struct parser *p, const char *v)
{
	if (!config_name_valid(v, strlen(v), sizeof(p->c->socket_group)) || v[0] == '-')
		return parse_fail(p, "invalid socket_group '%s'", v);
	strcpy(p->c->socket_group, v);
	return 1;
}

/* node_exporter's textfile collector reads NAME.prom files only. */
static int set_prometheus_textfile(struct parser *p, const char *v)
{
	size_t n = strlen(v);

	if (v[0] != '/')
		return parse_fail(p, "prometheus_textfile must be an absolute path, not '%s'", v);
	if (n >= sizeof(p->c->prometheus_textfile))
		return parse_fail(p, "prometheus_textfile longer than %zu characters",
				  sizeof(p->c->prometheus_textfile) - 1);
	if (n < 6 || strcmp(v + n - 5, ".prom") || v[n - 6] == '/')
		return parse_fail(p, "prometheus_textfile must name a NAME.prom file "
				  "(node_exporter reads only those), not '%s'", v);
	strcpy(p->c->prometheus_textfile, v);
	return 1;
}

static int set_log_level(struct parser *p, const char *v)
{
	size_t i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++) {
		if (!strcmp(v, log_levels[i].name)) {
			p->c->log_level = log_levels[i].level;
			return 1;
		}
	}
	return parse_fail(p, "unknown log_level '%s' (err, warning, notice, info or debug)", v);
}

/* [layer.NAME] keys */

/* @v is one of @words (NULL-terminated): *out is its index. */
static bool one_of(const char *v, const char *const *words, u32 *out)
{
	for (u32 i = 0; words[i]; i++)
		if (!strcmp(v, words[i])) {
			*out = i;
			return true;
		}
	return false;
}

static const char *const no_yes[] = { "no", "yes", NULL };

static int set_policy(struct parser *p, const char *v)
{
	if (!one_of(v, policy_names, &cur_layer(p)->policy))
		return parse_fail(p, "unknown policy '%s' (latency, throughput or auto)", v);
	cur_state(p)->has_policy = true;
	return 1;
}

static int set_weight(struct parser *p, const char *v)
{
	if (!parse_u32(v, 1, 10000, &cur_layer(p)->weight))
		return parse_fail(p, "weight must be a number in 1..10000, not '%s'", v);
	return 1;
}

static int set_slice_us(struct parser *p, const char *v)
{
	u32 us;

	if (!parse_u32(v, 100, 1000000, &us))
		return parse_fail(p, "slice_us must be a number in 100..1000000, not '%s'", v);
	cur_layer(p)->slice_ns = us * 1000ULL;
	cur_state(p)->slice_line = p->line;
	return 1;
}

/* Only for auto layers: checked when the section ends. */
static void saw_auto_key(struct parser *p)
{
	if (!cur_state(p)->auto_line)
		cur_state(p)->auto_line = p->line;
}

static int set_auto_latency_run_us(struct parser *p, const char *v)
{
	u32 us;

	if (!parse_u32(v, AUTO_RUN_US_MIN, AUTO_RUN_US_MAX, &us))
		return parse_fail(p, "auto_latency_run_us must be a number in %u..%u, not '%s'",
				  AUTO_RUN_US_MIN, AUTO_RUN_US_MAX, v);
	cur_layer(p)->auto_run_ns = us * 1000ULL;
	cur_state(p)->has_auto_run = true;
	saw_auto_key(p);
	return 1;
}

static int set_auto_min_wakeups(struct parser *p, const char *v)
{
	if (!parse_u32(v, AUTO_WAKEUPS_MIN, AUTO_WAKEUPS_MAX, &cur_layer(p)->auto_wakeups))
		return parse_fail(p, "auto_min_wakeups must be a number in %u..%u, not '%s'",
				  AUTO_WAKEUPS_MIN, AUTO_WAKEUPS_MAX, v);
	cur_state(p)->has_auto_wakeups = true;
	saw_auto_key(p);
	return 1;
}

static int set_kind(struct parser *p, const char *v)
{
	static const char *const kinds[] = {
		[SCXD_KIND_OPEN] = "open", [SCXD_KIND_CONFINED] = "confined", NULL,
	};

	if (!one_of(v, kinds, &cur_layer(p)->kind))
		return parse_fail(p, "unknown kind '%s' (open or confined)", v);
	return 1;
}

static int set_users(struct parser *p, const char *v)
{
	if (!one_of(v, no_yes, &cur_layer(p)->users))
		return parse_fail(p, "users takes yes or no, not '%s'", v);
	return 1;
}

/* Checked against the policy when the section ends: it may come first. */
static int set_preempt(struct parser *p, const char *v)
{
	if (!one_of(v, no_yes, &cur_layer(p)->preempt))
		return parse_fail(p, "preempt takes yes or no, not '%s'", v);
	cur_state(p)->preempt_line = p->line;
	return 1;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * A strict decimal at *s, blanks around it skipped; *s moves past it.
 * False for no digits or a value over max.
 */
static bool take_u32(const char **s, u32 max, u32 *out)
{
	const char *c = skip_blanks(*s);
	unsigned long long n = 0;

	if (!isdigit((unsigned char)*c))
		return false;
	for (; isdigit((unsigned char)*c); c++) {
		n = n * 10 + (*c - '0');
		if (n > max)
			return false;
	}
	*s = skip_blanks(c);
	*out = n;
	return true;
}

/* "auto", or LLC indexes and ranges: "0", "0,2", "0-3,6". */
static int set_llcs(struct parser *p, const char *v)
{
	u64 llcs;

	if (!strcmp(v, "auto")) {
		cur_layer(p)->llcs = 0;
		return 1;
	}
	/* No LLC at all ("") would read as 0, which means auto. */
	if (cpulist_parse(v, &llcs, SCXD_MAX_LLCS, CPULIST_BLANKS) <= 0)
		return parse_fail(p, "llcs must be auto or LLC indexes in 0..%d such as 0,2-3, not '%s'",
			    SCXD_MAX_LLCS - 1, v);
	cur_layer(p)->llcs = llcs;
	return 1;
}

/* "MIN-MAX" or "N" (MIN = MAX = N). A maximum of 0 would read "no bound". */
static int set_cpus(struct parser *p, const char *v)
{
	struct layer_state *ls = cur_state(p);
	const char *s = v;
	u32 lo, hi;

	if (!take_u32(&s, SCXD_MAX_CPUS, &lo))
		goto bad;
	hi = lo;
	if (*s == '-') {
		s++;
		if (!take_u32(&s, SCXD_MAX_CPUS, &hi))
			goto bad;
	}
	if (*s || hi < lo || !hi)
		goto bad;
	cur_layer(p)->cpus_min = lo;
	cur_layer(p)->cpus_max = hi;
	ls->cpus_line = p->line;
	snprintf(ls->cpus_text, sizeof(ls->cpus_text), "%s", v);
	return 1;
bad:
	return parse_fail(p, "cpus must be N or MIN-MAX with MIN <= MAX and MAX in 1..%d, not '%s'",
		    SCXD_MAX_CPUS, v);
}

/* Each match line adds a rule to the layer. */
static int set_match(struct parser *p, const char *v)
{
	struct scxd_config *c = p->c;
	struct scxd_rule *r = &c->rules[c->nr_rules];
	char msg[sizeof(p->err->msg)];

	/* In a part, "match =" forgets the layer's match lines so far. */
	if (p->sink && !*v)
		return 1;
	if (c->nr_rules == SCXD_MAX_RULES)
		return parse_fail(p, "more than %d match lines", SCXD_MAX_RULES);
	if (rule_parse(v, r, msg, sizeof(msg)))
		return parse_fail(p, "%s", msg);
	/* Cannot overflow: a line is shorter than rule_text. Checked anyway. */
	if (rule_format(r, c->rule_text[c->nr_rules], sizeof(c->rule_text[0])) < 0)
		return parse_fail(p, "match line too long");
	r->layer = c->nr_layers - 1;
	c->nr_rules++;
	cur_state(p)->nr_rules++;
	if (r->conds[0].key == SCXD_KEY_ALL)
		cur_state(p)->catch_all = true;
	return 1;
}

/* Where a part puts a layer; the stack (config_stack.c) acts on it. */
static int set_before(struct parser *p, const char *v)
{
	if (!p->sink)
		return parse_fail(p, "'before' only places a layer that a file adds to a role");
	if (!config_name_valid(v, strlen(v), SCXD_NAME_LEN))
		return parse_fail(p, "before must name a layer (1..%d characters of A-Z a-z 0-9 _ . -), not '%s'",
				  SCXD_NAME_LEN - 1, v);
	return 1;
}

/* Each key's effective value in canonical form, for config_walk(). */
#define GET(name) static void get_##name(const struct scxd_config *c, const struct scxd_layer *l, \
					 char *buf, size_t len)
static const char *log_level_name(int level);
static void format_cpus(const struct scxd_layer *l, char *buf, size_t len);
static void format_llcs(u64 mask, char *buf, size_t len);
GET(role) { snprintf(buf, len, "%s", c->role); }
GET(socket) { snprintf(buf, len, "%s", c->socket_path); }
GET(socket_group) { snprintf(buf, len, "%s", c->socket_group); }
GET(log_level) { snprintf(buf, len, "%s", log_level_name(c->log_level)); }
GET(prometheus_textfile) { snprintf(buf, len, "%s", c->prometheus_textfile); }
GET(policy) { snprintf(buf, len, "%s", policy_name(l->policy)); }
GET(weight) { snprintf(buf, len, "%u", l->weight); }
/* Keys that do not apply to the layer's policy have no value. */
GET(slice_us)
{
	if (l->policy == SCXD_POLICY_AUTO)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%llu", (unsigned long long)l->slice_ns / 1000);
}
GET(auto_latency_run_us)
{
	if (l->policy == SCXD_POLICY_AUTO)
		snprintf(buf, len, "%llu", (unsigned long long)l->auto_run_ns / 1000);
	else
		buf[0] = '\0';
}
GET(auto_min_wakeups)
{
	if (l->policy == SCXD_POLICY_AUTO)
		snprintf(buf, len, "%u", l->auto_wakeups);
	else
		buf[0] = '\0';
}
GET(kind) { snprintf(buf, len, "%s", l->kind == SCXD_KIND_CONFINED ? "confined" : "open"); }
GET(llcs) { format_llcs(l->llcs, buf, len); }
GET(cpus) { format_cpus(l, buf, len); }
GET(preempt) { snprintf(buf, len, "%s", l->preempt ? "yes" : "no"); }
GET(users) { snprintf(buf, len, "%s", l->users ? "yes" : "no"); }
#define get_before NULL
#define get_match NULL
#undef GET

static const struct key {
	const char *name;
	enum section sec;
	bool repeatable;
	int (*set)(struct parser *p, const char *value);
	void (*get)(const struct scxd_config *c, const struct scxd_layer *l, char *buf, size_t len);
} keys[] = {
#define KEY(sec, name, repeatable)	{ #name, SEC_##sec, repeatable, set_##name, get_##name }
	KEY(GLOBAL, role, false), KEY(GLOBAL, socket, false),
	KEY(GLOBAL, socket_group, false), KEY(GLOBAL, log_level, false),
	KEY(GLOBAL, prometheus_textfile, false),
	KEY(LAYER, policy, false), KEY(LAYER, weight, false), KEY(LAYER, slice_us, false),
	KEY(LAYER, kind, false), KEY(LAYER, llcs, false), KEY(LAYER, cpus, false),
	KEY(LAYER, preempt, false), KEY(LAYER, users, false), KEY(LAYER, before, false),
	KEY(LAYER, match, true), KEY(LAYER, auto_latency_run_us, false),
	KEY(LAYER, auto_min_wakeups, false),
#undef KEY
};

/* inih's handler: one key = value line of the current section. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	unsigned i;

	if (p->failed)
		return 0;
	if (p->sec == SEC_NONE)
		return parse_fail(p, "'%s' outside of any section", name);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].sec == p->sec && !strcmp(keys[i].name, name))
			break;
	if (i == sizeof(keys) / sizeof(keys[0]))
		return parse_fail(p, "unknown key '%s' in %s", name, p->sec_label);
	if (!keys[i].repeatable && (p->seen & 1u << i))
		return parse_fail(p, "'%s' set twice in %s", name, p->sec_label);
	p->seen |= 1u << i;
	if (!keys[i].set(p, value))
		return 0;
	if (p->sink && p->sink->key(p->sink->data, name, value, p->line) < 0)
		return sink_fail(p);
	return 1;
}

/*
 * Defaults and checks that depend on several keys of a section, which may
 * come in any order: run when the section ends, at the next section header
 * or at the end of the file. Without a policy there is nothing to resolve
 * against; finish() reports that at the section header.
 */
/* A key at @line that does not fit the rest of the section: the first
 * in the file is reported. */
struct misfit {
	unsigned line;
	char msg[160];
};

static void __attribute__((format(printf, 3, 4)))
misfit(struct misfit *m, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (!line || (m->line && m->line < line))
		return;
	m->line = line;
	va_start(ap, fmt);
	vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
	va_end(ap);
}

static int close_layer(struct parser *p)
{
	struct scxd_layer *l = cur_layer(p);
	struct layer_state *ls = cur_state(p);
	bool automatic = l->policy == SCXD_POLICY_AUTO;
	struct misfit m = {0};

	if (!ls->has_policy)
		return 1;
	/* An auto layer's latency class preempts, like a latency layer. */
	if (!ls->preempt_line)
		l->preempt = l->policy != SCXD_POLICY_THROUGHPUT;
	else if (l->preempt && l->policy == SCXD_POLICY_THROUGHPUT)
		misfit(&m, ls->preempt_line, "preempt is only for latency and auto layers");
	if (automatic) {
		l->slice_ns = 0;
		misfit(&m, ls->slice_line, "slice_us does not apply to an auto layer: a task gets "
		       "the slice of the class it is served as (%u us as latency, %u us as "
		       "throughput)", default_slice_us[SCXD_POLICY_LATENCY],
		       default_slice_us[SCXD_POLICY_THROUGHPUT]);
		if (!ls->has_auto_run)
			l->auto_run_ns = AUTO_RUN_US_DEFAULT * 1000ULL;
		if (!ls->has_auto_wakeups)
			l->auto_wakeups = AUTO_WAKEUPS_DEFAULT;
	} else {
		if (!ls->slice_line)
			l->slice_ns = default_slice_us[l->policy] * 1000ULL;
		l->auto_run_ns = 0;
		l->auto_wakeups = 0;
		misfit(&m, ls->auto_line, "auto_latency_run_us and auto_min_wakeups are only for "
		       "auto layers");
	}
	/* A confined layer runs nowhere else: without a CPU it would stall. */
	if (!ls->cpus_line)
		l->cpus_min = l->kind == SCXD_KIND_CONFINED ? 1 : 0;
	else if (l->kind == SCXD_KIND_CONFINED && !l->cpus_min)
		misfit(&m, ls->cpus_line,
		       "cpus minimum must be at least 1 for a confined layer, not '%s'",
		       ls->cpus_text);
	if (m.line)
		return parse_fail_at(p, m.line, "%s", m.msg);
	return 1;
}

static int open_global(struct parser *p)
{
	if (p->global_line)
		return parse_fail(p, "duplicate section [scxd] (first at line %u)", p->global_line);
	p->global_line = p->line;
	p->sec = SEC_GLOBAL;
	snprintf(p->sec_label, sizeof(p->sec_label), "[scxd]");
	if (p->sink && p->sink->section(p->sink->data, NULL, p->line) < 0)
		return sink_fail(p);
	return 1;
}

/* A layer's stable id (struct scxd_layer.id): FNV-1a of its name. */
static u32 layer_id(const char *name)
{
	u32 h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h ? h : 1;
}

static int open_layer(struct parser *p, const char *name, size_t n)
{
	struct scxd_config *c = p->c;
	char buf[SCXD_NAME_LEN] = "";
	struct scxd_layer *l;
	int dup;

	if (n >= SCXD_NAME_LEN)
		return parse_fail(p, "layer name '%.*s' longer than %d characters",
			    (int)n, name, SCXD_NAME_LEN - 1);
	if (!config_name_valid(name, n, SCXD_NAME_LEN))
		return parse_fail(p, "invalid layer name '%.*s' (use A-Z a-z 0-9 _ . -)",
			    (int)n, name);
	if (c->nr_layers == SCXD_MAX_LAYERS)
		return parse_fail(p, "more than %d layers", SCXD_MAX_LAYERS);

	memcpy(buf, name, n);
	dup = config_layer_find(c, buf);
	if (dup >= 0)
		return parse_fail(p, "duplicate layer '%s' (first at line %u)", buf,
			    p->layers[dup].line);

	l = &c->layers[c->nr_layers];
	memcpy(l->name, buf, sizeof(l->name));
	l->weight = DEFAULT_WEIGHT;
	l->id = layer_id(l->name);
	for (u32 i = 0; i < c->nr_layers; i++)
		if (c->layers[i].id == l->id)
			return parse_fail(p, "layer names '%s' and '%s' have the same id; rename one",
				    c->layers[i].name, l->name);
	p->layers[c->nr_layers].line = p->line;
	c->nr_layers++;
	p->sec = SEC_LAYER;
	snprintf(p->sec_label, sizeof(p->sec_label), "[" LAYER_PREFIX "%s]", l->name);
	if (p->sink && p->sink->section(p->sink->data, l->name, p->line) < 0)
		return sink_fail(p);
	return 1;
}

/*
 * A "[NAME]" line. Stricter than inih, which ignores anything after ']':
 * whatever we accept, inih reads as the same section.
 */
static int open_section(struct parser *p, const char *line)
{
	const char *end = strchr(line, ']'), *rest, *name = line + 1;
	size_t n, plen = strlen(LAYER_PREFIX);

	/* The previous section's mistakes come first in the file. */
	if (p->sec == SEC_LAYER && !close_layer(p))
		return 0;
	if (!end)
		return parse_fail(p, "missing ']' in section header");
	for (rest = end + 1; isspace((unsigned char)*rest); rest++)
		;
	if (*rest && *rest != ';' && *rest != '#')
		return parse_fail(p, "unexpected text after ']'");

	p->seen = 0;
	n = end - name;
	if (n == 4 && !memcmp(name, "scxd", 4))
		return open_global(p);
	if (n >= plen && !memcmp(name, LAYER_PREFIX, plen))
		return open_layer(p, name + plen, n - plen);
	return parse_fail(p, "unknown section [%.*s]", (int)n, name);
}

/* inih's reader: see the comment at the top of the file. */
static char *read_line(char *buf, int size, void *stream)
{
	struct parser *p = stream;
	const char *s = p->pos, *end;
	size_t n;

	if (p->failed || !*s)
		return NULL;
	end = strchrnul(s, '\n');
	p->pos = *end ? end + 1 : end;
	p->line++;
	n = end - s;
	if (p->line == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, n -= 3;

	/* What fgets() would return whole: the line, '\n' and NUL. */
	if (size < 2 || n > (size_t)size - 2) {
		parse_fail(p, "line longer than %d characters", size - 2);
		return NULL;
	}
	while (n && isspace((unsigned char)*s))
		s++, n--;
	memcpy(buf, s, n);
	buf[n] = '\n';
	buf[n + 1] = '\0';

	if (buf[0] == '[' && !open_section(p, buf))
		return NULL;
	return buf;
}

/* Whole-config rules, checked once every line is read. */
static int finish(struct parser *p)
{
	struct scxd_config *c = p->c;
	struct layer_state *ls;
	struct scxd_layer *l;
	u32 i, last;

	if (!c->nr_layers)
		return parse_fail_at(p, 0, "no layers: at least one [" LAYER_PREFIX "NAME] section is needed");
	if (p->sec == SEC_LAYER && !close_layer(p))
		return 0;
	last = c->nr_layers - 1;
	for (i = 0; i < c->nr_layers; i++) {
		l = &c->layers[i];
		ls = &p->layers[i];
		if (!ls->has_policy)
			return parse_fail_at(p, ls->line, "layer '%s' has no policy", l->name);
		if (!ls->nr_rules && i != last)
			return parse_fail_at(p, ls->line, "layer '%s' has no match line", l->name);
	}
	/* Otherwise some task would belong to no layer at all. */
	if (!p->layers[last].catch_all)
		return parse_fail_at(p, p->layers[last].line,
			       "the last layer '%s' has no 'match = *'", c->layers[last].name);
	/* The scheduler holds an auto layer as two layers, one per class. */
	if (config_bpf_layers(c, NULL) > SCXD_MAX_LAYERS) {
		for (i = last; c->layers[i].policy != SCXD_POLICY_AUTO; i--)
			;
		return parse_fail_at(p, p->layers[i].line, "%u layers, %u of them auto, are more "
				     "than the scheduler's %d: an auto layer counts twice",
				     c->nr_layers, config_bpf_layers(c, NULL) - c->nr_layers,
				     SCXD_MAX_LAYERS);
	}
	return 1;
}

static void set_defaults(struct scxd_config *c, const char *name)
{
	snprintf(c->source, sizeof(c->source), "%s", name);
	strcpy(c->role, DEFAULT_ROLE);
	strcpy(c->socket_path, SCXD_SOCKET_PATH);
	strcpy(c->socket_group, SCXD_ADMIN_GROUP);
	c->log_level = LOG_INFO;
}

/*
 * Parse @text into *c (NULL: a part, checked line by line and told to
 * @sink, not as a whole). -EINVAL with *err filled, -ENOMEM.
 */
static int parse(struct scxd_config *c, const struct config_sink *sink, const char *text,
		 const char *name, struct config_error *err)
{
	struct parser *p;
	int r;

	/* Both are too large for the stack of a daemon thread. */
	p = calloc(1, sizeof(*p));
	if (p)
		p->c = calloc(1, sizeof(*p->c));
	if (!p || !p->c) {
		free(p);
		error_fill(err, name, 0, "out of memory");
		return -ENOMEM;
	}
	p->err = err;
	p->name = name;
	p->pos = text;
	p->sink = sink;
	set_defaults(p->c, name);

	r = ini_parse_stream(read_line, p, on_key, p);
	if (r < 0) {
		parse_fail_at(p, 0, "out of memory");
	} else if (r > 0 && (!p->failed || (unsigned)r < err->line)) {
		/* A line inih itself could not read: it only calls us for keys. */
		p->failed = false;
		parse_fail_at(p, r, "expected '[section]', 'key = value' or a comment");
	}
	if (!p->failed && !sink)
		finish(p);
	else if (!p->failed && p->sec == SEC_LAYER)
		close_layer(p);

	r = !p->failed ? 0 : r < 0 || p->oom ? -ENOMEM : -EINVAL;
	if (!r && c)
		memcpy(c, p->c, sizeof(*c));
	free(p->c);
	free(p);
	return r;
}

int config_load_string(struct scxd_config *c, const char *text, const char *name,
		       struct config_error *err)
{
	struct config_error dummy;

	if (!err)
		err = &dummy;
	if (!name)
		name = "(string)";
	if (!c || !text) {
		error_fill(err, name, 0, "no configuration");
		return -EINVAL;
	}
	return parse(c, NULL, text, name, err);
}

int config_parse_part(const char *text, const char *name, const struct config_sink *sink,
		      struct config_error *err)
{
	return parse(NULL, sink, text, name, err);
}

int config_read_file(const char *path, char **text, struct config_error *err)
{
	size_t len = 0;
	int r;

	*text = NULL;
	r = file_read_text(path, CONFIG_MAX_SIZE, text, &len);
	if (r == -EFBIG) {
		error_fill(err, path, 0, "larger than %d bytes", CONFIG_MAX_SIZE);
		return r;
	}
	if (r == -EINVAL) {
		error_fill(err, path, 0, "not a regular file");
		return r;
	}
	if (r < 0) {
		errno = -r;
		error_fill(err, path, 0, "%m");
		return r;
	}
	if (strlen(*text) != len) {
		error_fill(err, path, 0, "contains a NUL byte: not a text file");
		free(*text);
		*text = NULL;
		return -EINVAL;
	}
	return 0;
}

int config_load_file(struct scxd_config *c, const char *path, struct config_error *err)
{
	struct config_error dummy;
	char *text;
	int r;

	if (!err)
		err = &dummy;
	if (!path) {
		error_fill(err, "(null)", 0, "no file name");
		return -EINVAL;
	}
	r = config_read_file(path, &text, err);
	if (r < 0)
		return r;
	r = config_load_string(c, text, path, err);
	free(text);
	return r;
}

const char *config_builtin_text(void)
{
	return builtin_config;
}

int config_load_default(struct scxd_config *c)
{
	return config_load_string(c, builtin_config, BUILTIN_NAME, NULL);
}

/* ---- canonical text ---- */

static const char *log_level_name(int level)
{
	size_t i;

	for (i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
		if (log_levels[i].level == level)
			return log_levels[i].name;
	return "info";
}

/* "auto", or "0,2-3" for the set bits of @mask. */
static void format_llcs(u64 mask, char *buf, size_t len)
{
	if (!mask)
		snprintf(buf, len, "auto");
	else
		cpulist_format(&mask, SCXD_MAX_LLCS, buf, len);
}

/* "MIN-MAX", or "MIN-all" without an upper bound. */
static void format_cpus(const struct scxd_layer *l, char *buf, size_t len)
{
	if (l->cpus_max)
		snprintf(buf, len, "%u-%u", l->cpus_min, l->cpus_max);
	else
		snprintf(buf, len, "%u-all", l->cpus_min);
}

/* Only what differs from the parser's defaults (see close_layer()). */
static void format_layer(FILE *f, const struct scxd_config *c, u32 i)
{
	const struct scxd_layer *l = &c->layers[i];
	bool preempt = l->policy != SCXD_POLICY_THROUGHPUT;
	u32 cpus_min = l->kind == SCXD_KIND_CONFINED ? 1 : 0, r;

	fprintf(f, "\n[" LAYER_PREFIX "%s]\npolicy = %s\n", l->name, policy_name(l->policy));
	if (l->weight != DEFAULT_WEIGHT)
		fprintf(f, "weight = %u\n", l->weight);
	if (l->policy == SCXD_POLICY_AUTO) {
		if (l->auto_run_ns != AUTO_RUN_US_DEFAULT * 1000ULL)
			fprintf(f, "auto_latency_run_us = %llu\n",
				(unsigned long long)(l->auto_run_ns / 1000));
		if (l->auto_wakeups != AUTO_WAKEUPS_DEFAULT)
			fprintf(f, "auto_min_wakeups = %u\n", l->auto_wakeups);
	} else if (l->slice_ns != default_slice_us[l->policy] * 1000ULL) {
		fprintf(f, "slice_us = %llu\n", (unsigned long long)(l->slice_ns / 1000));
	}
	if (l->kind == SCXD_KIND_CONFINED)
		fprintf(f, "kind = confined\n");
	if (l->llcs) {
		char llcs[CPULIST_LEN];

		format_llcs(l->llcs, llcs, sizeof(llcs));
		fprintf(f, "llcs = %s\n", llcs);
	}
	if (l->cpus_max || l->cpus_min != cpus_min)
		fprintf(f, "cpus = %u-%u\n", l->cpus_min, l->cpus_max);
	if (!!l->preempt != preempt)
		fprintf(f, "preempt = %s\n", l->preempt ? "yes" : "no");
	if (l->users)
		fprintf(f, "users = yes\n");
	for (r = 0; r < c->nr_rules; r++)
		if (c->rules[r].layer == i)
			fprintf(f, "match = %s\n", c->rule_text[r]);
}

char *config_format(const struct scxd_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	u32 i;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "[scxd]\nrole = %s\nsocket = %s\nsocket_group = %s\nlog_level = %s\n",
		c->role, c->socket_path, c->socket_group, log_level_name(c->log_level));
	if (c->prometheus_textfile[0])
		fprintf(f, "prometheus_textfile = %s\n", c->prometheus_textfile);
	for (i = 0; i < c->nr_layers && i < SCXD_MAX_LAYERS; i++)
		format_layer(f, c, i);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

void config_describe(const struct scxd_config *c, FILE *f)
{
	fprintf(f, "%s: %u layers, %u rules\n", c->source, c->nr_layers, c->nr_rules);
	for (u32 i = 0; i < c->nr_layers; i++) {
		const struct scxd_layer *l = &c->layers[i];
		char cpus[32], llcs[CPULIST_LEN];

		format_cpus(l, cpus, sizeof(cpus));
		format_llcs(l->llcs, llcs, sizeof(llcs));
		char slice[96];

		if (l->policy == SCXD_POLICY_AUTO)
			snprintf(slice, sizeof(slice), "auto_latency_run_us=%llu auto_min_wakeups=%u",
				 (unsigned long long)l->auto_run_ns / 1000, l->auto_wakeups);
		else
			snprintf(slice, sizeof(slice), "slice_us=%llu",
				 (unsigned long long)l->slice_ns / 1000);
		fprintf(f, "  %-16s %-10s weight=%u %s kind=%s preempt=%s cpus=%s llcs=%s users=%s\n",
			l->name, policy_name(l->policy), l->weight, slice,
			l->kind == SCXD_KIND_CONFINED ? "confined" : "open",
			l->preempt ? "yes" : "no", cpus, llcs, l->users ? "yes" : "no");
		for (u32 j = 0; j < c->nr_rules; j++)
			if (c->rules[j].layer == i)
				fprintf(f, "      match = %s\n", c->rule_text[j]);
	}
}

void config_walk(const struct scxd_config *c, config_walk_fn *fn, void *data)
{
	char buf[CPULIST_LEN > 256 ? CPULIST_LEN : 256];
	size_t k;
	u32 i, r, n;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (keys[k].sec != SEC_GLOBAL)
			continue;
		keys[k].get(c, NULL, buf, sizeof(buf));
		fn(data, -1, keys[k].name, 0, buf);
	}
	for (i = 0; i < c->nr_layers; i++) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (keys[k].sec == SEC_LAYER && keys[k].get) {
				keys[k].get(c, &c->layers[i], buf, sizeof(buf));
				fn(data, i, keys[k].name, 0, buf);
			}
		for (r = 0, n = 0; r < c->nr_rules; r++)
			if (c->rules[r].layer == i)
				fn(data, i, "match", n++, c->rule_text[r]);
	}
}
