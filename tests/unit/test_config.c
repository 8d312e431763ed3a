/* test_config.c - the INI configuration: what loads, what is refused, and
 * that every refusal names the file and the exact line. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "test.h"

static char path[64];			/* the temp file of the last load_text() */
static struct config_error e;

/* Writes @text to a fresh file under /tmp; its name is left in path. */
static int write_tmp(const char *text, size_t len)
{
	int fd, ok;

	strcpy(path, "/tmp/scxd-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	ok = write(fd, text, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -EIO;
}

/* config_load_file() on a temp file holding @text. */
static int load_text(struct scxd_config *c, const char *text)
{
	int r;

	memset(&e, 0, sizeof(e));
	r = write_tmp(text, strlen(text));
	if (r)
		return r;
	r = config_load_file(c, path, &e);
	unlink(path);
	return r;
}

static struct scxd_config *new_config(void)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	return c;
}

/* Does @text fail to load with exactly "FILE:LINE: MSG" ("FILE: MSG" for line 0)? */
static int fails_with(const char *text, unsigned line, const char *msg)
{
	struct scxd_config *c = new_config();
	char want[700], got[700];
	int r, ok;

	r = load_text(c, text);
	if (line)
		snprintf(want, sizeof(want), "%s:%u: %s", path, line, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", path, msg);
	config_error_str(&e, got, sizeof(got));
	ok = r == -EINVAL && !strcmp(want, got) && e.line == line;
	if (!ok)
		printf("  returned %d, \"%s\"\n  expected -EINVAL, \"%s\"\n", r, got, want);
	free(c);
	return ok;
}

/* A text that must not load, the line its error names and the message. */
struct refusal {
	const char *text;
	unsigned line;
	const char *msg;
};

/* fails_with() for each of @n @cases; it prints the first that does not. */
static int refuses_all(const struct refusal *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!fails_with(cases[i].text, cases[i].line, cases[i].msg))
			return 0;
	return 1;
}

/*
 * fails_with() for each of the NULL-terminated @values, put for the "%s"
 * of @tmpl and of @msg: one key's bad values differ only in the value, so
 * the test lists just the values.
 */
static int refuses_values(const char *tmpl, unsigned line, const char *msg,
			  const char *const *values)
{
	char text[256], want[256];

	for (; *values; values++) {
		snprintf(text, sizeof(text), tmpl, *values);
		snprintf(want, sizeof(want), msg, *values);
		if (!fails_with(text, line, want)) {
			printf("  the value '%s'\n", *values);
			return 0;
		}
	}
	return 1;
}
#define each_refused(tmpl, line, msg, ...) \
	refuses_values(tmpl, line, msg, (const char *const[]){ __VA_ARGS__, NULL })

/*
 * The layers of @c, a line each with every field the parser sets, as
 * stored: llcs 0 is auto (all), a cpus maximum of 0 is no bound. One
 * CHECK_STR() of it says what differs in which layer.
 */
static const char *layers_of(const struct scxd_config *c)
{
	static char buf[SCXD_MAX_LAYERS * 128];
	size_t n = 0;
	u32 i;

	buf[0] = '\0';
	for (i = 0; i < c->nr_layers && i < SCXD_MAX_LAYERS && n < sizeof(buf); i++) {
		const struct scxd_layer *l = &c->layers[i];

		n += snprintf(buf + n, sizeof(buf) - n,
			      "%s %s weight=%u slice_ns=%llu %s llcs=%#llx cpus=%u-%u preempt=%u\n",
			      l->name,
			      l->policy == SCXD_POLICY_LATENCY ? "latency" :
			      l->policy == SCXD_POLICY_THROUGHPUT ? "throughput" : "policy?",
			      l->weight, (unsigned long long)l->slice_ns,
			      l->kind == SCXD_KIND_OPEN ? "open" :
			      l->kind == SCXD_KIND_CONFINED ? "confined" : "kind?",
			      (unsigned long long)l->llcs, l->cpus_min, l->cpus_max, l->preempt);
	}
	return buf;
}

/* A small valid configuration to build the error cases from. */
#define LAST_LAYER "[layer.default]\npolicy = throughput\nmatch = *\n"

static const char valid_ini[] =
	"; a comment\n"						/* 1 */
	"[scxd]\n"						/* 2 */
	"role = desktop\n"					/* 3 */
	"socket = /run/test/ctl.sock\n"				/* 4 */
	"socket_group = wheel\n"				/* 5 */
	"log_level = debug      ; inline comment\n"		/* 6 */
	"\n"							/* 7 */
	"[layer.gaming]\n"					/* 8 */
	"policy = latency\n"					/* 9 */
	"match = comm=wine*          ; repeatable\n"		/* 10 */
	"match = cgroup=/gaming.slice/ && nice<0\n"		/* 11 */
	"weight = 200\n"					/* 12 */
	"slice_us = 1500\n"					/* 13 */
	"\n"							/* 14 */
	"[layer.batch]\n"					/* 15 */
	"match = comm=cc1*\n"					/* 16 */
	"policy = throughput\n"					/* 17 */
	"match = comm=rustc\n"					/* 18 */
	"\n"							/* 19 */
	"[layer.lat2]\n"					/* 20 */
	"policy = latency\n"					/* 21 */
	"match = pcomm=Xorg\n"					/* 22 */
	"\n"							/* 23 */
	LAST_LAYER;

