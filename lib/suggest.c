// SPDX-License-Identifier: GPL-2.0
/* suggest.c - scxctl suggest's judgement and grouping; see suggest.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rule.h"
#include "suggest.h"

#define CATCH_ALL	"default"

int suggest_observe(const struct proto_processes *before, const struct proto_processes *after,
		    double secs, struct suggest_proc **out, size_t *n)
{
	struct suggest_proc *s = calloc(after->nr_processes ? after->nr_processes : 1, sizeof(*s));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!s)
		return -ENOMEM;
	for (uint32_t i = 0; i < after->nr_processes && i < PROTO_MAX_PROCESSES; i++) {
		const struct proto_process *a = &after->processes[i], *b = NULL;
		struct suggest_proc *x = &s[k];

		if (a->kthread)
			continue;
		for (uint32_t j = 0; j < before->nr_processes && j < PROTO_MAX_PROCESSES; j++)
			if (before->processes[j].pid == a->pid &&
			    !strcmp(before->processes[j].comm, a->comm)) {
				b = &before->processes[j];
				break;
			}
		x->p = *a;
		/* Threads that exited take their counts along: never below 0. */
#define DELTA(f) (b && b->f <= a->f ? a->f - b->f : b ? 0 : a->f)
		x->p.wakeups = DELTA(wakeups);
		x->p.cpu_ns = DELTA(cpu_ns);
		x->p.runs = DELTA(runs);
		x->p.short_runs = DELTA(short_runs);
#undef DELTA
		if (x->p.short_runs > x->p.runs)
			x->p.short_runs = x->p.runs;
		x->wakeups_per_s = secs > 0 ? x->p.wakeups / secs : 0;
		x->cpus = secs > 0 ? x->p.cpu_ns / (secs * 1e9) : 0;
		x->short_frac = x->p.runs ? (double)x->p.short_runs / x->p.runs : 0;
		x->kind = suggest_judge(x);
		k++;
	}
	*out = s;
	*n = k;
	return 0;
}

enum suggest_kind suggest_judge(const struct suggest_proc *s)
{
	if (s->cpus < SUGGEST_IDLE_CPUS && s->wakeups_per_s < 1)
		return SUGGEST_IDLE;
	if (s->wakeups_per_s >= AUTO_WAKEUPS_DEFAULT && s->short_frac >= SUGGEST_LATENCY_SHORT)
		return SUGGEST_LATENCY;
	if (s->cpus >= SUGGEST_BUSY_CPUS && s->short_frac < SUGGEST_THROUGHPUT_SHORT)
		return SUGGEST_THROUGHPUT;
	return SUGGEST_MIXED;
}

/* ---- groups ---- */

struct group {
	enum suggest_kind	kind;
	char			name[SCXD_NAME_LEN];
	char			match[SUGGEST_MAX_MATCHES][256];
	unsigned		nr_match;
	bool			*member;	/* [n]: the processes its matches take */
	unsigned		procs, left_out;
	double			cpus, wakeups;
	uint64_t		runs, short_runs;
	char			comms[160];	/* "a, b, c" */
};

static bool active(const struct suggest_proc *s)
{
	return s->kind != SUGGEST_IDLE;
}

static bool under(const char *path, const char *cg)
{
	return path[0] && scxd_cgroup_under(path, cg, strlen(cg));
}

/* The canonical text of "KEY=VALUE", if that rule says exactly that. */
static bool rule_text(u8 key, const char *value, char *buf, size_t len)
{
	struct scxd_rule r = { .nr_conds = 1 }, back;
	char err[128];
	size_t n = strlen(value);

	if (!n || n >= sizeof(r.conds[0].str))
		return false;
	r.conds[0].key = key;
	r.conds[0].op = SCXD_OP_EQ;
	r.conds[0].len = n;
	memcpy(r.conds[0].str, value, n);
	if (rule_format(&r, buf, len) < 0 || rule_parse(buf, &back, err, sizeof(err)) < 0)
		return false;
	return back.nr_conds == 1 && back.conds[0].key == key && back.conds[0].op == SCXD_OP_EQ &&
	       back.conds[0].len == n && !memcmp(back.conds[0].str, value, n);
}

