/* test_config_edit.c - runtime changes as edits of the canonical text:
 * the text round-trips, each edit does what it says, and a bad edit is
 * refused with a message naming layer and key, leaving nothing changed. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>

#include "config_edit.h"
#include "test.h"

static const char base_ini[] =
	"[scxd]\n"
	"role = desktop\n"
	"[layer.gaming]\n"
	"policy = latency\n"
	"weight = 300\n"
	"match = comm=wine* && uid=1000\n"
	"match = cgroup=/game.slice\n"
	"[layer.build]\n"
	"policy = throughput\n"
	"slice_us = 30000\n"
	"kind = confined\n"
	"cpus = 2-6\n"
	"llcs = 0,2-3\n"
	"match = comm=make\n"
	"[layer.default]\n"
	"policy = throughput\n"
	"match = *\n";

static struct config_error e;

static struct scxd_config *load(const char *text)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	if (!c || config_load_string(c, text, "base.ini", &e)) {
		printf("  base.ini: %s\n", e.msg);
		abort();
	}
	return c;
}

/* An edit session _e over @c running @call, then committed into @out:
 * the first failure's result, or 0. */
#define EDIT(c, out, call) ({						\
	struct config_edit *_e = config_edit_new(c);			\
	int _r;								\
									\
	memset(&e, 0, sizeof(e));					\
	_r = _e ? (call) : -ENOMEM;					\
	if (!_r)							\
		_r = config_edit_commit(_e, (out), (c)->source, &e);	\
	config_edit_free(_e);						\
	_r;								\
})

TEST(the_canonical_text_loads_back_to_the_same_config)
{
	struct scxd_config *c = load(base_ini), *d = calloc(1, sizeof(*d));
	char *text = config_format(c);

	CHECK(text);
	CHECK_INT(config_load_string(d, text, "base.ini", &e), 0);
	CHECK(memcmp(c, d, sizeof(*c)) == 0);
	/* Defaults stay out of it: a slice that follows the policy is not written. */
	CHECK(!strstr(text, "preempt"));
	CHECK_CONTAINS(text, "slice_us = 30000\n");
	CHECK_CONTAINS(text, "llcs = 0,2-3\n");
	CHECK_CONTAINS(text, "cpus = 2-6\n");
	CHECK_CONTAINS(text, "match = comm=wine* && uid=1000\n");
	free(text);
	free(c);
	free(d);
}

TEST(a_prometheus_textfile_is_kept_in_the_canonical_text)
{
	struct scxd_config *c = load("[scxd]\n"
				     "prometheus_textfile = /var/lib/prometheus/node-exporter/scxd.prom\n"
				     "[layer.all]\npolicy = throughput\nmatch = *\n");
	struct scxd_config *d = calloc(1, sizeof(*d));
	char *text;

	CHECK(c && d);
	CHECK_STR(c->prometheus_textfile, "/var/lib/prometheus/node-exporter/scxd.prom");
	text = config_format(c);
	CHECK(text);
	CHECK_CONTAINS(text, "prometheus_textfile = /var/lib/prometheus/node-exporter/scxd.prom\n");
	CHECK_INT(config_load_string(d, text, c->source, &e), 0);
	CHECK(memcmp(c, d, sizeof(*c)) == 0);
	free(text);
	free(c);
	free(d);
}