TEST(a_valid_file_gives_the_expected_settings_layers_and_rules)
{
	static const struct {
		const char *text;
		u32 layer;
	} rules[] = {
		{ "comm=wine*", 0 }, { "cgroup=/gaming.slice && nice<0", 0 },
		{ "comm=cc1*", 1 }, { "comm=rustc", 1 },
		{ "pcomm=Xorg", 2 },
		{ "*", 3 },
	};
	struct scxd_config *c = new_config();
	size_t i;

	CHECK_INT(load_text(c, valid_ini), 0);
	CHECK_STR(c->source, path);
	CHECK_STR(c->role, "desktop");
	CHECK_STR(c->socket_path, "/run/test/ctl.sock");
	CHECK_STR(c->socket_group, "wheel");
	CHECK_INT(c->log_level, LOG_DEBUG);

	CHECK_INT(c->nr_layers, 4);
	CHECK_STR(layers_of(c),
		"gaming latency weight=200 slice_ns=1500000 open llcs=0 cpus=0-0 preempt=1\n"
		"batch throughput weight=100 slice_ns=20000000 open llcs=0 cpus=0-0 preempt=0\n"
		"lat2 latency weight=100 slice_ns=2000000 open llcs=0 cpus=0-0 preempt=1\n"
		"default throughput weight=100 slice_ns=20000000 open llcs=0 cpus=0-0 preempt=0\n");

	/* in file order, as canonical text, each in the layer it is under */
	CHECK_INT(c->nr_rules, 6);
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		CHECK_STR(c->rule_text[i], rules[i].text);
		CHECK_INT(c->rules[i].layer, rules[i].layer);
	}
	CHECK_INT(c->rules[1].nr_conds, 2);
	CHECK_INT(c->rules[5].conds[0].key, SCXD_KEY_ALL);
	free(c);
}

TEST(omitted_settings_take_their_defaults)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c,
		"[layer.fast]\npolicy = latency\nmatch = nice<0\n"
		"[layer.slow]\npolicy = throughput\nmatch = *\n"), 0);
	CHECK_STR(c->role, "custom");
	CHECK_STR(c->socket_path, SCXD_SOCKET_PATH);
	CHECK_STR(c->socket_group, "scxd");
	CHECK_INT(c->log_level, LOG_INFO);
	CHECK_STR(c->prometheus_textfile, "");
	/* weight 100; a slice of 2 ms for latency, 20 ms for throughput */
	CHECK_STR(layers_of(c),
		"fast latency weight=100 slice_ns=2000000 open llcs=0 cpus=0-0 preempt=1\n"
		"slow throughput weight=100 slice_ns=20000000 open llcs=0 cpus=0-0 preempt=0\n");
	free(c);
}

TEST(the_slice_default_follows_a_policy_set_after_it)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, "[layer.a]\nmatch = *\npolicy = latency\n"), 0);
	CHECK_INT(c->layers[0].slice_ns, 2000 * 1000);
	free(c);
}

TEST(a_single_catch_all_layer_is_a_complete_configuration)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, LAST_LAYER), 0);
	CHECK_INT(c->nr_layers, 1);
	CHECK_INT(c->nr_rules, 1);
	free(c);
}

TEST(every_log_level_name_is_understood)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {
		{ "err", LOG_ERR }, { "warning", LOG_WARNING }, { "notice", LOG_NOTICE },
		{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
	};
	struct scxd_config *c = new_config();
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		snprintf(text, sizeof(text), "[scxd]\nlog_level = %s\n" LAST_LAYER,
			 levels[i].name);
		CHECK_INT(load_text(c, text), 0);
		CHECK_INT(c->log_level, levels[i].level);
	}
	free(c);
}

TEST(line_numbers_count_comments_blank_lines_crlf_and_a_bom)
{
	CHECK(fails_with("\xef\xbb\xbf; comment\r\n\r\n# other comment\r\n"
			 "[layer.a]\r\n  policy = fast\r\n", 5, "unknown policy 'fast' (latency, throughput or auto)"));
}

/* Placement: kind, llcs, cpus, preempt. */

TEST(placement_keys_fill_the_layer)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c,
		"[layer.game]\n"
		"policy = latency\n"
		"kind = confined\n"
		"llcs = 0,2-3\n"
		"cpus = 2-8\n"
		"preempt = no\n"
		"match = comm=game\n"
		"[layer.rest]\n"
		"policy = throughput\n"
		"kind = open\n"
		"llcs = auto\n"
		"cpus = 4\n"
		"preempt = no\n"
		"match = *\n"), 0);
	CHECK_STR(layers_of(c),
		"game latency weight=100 slice_ns=2000000 confined llcs=0xd cpus=2-8 preempt=0\n"
		"rest throughput weight=100 slice_ns=20000000 open llcs=0 cpus=4-4 preempt=0\n");
	free(c);
}

TEST(omitted_placement_keys_take_their_defaults)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c,
		"[layer.lat]\npolicy = latency\nmatch = nice<0\n"
		"[layer.conf]\npolicy = throughput\nkind = confined\nmatch = nice>0\n"
		"[layer.tput]\npolicy = throughput\nmatch = *\n"), 0);
	CHECK_STR(layers_of(c),
		/* open, all LLCs, no CPU bounds; latency preempts */
		"lat latency weight=100 slice_ns=2000000 open llcs=0 cpus=0-0 preempt=1\n"
		/* a confined layer is never left without a CPU */
		"conf throughput weight=100 slice_ns=20000000 confined llcs=0 cpus=1-0 preempt=0\n"
		"tput throughput weight=100 slice_ns=20000000 open llcs=0 cpus=0-0 preempt=0\n");
	free(c);
}