/* Would a rule on cgroup @cg take only processes of @kind (or idle ones)? */
static bool cgroup_is_kinds(const struct suggest_proc *s, size_t n, const char *cg,
			    enum suggest_kind kind, unsigned *members)
{
	*members = 0;
	if (!cg[0] || !strcmp(cg, "/"))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!under(s[i].p.cgroup, cg))
			continue;
		if (s[i].kind == kind)
			(*members)++;
		else if (active(&s[i]))
			return false;
	}
	return true;
}

/* Would a rule on pcomm @comm take only processes of @kind (or idle ones)? */
static bool comm_is_kinds(const struct suggest_proc *s, size_t n, const char *comm,
			  enum suggest_kind kind)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s[i].p.comm, comm) && s[i].kind != kind && active(&s[i]))
			return false;
	return true;
}

static int by_weight(const void *a, const void *b, void *arg)
{
	const struct suggest_proc *s = arg;
	const struct suggest_proc *x = &s[*(const size_t *)a], *y = &s[*(const size_t *)b];

	if (x->cpus != y->cpus)
		return x->cpus < y->cpus ? 1 : -1;
	if (x->wakeups_per_s != y->wakeups_per_s)
		return x->wakeups_per_s < y->wakeups_per_s ? 1 : -1;
	return x->p.pid - y->p.pid;
}

/* Take every process of @kind that @match ("KEY=VALUE" of @key) holds. */
static void take(struct group *g, const struct suggest_proc *s, size_t n, u8 key,
		 const char *value)
{
	for (size_t i = 0; i < n; i++) {
		bool hit = key == SCXD_KEY_CGROUP ? under(s[i].p.cgroup, value) :
			   !strcmp(s[i].p.comm, value);

		if (hit && s[i].kind == g->kind && !g->member[i])
			g->member[i] = true;
	}
}

static void name_from(char *name, size_t len, const char *value, unsigned more)
{
	const char *leaf = strrchr(value, '/');
	char base[21];
	size_t k = 0;

	for (const char *c = leaf ? leaf + 1 : value; *c && k < sizeof(base) - 1; c++)
		base[k++] = (isalnum((unsigned char)*c) || *c == '_' || *c == '.' || *c == '-') ? *c : '-';
	base[k] = '\0';
	if (!k)
		snprintf(base, sizeof(base), "group");
	if (more)
		snprintf(name, len, "%s-and-%u", base, more);
	else
		snprintf(name, len, "%s", base);
}

static int build(struct group *g, const struct suggest_proc *s, size_t n, enum suggest_kind kind)
{
	size_t *order = calloc(n ? n : 1, sizeof(*order)), k = 0;
	char first[SCXD_PATH_LEN] = "";

	memset(g, 0, sizeof(*g));
	g->kind = kind;
	g->member = calloc(n ? n : 1, sizeof(*g->member));
	if (!order || !g->member) {
		free(order);
		free(g->member);
		g->member = NULL;
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i].kind == kind)
			order[k++] = i;
	qsort_r(order, k, sizeof(*order), by_weight, (void *)s);
	for (size_t o = 0; o < k; o++) {
		const struct suggest_proc *x = &s[order[o]];
		char *line = g->match[g->nr_match];
		unsigned members;
		bool shared;

		if (g->member[order[o]])
			continue;
		if (g->nr_match == SUGGEST_MAX_MATCHES) {
			g->left_out++;
			continue;
		}
		shared = cgroup_is_kinds(s, n, x->p.cgroup, kind, &members);
		if (shared && members >= 2 && rule_text(SCXD_KEY_CGROUP, x->p.cgroup, line, 256)) {
			take(g, s, n, SCXD_KEY_CGROUP, x->p.cgroup);
		} else if (comm_is_kinds(s, n, x->p.comm, kind) &&
			   rule_text(SCXD_KEY_PCOMM, x->p.comm, line, 256)) {
			take(g, s, n, SCXD_KEY_PCOMM, x->p.comm);
		} else if (shared && rule_text(SCXD_KEY_CGROUP, x->p.cgroup, line, 256)) {
			take(g, s, n, SCXD_KEY_CGROUP, x->p.cgroup);
		} else {
			g->left_out++;	/* nothing names it alone */
			continue;
		}
		if (!g->nr_match++)
			snprintf(first, sizeof(first), "%s", strchr(line, '=') + 1);
	}
	for (size_t i = 0; i < n; i++) {
		if (!g->member[i])
			continue;
		g->procs++;
		g->cpus += s[i].cpus;
		g->wakeups += s[i].wakeups_per_s;
		g->runs += s[i].p.runs;
		g->short_runs += s[i].p.short_runs;
		if (!strstr(g->comms, s[i].p.comm) && strlen(g->comms) + strlen(s[i].p.comm) + 8 <
		    sizeof(g->comms))
			snprintf(g->comms + strlen(g->comms), sizeof(g->comms) - strlen(g->comms),
				 "%s%s", g->comms[0] ? ", " : "", s[i].p.comm);
	}
	name_from(g->name, sizeof(g->name), first, g->nr_match > 1 ? g->nr_match - 1 : 0);
	free(order);
	return 0;
}