TEST(every_shipped_role_file_round_trips)
{
	struct scxd_config *c = calloc(1, sizeof(*c)), *d = calloc(1, sizeof(*d));
	const char *tail = strstr(__FILE__, "tests/unit/");
	char pattern[512];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%.*sconfig/roles/*.ini",
		 tail ? (int)(tail - __FILE__) : 0, __FILE__);
	CHECK_INT(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text;
		int r;

		r = config_load_file(c, g.gl_pathv[i], &e);
		text = r ? NULL : config_format(c);
		r = text ? config_load_string(d, text, c->source, &e) : -1;
		free(text);
		if (r || memcmp(c, d, sizeof(*c))) {
			printf("  %s does not round-trip\n", g.gl_pathv[i]);
			globfree(&g);
			CHECK(0);
		}
	}
	globfree(&g);
	free(c);
	free(d);
}

TEST(set_changes_one_key_and_keeps_the_source)
{
	struct scxd_config *c = load(base_ini), *d = calloc(1, sizeof(*d));
	struct config_edit *ed;

	CHECK_INT(EDIT(c, d, config_edit_set(_e, "build", "weight", "250", &e)), 0);
	CHECK_INT(d->layers[1].weight, 250);
	CHECK_STR(d->source, "base.ini");
	/* Nothing else moved. */
	d->layers[1].weight = c->layers[1].weight;
	CHECK(memcmp(c, d, sizeof(*c)) == 0);

	/* An empty value removes the key: back to the default. */
	CHECK_INT(EDIT(c, d, config_edit_set(_e, "gaming", "weight", "", &e)), 0);
	CHECK_INT(d->layers[0].weight, 100);
	CHECK_INT(EDIT(c, d, config_edit_set(_e, NULL, "role", "server", &e)), 0);
	CHECK_STR(d->role, "server");

	ed = config_edit_new(c);
	CHECK(ed);
	CHECK_INT(config_edit_set(ed, "nosuch", "weight", "1", &e), -ENOENT);
	CHECK_STR(e.msg, "no layer 'nosuch'");
	CHECK_INT(config_edit_set(ed, "build", "match", "*", &e), -EINVAL);
	CHECK_INT(config_edit_set(ed, "build", "weight", "1\n[layer.x]", &e), -EINVAL);
	config_edit_free(ed);
	free(c);
	free(d);
}

TEST(a_policy_change_takes_the_new_policys_slice_and_preempt)
{
	struct scxd_config *c = load(base_ini), *d = calloc(1, sizeof(*d));

	/* default: throughput with default slice 20 ms, no preempt */
	CHECK_INT(EDIT(c, d, config_edit_set(_e, "default", "policy", "latency", &e)), 0);
	CHECK_INT(d->layers[2].policy, SCXD_POLICY_LATENCY);
	CHECK_INT(d->layers[2].slice_ns, 2000000);
	CHECK_INT(d->layers[2].preempt, 1);
	/* build set its slice itself: it keeps it */
	CHECK_INT(EDIT(c, d, config_edit_set(_e, "build", "policy", "latency", &e)), 0);
	CHECK_INT(d->layers[1].slice_ns, 30000000);
	free(c);
	free(d);
}

TEST(a_bad_value_is_refused_naming_layer_and_key_and_changes_nothing)
{
	struct scxd_config *c = load(base_ini), *d = load(base_ini), *keep = load(base_ini);

	CHECK_INT(EDIT(c, d, config_edit_set(_e, "build", "weight", "0", &e)), -EINVAL);
	CHECK_STR(e.msg, "layer 'build': weight must be a number in 1..10000, not '0'");
	CHECK_INT(e.line, 0);
	CHECK_INT(EDIT(c, d, config_edit_set(_e, "build", "sliceus", "5", &e)), -EINVAL);
	CHECK_STR(e.msg, "layer 'build': unknown key 'sliceus' in [layer.build]");
	CHECK_INT(EDIT(c, d, config_edit_set(_e, "default", "preempt", "yes", &e)), -EINVAL);
	CHECK_STR(e.msg, "layer 'default': preempt is only for latency and auto layers");
	CHECK_INT(EDIT(c, d, config_edit_set(_e, NULL, "log_level", "loud", &e)), -EINVAL);
	CHECK_CONTAINS(e.msg, "[scxd]: unknown log_level 'loud'");
	CHECK(memcmp(d, keep, sizeof(*d)) == 0);
	free(c);
	free(d);
	free(keep);
}