TEST(the_preempt_default_follows_the_policy_whatever_the_key_order)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, "[layer.a]\nmatch = comm=a\npolicy = latency\n"
			    "[layer.b]\nmatch = *\npolicy = throughput\n"), 0);
	CHECK_INT(c->layers[0].preempt, 1);
	CHECK_INT(c->layers[1].preempt, 0);
	/* set before the policy, kept */
	CHECK_INT(load_text(c, "[layer.a]\npreempt = no\npolicy = latency\nmatch = comm=a\n"
			    "[layer.b]\npreempt = yes\nmatch = *\npolicy = latency\n"), 0);
	CHECK_INT(c->layers[0].preempt, 0);
	CHECK_INT(c->layers[1].preempt, 1);
	free(c);
}

TEST(the_cpus_default_follows_a_kind_set_after_it)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, "[layer.a]\npolicy = throughput\nmatch = *\nkind = confined\n"), 0);
	CHECK_INT(c->layers[0].cpus_min, 1);
	CHECK_INT(c->layers[0].cpus_max, 0);
	free(c);
}

/* The llcs bitmap that @value loads as, or -1 if it does not load. */
static long long llcs_of(const char *value)
{
	struct scxd_config *c = new_config();
	char text[256];
	long long r;

	snprintf(text, sizeof(text), "[layer.a]\npolicy = latency\nllcs = %s\nmatch = *\n", value);
	r = load_text(c, text) ? -1 : (long long)c->layers[0].llcs;
	free(c);
	return r;
}

TEST(llcs_lists_and_ranges_become_a_bitmap_of_llc_indexes)
{
	CHECK_INT(llcs_of("auto"), 0);
	CHECK_INT(llcs_of("0"), 0x1);
	CHECK_INT(llcs_of("0,1"), 0x3);
	CHECK_INT(llcs_of("0-3"), 0xf);
	CHECK_INT(llcs_of("1,4-5,9"), 0x232);
	CHECK_INT(llcs_of("2, 3 - 4"), 0x1c);		/* blanks around , and - */
	CHECK_INT(llcs_of("3,3,1-3"), 0xe);		/* overlaps are merged */
	CHECK_INT(llcs_of("007"), 0x80);		/* decimal, like every number */
	CHECK_INT((unsigned long long)llcs_of("63"), 1ULL << 63);
	CHECK_INT(llcs_of("0-63"), -1);			/* every bit: ~0 */
}

TEST(cpus_is_a_count_or_a_min_max_range)
{
	struct scxd_config *c = new_config();
	static const struct {
		const char *value;
		u32 min, max;
	} ok[] = {
		{ "4", 4, 4 }, { "2-8", 2, 8 }, { "0-1", 0, 1 }, { "3 - 3", 3, 3 },
		{ "512", 512, 512 }, { "1-512", 1, 512 },
	};
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "[layer.a]\npolicy = latency\ncpus = %s\nmatch = *\n",
			 ok[i].value);
		CHECK_INT(load_text(c, text), 0);
		CHECK_INT(c->layers[0].cpus_min, ok[i].min);
		CHECK_INT(c->layers[0].cpus_max, ok[i].max);
	}
	free(c);
}

TEST(bad_placement_values_name_file_line_and_value)
{
	static const char *const bad_llcs[] = {
		"", "64", "0-64", "3-1", "0,", ",0", "0,,1", "a", "0-", "-1", "1.5",
		"0x1", "all", "AUTO", "0 1", "99999999999", NULL,
	};
	static const char *const bad_cpus[] = {
		"", "0", "0-0", "5-2", "513", "1-513", "-1", "2-", "max", "1-max",
		"1-2-3", "1,2", "2 3", "0x4", "99999999999", NULL,
	};

	CHECK(each_refused("[layer.a]\npolicy = latency\nkind = %s\nmatch = *\n", 3,
			   "unknown kind '%s' (open or confined)", "closed", ""));
	CHECK(each_refused("[layer.a]\npolicy = latency\npreempt = %s\nmatch = *\n", 3,
			   "preempt takes yes or no, not '%s'", "1", "Yes"));
	CHECK(refuses_values("[layer.a]\npolicy = latency\n\nllcs = %s\nmatch = *\n", 4,
			     "llcs must be auto or LLC indexes in 0..63 such as 0,2-3, not '%s'",
			     bad_llcs));
	CHECK(refuses_values("[layer.a]\npolicy = latency\nmatch = *\ncpus = %s\n", 4,
			     "cpus must be N or MIN-MAX with MIN <= MAX and MAX in 1..512, "
			     "not '%s'", bad_cpus));
}

TEST(placement_keys_may_be_set_once_per_layer)
{
	static const struct refusal cases[] = {
		{ "[layer.a]\npolicy = latency\nllcs = 0\nmatch = *\nllcs = 1\n", 5,
		  "'llcs' set twice in [layer.a]" },
		{ "[layer.a]\npolicy = latency\ncpus = 1\ncpus = 2\nmatch = *\n", 4,
		  "'cpus' set twice in [layer.a]" },
		{ "[layer.a]\nkind = open\npolicy = latency\nkind = open\nmatch = *\n", 4,
		  "'kind' set twice in [layer.a]" },
		{ "[layer.a]\npreempt = no\npolicy = latency\npreempt = no\nmatch = *\n", 4,
		  "'preempt' set twice in [layer.a]" },
		/* and belong to layers only */
		{ "[scxd]\ncpus = 2\n" LAST_LAYER, 2, "unknown key 'cpus' in [scxd]" },
	};

	CHECK(refuses_all(cases, ARRAY_SIZE(cases)));
}