static void groups_free(struct group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(g[i].member);
}

static const char *kind_policy(enum suggest_kind k)
{
	return k == SUGGEST_LATENCY ? "latency" : "throughput";
}

/* Both groups, named apart from each other and from the catch-all. */
static int build_both(struct group g[2], const struct suggest_proc *s, size_t n)
{
	if (build(&g[0], s, n, SUGGEST_LATENCY) < 0 || build(&g[1], s, n, SUGGEST_THROUGHPUT) < 0) {
		groups_free(g, 2);
		return -ENOMEM;
	}
	/* A name taken already: the policy's. */
	for (int i = 0; i < 2; i++)
		if (!strcmp(g[i].name, CATCH_ALL) || (i && !strcmp(g[0].name, g[1].name)))
			snprintf(g[i].name, sizeof(g[i].name), "%s", kind_policy(g[i].kind));
	return 0;
}

/* "; 3 processes (a, b, c): 92% of runs under 2 ms, 240 wakeups/s, 0.05 CPUs" */
static void evidence(FILE *f, const char *prefix, const struct group *g)
{
	fprintf(f, "%s; %u process%s (%s): ", prefix, g->procs, g->procs == 1 ? "" : "es", g->comms);
	if (g->runs)
		fprintf(f, "%.0f%% of runs under %llu us, ",
			100.0 * g->short_runs / g->runs, SCXD_SHORT_RUN_NS / 1000);
	else
		fprintf(f, "no run ended in a sleep, ");
	fprintf(f, "%.0f wakeups/s, %.2f CPUs\n", g->wakeups, g->cpus);
	if (g->left_out)
		fprintf(f, "%s; %u more like them left to the catch-all (no rule names them alone)\n",
			prefix, g->left_out);
}

/* The groups of @s, and a text to write about them. */
struct writer {
	struct group	g[2];
	FILE		*f;
	char		*buf;
	size_t		len;
};

static int writer_open(struct writer *w, const struct suggest_proc *s, size_t n)
{
	memset(w, 0, sizeof(*w));
	if (build_both(w->g, s, n) < 0)
		return -ENOMEM;
	w->f = open_memstream(&w->buf, &w->len);
	if (!w->f) {
		groups_free(w->g, 2);
		return -ENOMEM;
	}
	return 0;
}

/* The text written (malloc()ed), or NULL on ENOMEM. */
static char *writer_done(struct writer *w)
{
	groups_free(w->g, 2);
	if (fclose(w->f)) {
		free(w->buf);
		return NULL;
	}
	return w->buf;
}

/* Group @g's policy and match lines, each after @pre: "" in an INI file,
 * "+ [layer.NAME] " in a diff. */
static void layer_lines(FILE *f, const char *pre, const struct group *g)
{
	fprintf(f, "%spolicy = %s\n", pre, kind_policy(g->kind));
	for (unsigned m = 0; m < g->nr_match; m++)
		fprintf(f, "%smatch = %s\n", pre, g->match[m]);
}