TEST(add_layer_goes_before_the_catch_all_or_where_asked)
{
	struct scxd_config *c = load(base_ini), *d = calloc(1, sizeof(*d));

	CHECK_INT(EDIT(c, d, config_edit_add_layer(_e, "audio", NULL, &e) ?:
			     config_edit_set(_e, "audio", "policy", "latency", &e) ?:
			     config_edit_add_match(_e, "audio", "comm=pipewire", &e)), 0);
	CHECK_INT(d->nr_layers, 4);
	CHECK_STR(d->layers[2].name, "audio");
	CHECK_STR(d->layers[3].name, "default");
	CHECK_INT(d->nr_rules, c->nr_rules + 1);

	CHECK_INT(EDIT(c, d, config_edit_add_layer(_e, "first", "gaming", &e) ?:
			     config_edit_set(_e, "first", "policy", "throughput", &e) ?:
			     config_edit_add_match(_e, "first", "uid=0", &e)), 0);
	CHECK_STR(d->layers[0].name, "first");
	CHECK_INT(d->rules[0].layer, 0);

	/* A layer without a match line, or without a policy, is refused. */
	CHECK_INT(EDIT(c, d, config_edit_add_layer(_e, "x", NULL, &e) ?:
			     config_edit_set(_e, "x", "policy", "latency", &e)), -EINVAL);
	CHECK_STR(e.msg, "layer 'x' has no match line");
	CHECK_INT(EDIT(c, d, config_edit_add_layer(_e, "x", NULL, &e)), -EINVAL);
	CHECK_STR(e.msg, "layer 'x' has no policy");
	CHECK_INT(EDIT(c, d, config_edit_add_layer(_e, "gaming", NULL, &e)), -EEXIST);
	CHECK_INT(EDIT(c, d, config_edit_add_layer(_e, "x", "nosuch", &e)), -ENOENT);
	CHECK_INT(EDIT(c, d, config_edit_add_layer(_e, "a b]", NULL, &e)), -EINVAL);
	free(c);
	free(d);
}

TEST(remove_layer_keeps_a_catch_all_last)
{
	struct scxd_config *c = load(base_ini), *d = calloc(1, sizeof(*d));

	CHECK_INT(EDIT(c, d, config_edit_remove_layer(_e, "gaming", &e)), 0);
	CHECK_INT(d->nr_layers, 2);
	CHECK_STR(d->layers[0].name, "build");
	CHECK_INT(d->rules[0].layer, 0);
	CHECK_INT(EDIT(c, d, config_edit_remove_layer(_e, "default", &e)), -EINVAL);
	CHECK_STR(e.msg, "the last layer 'build' has no 'match = *'");
	CHECK_INT(EDIT(c, d, config_edit_remove_layer(_e, "nosuch", &e)), -ENOENT);
	free(c);
	free(d);
}

TEST(match_lines_are_added_and_removed_in_canonical_form)
{
	struct scxd_config *c = load(base_ini), *d = calloc(1, sizeof(*d));

	CHECK_INT(EDIT(c, d, config_edit_add_match(_e, "build", "comm = ninja", &e)), 0);
	CHECK_INT(d->nr_rules, c->nr_rules + 1);
	CHECK_STR(d->rule_text[3], "comm=ninja");
	CHECK_INT(d->rules[3].layer, 1);

	/* Spacing differs from the file's, the rule is the same. */
	CHECK_INT(EDIT(c, d, config_edit_remove_match(_e, "gaming", "comm = wine*&&uid=1000", &e)),
		  0);
	CHECK_INT(d->nr_rules, c->nr_rules - 1);
	CHECK_STR(d->rule_text[0], "cgroup=/game.slice");

	CHECK_INT(EDIT(c, d, config_edit_remove_match(_e, "gaming", "comm=nope", &e)), -ENOENT);
	CHECK_STR(e.msg, "layer 'gaming' has no match line 'comm=nope'");
	CHECK_INT(EDIT(c, d, config_edit_add_match(_e, "build", "comm=", &e)), -EINVAL);
	CHECK_CONTAINS(e.msg, "layer 'build': ");
	free(c);
	free(d);
}

static char diff_out[8][300];
static int diff_n;

static void collect(void *data, const char *line)
{
	if (diff_n < 8)
		snprintf(diff_out[diff_n++], sizeof(diff_out[0]), "%s", line);
}

TEST(diff_lists_what_the_running_config_changed_from_the_file)
{
	struct scxd_config *c = load(base_ini), *d = calloc(1, sizeof(*d));

	diff_n = 0;
	CHECK_INT(config_diff(c, c, collect, NULL), 0);
	CHECK_INT(EDIT(c, d, config_edit_set(_e, "build", "weight", "250", &e) ?:
			     config_edit_add_match(_e, "build", "comm=ninja", &e)), 0);
	/* The file left weight at its default, so no "- weight" line. */
	CHECK_INT(config_diff(c, d, collect, NULL), 2);
	CHECK_INT(diff_n, 2);
	CHECK_STR(diff_out[0], "+ [layer.build] weight = 250");
	CHECK_STR(diff_out[1], "+ [layer.build] match = comm=ninja");
	CHECK_INT(config_diff(d, c, collect, NULL), 2);
	CHECK_STR(diff_out[2], "- [layer.build] weight = 250");
	free(c);
	free(d);
}

TEST_MAIN