TEST(a_confined_layer_with_a_minimum_of_zero_cpus_is_refused_at_its_cpus_line)
{
	struct scxd_config *c = new_config();

	CHECK(fails_with("[layer.a]\npolicy = throughput\nkind = confined\ncpus = 0-4\n"
			 "match = comm=a\n" LAST_LAYER, 4,
			 "cpus minimum must be at least 1 for a confined layer, not '0-4'"));
	/* whichever comes first */
	CHECK(fails_with("[layer.a]\npolicy = throughput\ncpus = 0 - 4\nmatch = comm=a\n"
			 "kind = confined\n" LAST_LAYER, 3,
			 "cpus minimum must be at least 1 for a confined layer, not '0 - 4'"));
	/* an open layer may own no CPU at all */
	CHECK_INT(load_text(c, "[layer.a]\npolicy = latency\ncpus = 0-4\nmatch = *\n"), 0);
	CHECK_INT(c->layers[0].cpus_min, 0);
	CHECK_INT(c->layers[0].cpus_max, 4);
	free(c);
}

TEST(an_auto_layer_has_thresholds_and_preempts_but_no_slice)
{
	struct scxd_config *c = new_config();
	char *text;

	CHECK_INT(load_text(c, "[layer.a]\npolicy = auto\nmatch = *\n"), 0);
	CHECK_INT(c->layers[0].policy, SCXD_POLICY_AUTO);
	CHECK_STR(policy_name(c->layers[0].policy), "auto");
	CHECK(c->layers[0].auto_run_ns == AUTO_RUN_US_DEFAULT * 1000ULL);
	CHECK_INT(c->layers[0].auto_wakeups, AUTO_WAKEUPS_DEFAULT);
	CHECK_INT(c->layers[0].preempt, 1);
	CHECK(c->layers[0].slice_ns == 0);
	CHECK_INT(load_text(c, "[layer.a]\nauto_min_wakeups = 50\npolicy = auto\n"
			    "auto_latency_run_us = 800\npreempt = no\nmatch = *\n"), 0);
	CHECK(c->layers[0].auto_run_ns == 800000);
	CHECK_INT(c->layers[0].auto_wakeups, 50);
	CHECK_INT(c->layers[0].preempt, 0);
	/* The canonical text keeps what differs from the defaults, and reads back. */
	text = config_format(c);
	CHECK(text && strstr(text, "policy = auto\nauto_latency_run_us = 800\n"
			     "auto_min_wakeups = 50\npreempt = no\n"));
	CHECK_INT(load_text(c, text), 0);
	CHECK(c->layers[0].auto_run_ns == 800000);
	CHECK_INT(c->layers[0].auto_wakeups, 50);
	free(text);
	free(c);
}

TEST(auto_keys_outside_an_auto_layer_and_a_slice_inside_one_are_refused_at_their_line)
{
	CHECK(fails_with("[layer.a]\npolicy = auto\nmatch = comm=a\nslice_us = 3000\n"
			 LAST_LAYER, 4, "slice_us does not apply to an auto layer: a task gets "
			 "the slice of the class it is served as (2000 us as latency, 20000 us "
			 "as throughput)"));
	CHECK(fails_with("[layer.a]\nauto_min_wakeups = 5\nmatch = *\npolicy = latency\n", 2,
			 "auto_latency_run_us and auto_min_wakeups are only for auto layers"));
	CHECK(fails_with("[layer.a]\npolicy = auto\nauto_latency_run_us = 5\nmatch = *\n", 3,
			 "auto_latency_run_us must be a number in 10..1000000, not '5'"));
	CHECK(fails_with("[layer.a]\npolicy = auto\nauto_min_wakeups = 0\nmatch = *\n", 3,
			 "auto_min_wakeups must be a number in 1..100000, not '0'"));
}