char *suggest_ini(const struct suggest_proc *s, size_t n, double secs, const char *header)
{
	unsigned idle = 0, mixed = 0;
	struct writer w;
	struct group *g = w.g;
	FILE *f;

	if (writer_open(&w, s, n) < 0)
		return NULL;
	f = w.f;
	for (const char *h = header; h && *h;) {
		const char *nl = strchrnul(h, '\n');

		fprintf(f, "; %.*s\n", (int)(nl - h), h);
		h = *nl ? nl + 1 : nl;
	}
	fprintf(f, "[scxd]\nrole = suggested\n");
	for (int i = 0; i < 2; i++) {
		if (!g[i].nr_match)
			continue;
		fprintf(f, "\n[layer.%s]\n", g[i].name);
		evidence(f, "", &g[i]);
		layer_lines(f, "", &g[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (g[0].member[i] || g[1].member[i])
			continue;
		idle += s[i].kind == SUGGEST_IDLE;
		mixed += s[i].kind != SUGGEST_IDLE;
	}
	fprintf(f, "\n[layer.%s]\n; everything else: %u process%s that ran in %.0f s, %u idle; "
		"auto serves each thread as it behaves\npolicy = auto\nmatch = *\n", CATCH_ALL,
		mixed, mixed == 1 ? "" : "es", secs, idle);
	return writer_done(&w);
}

/* The facts a rule sees of process @p's leader. */
static void facts_of(const struct proto_process *p, struct scxd_task_facts *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->comm, sizeof(f->comm), "%s", p->comm);
	snprintf(f->pcomm, sizeof(f->pcomm), "%s", p->comm);
	snprintf(f->cgroup, sizeof(f->cgroup), "%s", p->cgroup[0] ? p->cgroup : "/");
	f->uid = p->uid;
	f->gid = p->gid;
	f->nice = p->nice;
	f->pid = f->tgid = p->pid;
	f->ppid = p->ppid;
	f->leader = 1;
}

/* The layer @c puts @p's leader in. */
static u32 layer_in(const struct scxd_config *c, const struct proto_process *p)
{
	struct scxd_task_facts f;

	facts_of(p, &f);
	for (u32 r = 0; r < c->nr_rules; r++)
		if (scxd_rule_match(&c->rules[r], &f))
			return c->rules[r].layer;
	return c->nr_layers - 1;
}

char *suggest_diff(const struct suggest_proc *s, size_t n, double secs,
		   const struct scxd_config *role)
{
	struct writer w;
	struct group *g = w.g;
	FILE *f;

	if (writer_open(&w, s, n) < 0)
		return NULL;
	f = w.f;
	for (int i = 0; i < 2; i++) {
		char where[256] = "", pre[SCXD_NAME_LEN + 16];
		bool off = false;

		for (size_t k = 0; k < n; k++) {
			const struct scxd_layer *l;

			if (!g[i].member[k])
				continue;
			l = &role->layers[layer_in(role, &s[k].p)];
			/* An auto layer serves each as it behaves. */
			if (l->policy == SCXD_POLICY_AUTO || !strcmp(policy_name(l->policy),
								     kind_policy(g[i].kind)))
				continue;
			off = true;
			if (!strstr(where, l->name) && strlen(where) + strlen(l->name) + 40 < sizeof(where))
				snprintf(where + strlen(where), sizeof(where) - strlen(where), "%s%s (%s)",
					 where[0] ? ", " : "", l->name, policy_name(l->policy));
		}
		if (!off)
			continue;
		fprintf(f, "; %s now in %s; served as %s in the %.0f s observed\n",
			g[i].comms, where, kind_policy(g[i].kind), secs);
		evidence(f, "", &g[i]);
		snprintf(pre, sizeof(pre), "+ [layer.%s] ", g[i].name);
		fprintf(f, "%sbefore = %s\n", pre, role->layers[role->nr_layers - 1].name);
		layer_lines(f, pre, &g[i]);
	}
	return writer_done(&w);
}