TEST(an_auto_layer_is_two_scheduler_layers_and_counts_twice_against_the_limit)
{
	struct scxd_config *c = new_config();
	struct scxd_layer e[SCXD_MAX_LAYERS];
	char text[4096] = "";
	u32 cls;

	CHECK_INT(load_text(c, "[layer.a]\npolicy = latency\nmatch = comm=a\n"
			    "[layer.b]\npolicy = auto\nmatch = comm=b\n"
			    "[layer.c]\npolicy = auto\nauto_latency_run_us = 500\nmatch = *\n"), 0);
	CHECK_INT(config_bpf_layers(c, NULL), 5);
	CHECK_INT(config_bpf_layers(c, e), 5);
	/* Layers keep their index; auto ones serve throughput there ... */
	CHECK_INT(e[0].policy, SCXD_POLICY_LATENCY);
	CHECK(e[0].peer == SCXD_NO_LAYER);
	CHECK_INT(e[1].policy, SCXD_POLICY_THROUGHPUT);
	CHECK(e[1].slice_ns == 20000000);
	CHECK_INT(e[1].peer, 3);
	CHECK(e[1].auto_gap_ns == 1000000000ULL / AUTO_WAKEUPS_DEFAULT);
	/* ... and latency after the last layer, in order. */
	CHECK_INT(e[3].policy, SCXD_POLICY_LATENCY);
	CHECK(e[3].slice_ns == 2000000);
	CHECK_INT(e[3].peer, 1);
	CHECK_STR(e[3].name, "b");
	CHECK_INT(e[3].id, c->layers[1].id);
	CHECK_INT(e[4].peer, 2);
	CHECK_INT(e[2].peer, 4);
	CHECK(e[4].auto_run_ns == 500000);
	for (u32 i = 0; i < 5; i++) {
		u32 want_layer = i < 3 ? i : i - 2;
		u32 want_cls = i == 0 || i >= 3 ? SCXD_POLICY_LATENCY : SCXD_POLICY_THROUGHPUT;

		CHECK_INT(config_bpf_layer_of(c, e, i, &cls), want_layer);
		CHECK_INT(cls, want_cls);
	}
	/* 9 layers, 8 of them auto: 17 of 16. */
	for (int i = 0; i < 8; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[layer.l%d]\npolicy = auto\nmatch = comm=l%d\n", i, i);
	strcat(text, LAST_LAYER);
	CHECK(fails_with(text, 22, "9 layers, 8 of them auto, are more than the scheduler's "
			 "16: an auto layer counts twice"));
	free(c);
}

TEST(preempt_on_a_throughput_layer_is_refused_at_its_line)
{
	struct scxd_config *c = new_config();

	CHECK(fails_with("[layer.a]\npolicy = throughput\npreempt = yes\nmatch = *\n", 3,
			 "preempt is only for latency and auto layers"));
	/* the policy may come later: checked when the section ends */
	CHECK(fails_with("[layer.a]\npreempt = yes\nmatch = comm=a\npolicy = throughput\n"
			 "\n" LAST_LAYER, 2, "preempt is only for latency and auto layers"));
	/* in the last layer, at the end of the file */
	CHECK(fails_with("[layer.a]\nmatch = *\npreempt = yes\npolicy = throughput\n", 3,
			 "preempt is only for latency and auto layers"));
	/* saying no is fine */
	CHECK_INT(load_text(c, "[layer.a]\npolicy = throughput\npreempt = no\nmatch = *\n"), 0);
	CHECK_INT(c->layers[0].preempt, 0);
	free(c);
}

TEST(a_placement_mistake_is_reported_before_mistakes_on_later_lines)
{
	static const struct refusal cases[] = {
		/* layer a's preempt (line 3) before layer b's unknown key (line 6) */
		{ "[layer.a]\npolicy = throughput\npreempt = yes\nmatch = comm=a\n"
		  "[layer.b]\nfoo = bar\n", 3, "preempt is only for latency and auto layers" },
		/* ... and before a malformed header that ends the section */
		{ "[layer.a]\npolicy = throughput\npreempt = yes\nmatch = *\n[layer.b\n", 3,
		  "preempt is only for latency and auto layers" },
		/* two mistakes in one section: the first line wins */
		{ "[layer.a]\npreempt = yes\ncpus = 0-3\nkind = confined\npolicy = throughput\n"
		  "match = *\n", 2, "preempt is only for latency and auto layers" },
		{ "[layer.a]\ncpus = 0-1\npreempt = yes\nkind = confined\npolicy = throughput\n"
		  "match = *\n", 2,
		  "cpus minimum must be at least 1 for a confined layer, not '0-1'" },
	};

	CHECK(refuses_all(cases, ARRAY_SIZE(cases)));
}

TEST(an_unknown_policy_names_file_and_line)
{
	CHECK(fails_with("[scxd]\n"
			 "role = desktop\n"
			 "\n"
			 "[layer.gaming]\n"
			 "match = comm=wine*\n"
			 "; the policy:\n"
			 "policy = fast\n"
			 LAST_LAYER, 7, "unknown policy 'fast' (latency, throughput or auto)"));
}

TEST(an_unknown_section_names_file_and_line)
{
	CHECK(fails_with("[scxd]\n\n[layers.a]\n" LAST_LAYER, 3, "unknown section [layers.a]"));
	CHECK(fails_with("[global]\n" LAST_LAYER, 1, "unknown section [global]"));
	CHECK(fails_with("[SCXD]\n" LAST_LAYER, 1, "unknown section [SCXD]"));
}

TEST(an_unknown_key_names_file_line_and_section)
{
	static const struct refusal cases[] = {
		{ "[scxd]\nrole = x\nrol = y\n" LAST_LAYER, 3, "unknown key 'rol' in [scxd]" },
		{ "[layer.a]\npolicy = latency\nmatch = *\nprempt = yes\n", 4,
		  "unknown key 'prempt' in [layer.a]" },
		/* keys of one section are unknown in the other */
		{ "[scxd]\npolicy = latency\n" LAST_LAYER, 2, "unknown key 'policy' in [scxd]" },
		{ "[layer.a]\nrole = x\n", 2, "unknown key 'role' in [layer.a]" },
	};

	CHECK(refuses_all(cases, ARRAY_SIZE(cases)));
}

TEST(keys_before_any_section_are_refused)
{
	CHECK(fails_with("; comment\n\nrole = desktop\n[scxd]\n" LAST_LAYER, 3,
			 "'role' outside of any section"));
}

TEST(a_bad_match_line_is_reported_with_the_rule_parser_message)
{
	static const struct refusal cases[] = {
		{ "[layer.a]\npolicy = latency\n\nmatch = comm=a\nmatch = comx=a\n" LAST_LAYER, 5,
		  "unknown key 'comx' in 'comx=a'" },
		{ "[layer.a]\npolicy = latency\nmatch = kind=x\n" LAST_LAYER, 3,
		  "unknown key 'kind' in 'kind=x'" },
		{ "[layer.a]\npolicy = latency\nmatch =\n" LAST_LAYER, 3, "empty rule" },
	};

	CHECK(refuses_all(cases, ARRAY_SIZE(cases)));
}

TEST(a_duplicate_layer_names_both_lines)
{
	CHECK(fails_with("[layer.a]\npolicy = latency\nmatch = nice<0\n"
			 "[layer.b]\npolicy = latency\nmatch = nice<0\n"
			 "[layer.a]\npolicy = latency\nmatch = *\n", 7,
			 "duplicate layer 'a' (first at line 1)"));
	/* an empty section is still a section */
	CHECK(fails_with("[layer.a]\n[layer.a]\npolicy = latency\nmatch = *\n", 2,
			 "duplicate layer 'a' (first at line 1)"));
}

TEST(a_second_scxd_section_is_refused)
{
	CHECK(fails_with("[scxd]\nrole = a\n" LAST_LAYER "[scxd]\nlog_level = info\n", 6,
			 "duplicate section [scxd] (first at line 1)"));
}

TEST(a_key_set_twice_is_refused)
{
	CHECK(fails_with("[layer.a]\npolicy = latency\nmatch = *\npolicy = throughput\n", 4,
			 "'policy' set twice in [layer.a]"));
	CHECK(fails_with("[scxd]\nrole = a\nrole = b\n" LAST_LAYER, 3,
			 "'role' set twice in [scxd]"));
}

TEST(a_layer_without_policy_is_reported_at_its_header)
{
	CHECK(fails_with("[scxd]\n\n[layer.a]\nmatch = nice<0\n\n" LAST_LAYER, 3,
			 "layer 'a' has no policy"));
	CHECK(fails_with("[layer.a]\nmatch = *\n", 1, "layer 'a' has no policy"));
}

TEST(a_layer_without_match_lines_is_reported_unless_it_is_last)
{
	CHECK(fails_with("[layer.a]\npolicy = latency\n" LAST_LAYER, 1,
			 "layer 'a' has no match line"));
	CHECK(fails_with("[layer.a]\npolicy = latency\nmatch = *\n[layer.b]\npolicy = latency\n", 4,
			 "the last layer 'b' has no 'match = *'"));
}

TEST(the_last_layer_must_match_every_task)
{
	CHECK(fails_with("[layer.a]\npolicy = latency\nmatch = *\n"
			 "\n[layer.b]\npolicy = throughput\nmatch = nice>0\nmatch = uid>=0\n", 5,
			 "the last layer 'b' has no 'match = *'"));
}

TEST(a_configuration_without_layers_is_refused)
{
	CHECK(fails_with("", 0, "no layers: at least one [layer.NAME] section is needed"));
	CHECK(fails_with("[scxd]\nrole = x\n", 0,
			 "no layers: at least one [layer.NAME] section is needed"));
}

TEST(layer_names_are_limited_in_length_and_characters)
{
	char text[256];

	/* 31 characters fit */
	snprintf(text, sizeof(text), "[layer.%s]\npolicy = latency\nmatch = *\n",
		 "abcdefghijklmnopqrstuvwxyz_.-09");
	{
		struct scxd_config *c = new_config();

		CHECK_INT(load_text(c, text), 0);
		CHECK_STR(c->layers[0].name, "abcdefghijklmnopqrstuvwxyz_.-09");
		free(c);
	}
	CHECK(fails_with("[layer.abcdefghijklmnopqrstuvwxyz_.-09X]\n", 1,
			 "layer name 'abcdefghijklmnopqrstuvwxyz_.-09X' longer than 31 characters"));
	CHECK(each_refused("[layer.%s]\n", 1, "invalid layer name '%s' (use A-Z a-z 0-9 _ . -)",
			   "a b", "é", ""));
}

TEST(seventeen_layers_are_one_too_many)
{
	char text[4096] = "";
	int i;

	for (i = 0; i < SCXD_MAX_LAYERS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[layer.l%d]\npolicy = latency\nmatch = pid=%d\n", i, i);
	strcat(text, LAST_LAYER);
	/* the 17th header is on line 16 * 3 + 1 */
	CHECK(fails_with(text, 49, "more than 16 layers"));
}

TEST(sixteen_layers_and_sixty_four_rules_fit)
{
	struct scxd_config *c = new_config();
	char text[8192] = "";
	int i, j;

	for (i = 0; i < SCXD_MAX_LAYERS - 1; i++) {
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[layer.l%d]\npolicy = latency\n", i);
		for (j = 0; j < 4 + (i == 0 ? 3 : 0); j++)
			snprintf(text + strlen(text), sizeof(text) - strlen(text),
				 "match = pid=%d\n", i * 10 + j);
	}
	strcat(text, LAST_LAYER);
	CHECK_INT(load_text(c, text), 0);
	CHECK_INT(c->nr_layers, SCXD_MAX_LAYERS);
	CHECK_INT(c->nr_rules, SCXD_MAX_RULES);
	free(c);
}

TEST(sixty_five_rules_are_one_too_many)
{
	char text[8192] = "[layer.a]\npolicy = latency\n";
	int i;

	for (i = 0; i < SCXD_MAX_RULES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "match = pid=%d\n", i);
	strcat(text, LAST_LAYER);
	/* 2 lines, 64 rules, the last layer's header and policy: its match is 65th */
	CHECK(fails_with(text, 2 + SCXD_MAX_RULES + 3, "more than 64 match lines"));
}

TEST(out_of_range_numbers_are_refused)
{
	CHECK(each_refused("[layer.a]\npolicy = latency\nweight = %s\nmatch = *\n", 3,
			   "weight must be a number in 1..10000, not '%s'",
			   "0", "10001", "-1", "1e3"));
	CHECK(each_refused("[layer.a]\npolicy = latency\nslice_us = %s\nmatch = *\n", 3,
			   "slice_us must be a number in 100..1000000, not '%s'",
			   "99", "1000001", "99999999999"));
}

TEST(the_extreme_weights_and_slices_are_accepted)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, "[layer.a]\npolicy = latency\nweight = 1\nslice_us = 100\n"
			    "match = nice<0\n[layer.b]\npolicy = latency\nweight = 10000\n"
			    "slice_us = 1000000\nmatch = *\n"), 0);
	CHECK_STR(layers_of(c),
		"a latency weight=1 slice_ns=100000 open llcs=0 cpus=0-0 preempt=1\n"
		"b latency weight=10000 slice_ns=1000000000 open llcs=0 cpus=0-0 preempt=1\n");
	free(c);
}

TEST(bad_global_settings_are_refused)
{
	static const struct refusal cases[] = {
		{ "[scxd]\nlog_level = verbose\n" LAST_LAYER, 2,
		  "unknown log_level 'verbose' (err, warning, notice, info or debug)" },
		{ "[scxd]\nsocket = run/x.sock\n" LAST_LAYER, 2,
		  "socket must be an absolute path, not 'run/x.sock'" },
		{ "[scxd]\nsocket = /run/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.sock\n" LAST_LAYER, 2,
		  "socket path longer than 107 characters" },
		{ "[scxd]\nsocket_group = a b\n" LAST_LAYER, 2, "invalid socket_group 'a b'" },
		{ "[scxd]\nprometheus_textfile = scxd.prom\n" LAST_LAYER, 2,
		  "prometheus_textfile must be an absolute path, not 'scxd.prom'" },
		{ "[scxd]\nprometheus_textfile = /var/lib/node/scxd.txt\n" LAST_LAYER, 2,
		  "prometheus_textfile must name a NAME.prom file (node_exporter reads only "
		  "those), not '/var/lib/node/scxd.txt'" },
		{ "[scxd]\nprometheus_textfile = /var/lib/node/.prom\n" LAST_LAYER, 2,
		  "prometheus_textfile must name a NAME.prom file (node_exporter reads only "
		  "those), not '/var/lib/node/.prom'" },
	};

	CHECK(refuses_all(cases, ARRAY_SIZE(cases)));
	CHECK(each_refused("[scxd]\nrole = %s\n" LAST_LAYER, 2,
			   "role must be 1..63 characters of A-Z a-z 0-9 _ . -, not '%s'",
			   "my role", ""));
}

TEST(malformed_lines_are_refused)
{
	static const struct refusal cases[] = {
		{ "[layer.a]\npolicy = latency\nmatch *\n", 3,
		  "expected '[section]', 'key = value' or a comment" },
		{ "[layer.a\npolicy = latency\nmatch = *\n", 1, "missing ']' in section header" },
		{ "[layer.a] policy = latency\nmatch = *\n", 1, "unexpected text after ']'" },
	};

	CHECK(refuses_all(cases, ARRAY_SIZE(cases)));
}

TEST(the_first_error_in_the_file_is_the_one_reported)
{
	/* inih finds line 3, the handler line 4: line 3 comes first */
	CHECK(fails_with("[layer.a]\npolicy = latency\ngarbage\nfoo = bar\nmatch = *\n", 3,
			 "expected '[section]', 'key = value' or a comment"));
	CHECK(fails_with("[layer.a]\npolicy = fast\ngarbage\n", 2,
			 "unknown policy 'fast' (latency, throughput or auto)"));
}

TEST(comments_after_a_section_header_are_allowed)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, "[scxd]   ; the globals\n[layer.a] # the only layer\n"
			    "policy = latency\nmatch = *\n"), 0);
	CHECK_STR(c->layers[0].name, "a");
	free(c);
}

TEST(an_indented_key_is_a_key_and_not_a_continuation_of_the_previous_value)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, "[layer.a]\n  policy = latency\n  match = comm=a\n"
			    "\tmatch = comm=b\n    match = *\n"), 0);
	CHECK_INT(c->nr_rules, 3);
	CHECK_STR(c->rule_text[1], "comm=b");
	free(c);
	CHECK(fails_with("[layer.a]\npolicy = latency\nmatch = comm=a\n    comm=b\nmatch = *\n", 4,
			 "unknown key 'comm' in [layer.a]"));
}

/* A comment line of @len characters in a valid file. */
static int load_with_long_line(size_t len, unsigned *line)
{
	struct scxd_config *c = new_config();
	char text[1024] = "[layer.a]\npolicy = latency\n;";
	int r;

	memset(text + strlen(text), 'x', len - 1);
	strcat(text, "\nmatch = *\n");
	r = load_text(c, text);
	*line = e.line;
	free(c);
	return r;
}

TEST(a_line_longer_than_inih_can_read_is_refused)
{
	unsigned line;
	char want[128];

	CHECK_INT(load_with_long_line(198, &line), 0);
	CHECK_INT(load_with_long_line(199, &line), -EINVAL);
	CHECK_INT(line, 3);
	CHECK_INT(load_with_long_line(600, &line), -EINVAL);
	snprintf(want, sizeof(want), "%s:3: line longer than 198 characters", path);
	CHECK_STR(config_error_str(&e, (char[256]){ 0 }, 256), want);
}

TEST(an_over_long_match_line_is_not_split_into_two_lines)
{
	char text[1024] = "[layer.a]\npolicy = latency\nmatch = comm=a && ";
	int i;

	for (i = 0; i < 20; i++)
		strcat(text, "nice<1 && ");
	strcat(text, "nice<2\nmatch = *\n");
	CHECK(fails_with(text, 3, "line longer than 198 characters"));
}

TEST(a_missing_file_is_enoent_naming_the_file)
{
	struct scxd_config *c = new_config();
	char buf[512];

	CHECK_INT(config_load_file(c, "/nonexistent/scxd.ini", &e), -ENOENT);
	CHECK_INT(e.line, 0);
	CHECK_STR(config_error_str(&e, buf, sizeof(buf)),
		  "/nonexistent/scxd.ini: No such file or directory");
	free(c);
}

TEST(a_directory_or_binary_file_is_refused)
{
	struct scxd_config *c = new_config();
	static const char bin[] = "[layer.a]\npolicy = latency\nmatch = *\n\0\1\2";

	CHECK_INT(config_load_file(c, "/tmp", &e), -EISDIR);
	CHECK_INT(write_tmp(bin, sizeof(bin)), 0);
	CHECK_INT(config_load_file(c, path, &e), -EINVAL);
	unlink(path);
	CHECK_STR(e.msg, "contains a NUL byte: not a text file");
	free(c);
}

TEST(a_file_larger_than_one_mib_is_refused)
{
	struct scxd_config *c = new_config();
	size_t size = (1 << 20) + 100;
	char *text = malloc(size + 1);

	CHECK(text);
	memset(text, '\n', size);
	memcpy(text, LAST_LAYER, strlen(LAST_LAYER));
	text[size] = '\0';
	CHECK_INT(load_text(c, text), -EFBIG);
	CHECK_INT(e.line, 0);
	CHECK_STR(e.msg, "larger than 1048576 bytes");
	/* the same text one MiB long is fine */
	text[1 << 20] = '\0';
	CHECK_INT(load_text(c, text), 0);
	free(text);
	free(c);
}

TEST(a_failed_load_leaves_the_previous_configuration_byte_identical)
{
	static const char *const bad[] = {
		"[layer.a]\npolicy = latency\nmatch = *\nweight = 0\n",
		"[scxd]\nrole = other\nlog_level = loud\n" LAST_LAYER,
		"[layer.x]\npolicy = latency\nmatch = comm=zz\n",
		"",
	};
	struct scxd_config *c = new_config(), *before = new_config();
	size_t i;

	CHECK_INT(load_text(c, valid_ini), 0);
	memcpy(before, c, sizeof(*c));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(load_text(c, bad[i]), -EINVAL);
		CHECK(!memcmp(c, before, sizeof(*c)));
	}
	CHECK_INT(config_load_file(c, "/nonexistent/scxd.ini", &e), -ENOENT);
	CHECK(!memcmp(c, before, sizeof(*c)));
	CHECK_INT(config_load_string(c, "[bad]\n", "x", NULL), -EINVAL);
	CHECK(!memcmp(c, before, sizeof(*c)));
	free(before);
	free(c);
}

TEST(a_string_is_named_in_errors_as_given)
{
	struct scxd_config *c = new_config();
	char buf[512];

	CHECK_INT(config_load_string(c, "[layer.a]\npolicy = slow\n", "reload request", &e),
		  -EINVAL);
	CHECK_STR(config_error_str(&e, buf, sizeof(buf)),
		  "reload request:2: unknown policy 'slow' (latency, throughput or auto)");
	CHECK_INT(config_load_string(c, LAST_LAYER, "reload request", &e), 0);
	CHECK_STR(c->source, "reload request");
	free(c);
}

TEST(the_built_in_configuration_loads_and_ends_in_a_catch_all)
{
	struct scxd_config *c = new_config();
	u32 last;

	CHECK_INT(config_load_default(c), 0);
	CHECK_STR(c->source, "(built-in)");
	CHECK_STR(c->role, "default");
	CHECK(c->nr_layers >= 2);
	last = c->nr_layers - 1;
	CHECK_STR(c->layers[last].name, "default");
	CHECK_INT(c->layers[last].policy, SCXD_POLICY_THROUGHPUT);
	CHECK_INT(c->rules[c->nr_rules - 1].layer, last);
	CHECK_STR(c->rule_text[c->nr_rules - 1], "*");
	CHECK(config_layer_find(c, "interactive") >= 0);
	CHECK_INT(c->layers[config_layer_find(c, "interactive")].policy, SCXD_POLICY_LATENCY);
	CHECK(config_layer_find(c, "batch") >= 0);
	free(c);
}

/* tests/unit/test_config.c -> the repository root, as this file was compiled. */
static void repo_root(char *buf, size_t len)
{
	const char *tail = strstr(__FILE__, "tests/unit/test_config.c");

	snprintf(buf, len, "%.*s", tail ? (int)(tail - __FILE__) : 0, __FILE__);
}

TEST(every_shipped_role_file_loads)
{
	struct scxd_config *c = new_config();
	char pattern[512];
	glob_t g;
	size_t i;

	repo_root(pattern, sizeof(pattern));
	strcat(pattern, "config/roles/*.ini");
	CHECK_INT(glob(pattern, 0, NULL, &g), 0);
	if (g.gl_pathc < 7)
		globfree(&g);
	CHECK(g.gl_pathc >= 7);
	for (i = 0; i < g.gl_pathc; i++) {
		if (config_load_file(c, g.gl_pathv[i], &e)) {
			printf("  %s\n", config_error_str(&e, (char[600]){ 0 }, 600));
			globfree(&g);
			CHECK(0);
		}
		if (c->nr_layers < 2)
			globfree(&g);
		CHECK(c->nr_layers >= 2);
	}
	globfree(&g);
	free(c);
}

TEST(layers_are_found_by_name)
{
	struct scxd_config *c = new_config();

	CHECK_INT(load_text(c, valid_ini), 0);
	CHECK_INT(config_layer_find(c, "gaming"), 0);
	CHECK_INT(config_layer_find(c, "default"), 3);
	CHECK_INT(config_layer_find(c, "gam"), -ENOENT);
	CHECK_INT(config_layer_find(c, ""), -ENOENT);
	CHECK_STR(policy_name(SCXD_POLICY_LATENCY), "latency");
	CHECK_STR(policy_name(SCXD_POLICY_THROUGHPUT), "throughput");
	CHECK_STR(policy_name(SCXD_NR_POLICIES), "?");
	free(c);
}

TEST(an_error_without_a_line_prints_file_and_message_only)
{
	struct config_error x = { .file = "/etc/scxd/scxd.ini", .line = 0, .msg = "boom" };
	char buf[64];

	CHECK_STR(config_error_str(&x, buf, sizeof(buf)), "/etc/scxd/scxd.ini: boom");
	x.line = 12;
	CHECK_STR(config_error_str(&x, buf, sizeof(buf)), "/etc/scxd/scxd.ini:12: boom");
}

TEST_MAIN
