/* test_config_stack.c - a role, the main file and its drop-ins, stacked
 * (lib/config_stack.c): who wins, where layers go, and errors that name
 * the file and line they are in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_stack.h"
#include "roles.h"
#include "test.h"

static char dir[64];
static char vendor[128], admin[128], main_ini[128];
static const char *dirs[3];
static struct config_error e;

static void put(const char *name, const char *text)
{
	test_put(dir, name, text);
}

#define ROLE_GAME							\
	"; game.ini - a test role\n"					\
	"[scxd]\nrole = game\nlog_level = notice\n"			\
	"[layer.game]\npolicy = latency\nweight = 400\nslice_us = 1000\n" \
	"match = comm=game\nmatch = comm=engine\n"			\
	"[layer.bg]\npolicy = throughput\nweight = 25\nmatch = nice>0\n" \
	"[layer.rest]\npolicy = throughput\nmatch = *\n"

/* A fresh tree: vendor roles "game" and "other", no admin roles, no main. */
static void fresh(void)
{
	test_new_dir(dir);
	snprintf(vendor, sizeof(vendor), "%s/usr/roles", dir);
	snprintf(admin, sizeof(admin), "%s/etc/roles", dir);
	snprintf(main_ini, sizeof(main_ini), "%s/etc/scxd.ini", dir);
	dirs[0] = admin;
	dirs[1] = vendor;
	dirs[2] = NULL;
	put("usr/roles/game.ini", ROLE_GAME);
	put("usr/roles/other.ini",
	    "[layer.o]\npolicy = latency\nmatch = comm=o\n[layer.rest]\npolicy = throughput\nmatch = *\n");
}

static int load(struct scxd_config *c)
{
	struct config_stack s = { .main = main_ini, .role_dirs = dirs };

	memset(&e, 0, sizeof(e));
	return config_stack_load(c, &s, NULL, &e);
}

static int layer(const struct scxd_config *c, const char *name)
{
	return config_layer_find(c, name);
}

/* The layer names in order, "a b c". */
static const char *order(const struct scxd_config *c)
{
	static char buf[256];

	buf[0] = '\0';
	for (u32 i = 0; i < c->nr_layers; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? " " : "",
			 c->layers[i].name);
	return buf;
}

/* The match lines of layer @name, "x | y". */
static const char *matches(const struct scxd_config *c, const char *name)
{
	static char buf[512];
	int l = layer(c, name);

	buf[0] = '\0';
	for (u32 r = 0; r < c->nr_rules; r++)
		if ((int)c->rules[r].layer == l)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
				 buf[0] ? " | " : "", c->rule_text[r]);
	return buf;
}

/* "FILE-relative-to-dir:LINE: msg" */
static const char *error(void)
{
	static char buf[700];
	const char *file = strncmp(e.file, dir, strlen(dir)) ? e.file : e.file + strlen(dir) + 1;

	snprintf(buf, sizeof(buf), "%s:%u: %s", file, e.line, e.msg);
	return buf;
}

TEST(the_main_file_selects_a_role_and_changes_only_the_keys_it_gives)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	int g;

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\n[layer.game]\nweight = 600\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(c->role, "game");
	CHECK_STR(c->source, main_ini);
	CHECK_STR(order(c), "game bg rest");
	g = layer(c, "game");
	CHECK_INT(c->layers[g].weight, 600);
	CHECK_INT(c->layers[g].slice_ns, 1000000);	/* the role's */
	CHECK_STR(matches(c, "game"), "comm=game | comm=engine");
	CHECK_INT(c->log_level, 5);			/* LOG_NOTICE, the role's */
	free(c);
}

TEST(drop_ins_apply_after_the_main_file_in_lexical_order)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\n[layer.bg]\nweight = 30\n");
	put("etc/scxd.ini.d/20-b.ini", "[layer.bg]\nweight = 20\n");
	put("etc/scxd.ini.d/10-a.ini", "[layer.bg]\nweight = 10\nslice_us = 40000\n");
	put("etc/scxd.ini.d/09-z.ini", "[scxd]\nlog_level = debug\n");
	put("etc/scxd.ini.d/30-c.ini.bak", "[layer.bg]\nweight = 99\n");
	put("etc/scxd.ini.d/.40-d.ini", "[layer.bg]\nweight = 98\n");
	CHECK_INT(load(c), 0);
	CHECK_INT(c->layers[layer(c, "bg")].weight, 20);
	CHECK_INT(c->layers[layer(c, "bg")].slice_ns, 40000000);
	CHECK_INT(c->log_level, 7);
	free(c);
}

TEST(match_lines_add_to_the_layer_and_an_empty_match_forgets_them)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\n[layer.game]\nmatch = comm=extra\n"
			    "[layer.bg]\nmatch =\nmatch = comm=steam\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(matches(c, "game"), "comm=game | comm=engine | comm=extra");
	CHECK_STR(matches(c, "bg"), "comm=steam");
	/* A drop-in may forget what the main file added too. */
	put("etc/scxd.ini.d/a.ini", "[layer.game]\nmatch =\nmatch = cgroup=/g.slice\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(matches(c, "game"), "cgroup=/g.slice");
	free(c);
}

TEST(a_new_layer_goes_before_the_catch_all_or_where_before_says)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\n"
			    "[layer.a]\npolicy = latency\nmatch = comm=a\n"
			    "[layer.b]\npolicy = throughput\nmatch = comm=b\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(order(c), "game bg a b rest");
	/* before = places a new layer, and moves one the role has. */
	put("etc/scxd.ini.d/x.ini", "[layer.c]\npolicy = latency\nmatch = comm=c\nbefore = game\n"
				   "[layer.bg]\nbefore = game\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(order(c), "c bg game a b rest");
	/* ... to a layer further down the same file, too. */
	put("etc/scxd.ini.d/x.ini", "[layer.game]\nbefore = b\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(order(c), "bg a game b rest");
	put("etc/scxd.ini.d/x.ini", "[layer.game]\nbefore = nope\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini.d/x.ini:2: before = nope: no layer 'nope'");
	put("etc/scxd.ini.d/x.ini", "[layer.game]\n\nbefore = game\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini.d/x.ini:3: layer 'game' cannot be placed before itself");
	free(c);
}

TEST(an_admin_role_replaces_the_vendor_one_and_default_is_built_in)
{
	struct scxd_config *c = calloc(1, sizeof(*c)), *b = calloc(1, sizeof(*b));

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\n");
	put("etc/roles/game.ini", "[layer.mine]\npolicy = throughput\nmatch = *\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(order(c), "mine");
	CHECK_STR(c->role, "game");
	/* Without role =, role "default": the built-in configuration. */
	put("etc/scxd.ini", "[layer.batch]\nweight = 77\n");
	CHECK_INT(load(c), 0);
	CHECK_INT(config_load_default(b), 0);
	CHECK_STR(c->role, "default");
	CHECK_STR(order(c), order(b));
	CHECK_INT(c->layers[layer(c, "batch")].weight, 77);
	/* An empty main file is role "default" as it is. */
	put("etc/scxd.ini", "");
	CHECK_INT(load(c), 0);
	CHECK_INT(c->nr_rules, b->nr_rules);
	CHECK_INT(memcmp(c->layers, b->layers, sizeof(c->layers)), 0);
	free(c);
	free(b);
}

TEST(a_main_file_with_a_catch_all_is_complete_and_reads_no_role)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	fresh();
	/* As every scxd.ini was before roles came in files: role is a label. */
	put("etc/scxd.ini", "[scxd]\nrole = game\nlog_level = debug\n"
			    "[layer.x]\npolicy = latency\nmatch = comm=x\n"
			    "[layer.all]\npolicy = throughput\nmatch = *\n");
	put("etc/scxd.ini.d/a.ini", "[layer.x]\nweight = 5\n");
	CHECK_INT(load(c), 0);
	CHECK_STR(order(c), "x all");
	CHECK_STR(c->role, "game");
	CHECK_INT(c->layers[0].weight, 5);
	/* A role asked for by name (role set) replaces its layers; its
	 * [scxd] settings and the drop-ins stay. */
	{
		struct config_stack s = { .main = main_ini, .role = "other", .role_dirs = dirs };

		put("etc/scxd.ini.d/a.ini", "[layer.o]\nweight = 5\n");
		CHECK_INT(config_stack_load(c, &s, NULL, &e), 0);
		CHECK_STR(order(c), "o rest");
		CHECK_STR(c->role, "other");
		CHECK_INT(c->log_level, 7);
		CHECK_INT(c->layers[0].weight, 5);
	}
	free(c);
}

TEST(role_set_runs_another_role_with_the_files_changes)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_stack s = { .main = main_ini, .role = "other", .role_dirs = dirs };

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\nlog_level = debug\n[layer.rest]\nweight = 9\n");
	CHECK_INT(config_stack_load(c, &s, NULL, &e), 0);
	CHECK_STR(c->role, "other");
	CHECK_STR(order(c), "o rest");
	CHECK_INT(c->layers[1].weight, 9);
	/* A change to a layer that role lacks makes a new layer, which then
	 * needs a policy: refused, at the line that made it. */
	put("etc/scxd.ini", "[scxd]\nrole = game\n[layer.bg]\nweight = 9\n");
	CHECK_INT(config_stack_load(c, &s, NULL, &e), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini:3: layer 'bg' has no policy");
	/* The role alone (role show). */
	s.main = NULL;
	s.role = "game";
	CHECK_INT(config_stack_load(c, &s, NULL, &e), 0);
	CHECK_STR(c->source + strlen(dir), "/usr/roles/game.ini");
	CHECK_INT(c->layers[0].weight, 400);
	free(c);
}

TEST(errors_name_the_file_and_line_they_are_in_and_change_nothing)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\n");
	CHECK_INT(load(c), 0);
	c->layers[0].weight = 4242;
	/* A bad value in a drop-in, even one a later drop-in would replace. */
	put("etc/scxd.ini.d/10.ini", "[layer.bg]\n; comment\nweight = lots\n");
	put("etc/scxd.ini.d/20.ini", "[layer.bg]\nweight = 3\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini.d/10.ini:3: weight must be a number in 1..10000, not 'lots'");
	CHECK_INT(c->layers[0].weight, 4242);
	/* Keys that only clash once stacked: the line that made the clash. */
	put("etc/scxd.ini.d/10.ini", "[layer.bg]\n\npreempt = yes\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini.d/10.ini:3: preempt is only for latency and auto layers");
	put("etc/scxd.ini.d/10.ini", "[layer.game]\nkind = confined\ncpus = 0-2\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini.d/10.ini:3: cpus minimum must be at least 1 for a confined layer, not '0-2'");
	/* A broken role file: its own name and line. */
	put("etc/scxd.ini.d/10.ini", "");
	put("etc/roles/game.ini", "[layer.g]\npolicy = latency\nmatch = comx=1\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/roles/game.ini:3: unknown key 'comx' in 'comx=1'");
	/* A role that is not there: at the line that asks for it. */
	put("etc/scxd.ini.d/10.ini", "; x\n[scxd]\nrole = nosuch\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_CONTAINS(error(), "etc/scxd.ini.d/10.ini:3: no role 'nosuch' in ");
	put("etc/scxd.ini.d/10.ini", "[scxd]\nrole = ../game\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini.d/10.ini:2: role must be 1..63 characters of A-Z a-z 0-9 _ . -, not '../game'");
	/* Syntax the parser of one file refuses, in a part too. */
	put("etc/scxd.ini.d/10.ini", "[layer.bg]\nweight = 3\nweight = 4\n");
	CHECK_INT(load(c), -EINVAL);
	CHECK_STR(error(), "etc/scxd.ini.d/10.ini:3: 'weight' set twice in [layer.bg]");
	/* "before" means nothing in one whole file. */
	CHECK_INT(config_load_string(c, "[layer.a]\npolicy=latency\nbefore=b\nmatch=*\n", "x", &e),
		  -EINVAL);
	CHECK_STR(error(), "x:3: 'before' only places a layer that a file adds to a role");
	CHECK_INT(c->layers[0].weight, 4242);
	free(c);
}

TEST(a_main_file_that_cannot_be_read_is_an_error_a_missing_drop_in_dir_is_not)
{
	struct scxd_config *c = calloc(1, sizeof(*c));

	fresh();
	CHECK_INT(load(c), -ENOENT);
	CHECK_CONTAINS(error(), "etc/scxd.ini:0: ");
	put("etc/scxd.ini", "[scxd]\nrole = game\n");
	CHECK_INT(load(c), 0);
	free(c);
}

TEST(explain_shows_every_key_and_the_file_and_line_it_came_from)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_stack s = { .main = main_ini, .role_dirs = dirs };
	char *out = NULL, want[512];
	size_t len = 0;
	FILE *f;

	fresh();
	put("etc/scxd.ini", "[scxd]\nrole = game\n\n[layer.game]\nweight = 600\n");
	put("etc/scxd.ini.d/10.ini", "[layer.n]\npolicy = latency\nmatch = comm=n\n");
	f = open_memstream(&out, &len);
	CHECK(f);
	CHECK_INT(config_stack_load(c, &s, f, &e), 0);
	fclose(f);
	/* The files in the order they apply: the role first. */
	snprintf(want, sizeof(want), ";   1. %s/usr/roles/game.ini\n;   2. %s\n;   3. %s.d/10.ini\n",
		 dir, main_ini, main_ini);
	CHECK_CONTAINS(out, want);
	snprintf(want, sizeof(want), "weight = 600                            ; %s:5\n", main_ini);
	CHECK_CONTAINS(out, want);
	snprintf(want, sizeof(want), "slice_us = 1000                         ; %s/usr/roles/game.ini:8\n",
		 dir);
	CHECK_CONTAINS(out, want);
	CHECK_CONTAINS(out, "kind = open                             ; default\n");
	snprintf(want, sizeof(want), "[layer.n]                               ; %s.d/10.ini:1\n", main_ini);
	CHECK_CONTAINS(out, want);
	snprintf(want, sizeof(want), "log_level = notice                      ; %s/usr/roles/game.ini:4\n",
		 dir);
	CHECK_CONTAINS(out, want);
	/* Layer n sits before the catch-all. */
	CHECK(strstr(out, "[layer.n]") < strstr(out, "[layer.rest]"));
	CHECK(strstr(out, "[layer.bg]") < strstr(out, "[layer.n]"));
	free(out);
	free(c);
}

/*
 * Files that are not text files where one is expected: a clear error at
 * once, never a hang (alarm() turns one into a failed test) nor a read
 * of 100 MB.
 */
TEST(a_fifo_directory_symlink_loop_or_huge_file_is_an_error_not_a_hang)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	char path[256], other[256];
	FILE *f;

	fresh();
	alarm(20);
	put("etc/scxd.ini.d/keep", NULL);
	/* The main file a FIFO, with no writer: open() would wait forever. */
	CHECK_INT(mkfifo(main_ini, 0600), 0);
	CHECK_INT(load(c), -EINVAL);
	CHECK_CONTAINS(error(), "etc/scxd.ini:0: not a regular file");
	unlink(main_ini);
	/* A directory. */
	CHECK_INT(mkdir(main_ini, 0700), 0);
	CHECK_INT(load(c), -EISDIR);
	CHECK_CONTAINS(error(), "etc/scxd.ini:0: Is a directory");
	rmdir(main_ini);
	/* A symlink loop. */
	snprintf(other, sizeof(other), "%s/etc/loop", dir);
	CHECK_INT(symlink(other, main_ini), 0);
	CHECK_INT(symlink(main_ini, other), 0);
	CHECK_INT(load(c), -ELOOP);
	CHECK_CONTAINS(error(), "etc/scxd.ini:0: Too many levels of symbolic links");
	unlink(main_ini);
	unlink(other);
	/* 100 MB (sparse): refused past 1 MiB, not read whole. */
	f = fopen(main_ini, "w");
	CHECK(f);
	CHECK_INT(ftruncate(fileno(f), 100 << 20), 0);
	fclose(f);
	CHECK_INT(load(c), -EFBIG);
	CHECK_CONTAINS(error(), "etc/scxd.ini:0: larger than 1048576 bytes");
	/* A FIFO among the drop-ins, and as a role file. */
	put("etc/scxd.ini", "[scxd]\nrole = game\n");
	snprintf(path, sizeof(path), "%s.d/10.ini", main_ini);
	CHECK_INT(mkfifo(path, 0600), 0);
	CHECK_INT(load(c), -EINVAL);
	CHECK_CONTAINS(error(), "etc/scxd.ini.d/10.ini:0: not a regular file");
	unlink(path);
	snprintf(path, sizeof(path), "%s/game.ini", admin);
	put("etc/roles/x", NULL);
	CHECK_INT(mkfifo(path, 0600), 0);
	CHECK_INT(load(c), -EINVAL);
	CHECK_CONTAINS(error(), "etc/roles/game.ini:0: not a regular file");
	alarm(0);
	free(c);
}

/* tests/unit/test_config_stack.c -> the repository root, as compiled. */
static void repo_root(char *buf, size_t len)
{
	const char *tail = strstr(__FILE__, "tests/unit/test_config_stack.c");

	snprintf(buf, len, "%.*s", tail ? (int)(tail - __FILE__) : 0, __FILE__);
}

TEST(the_built_in_configuration_is_the_shipped_default_role_file)
{
	struct config_error err = {0};
	char path[512];
	char *text = NULL;

	repo_root(path, sizeof(path));
	strcat(path, "config/roles/default.ini");
	CHECK_INT(config_read_file(path, &text, &err), 0);
	CHECK_STR(config_builtin_text(), text);
	free(text);
}

TEST(every_shipped_role_can_be_selected_and_changed)
{
	static const char *const names[] = {
		"default", "desktop", "gaming", "build", "server", "database", "batch",
	};
	struct scxd_config *c = calloc(1, sizeof(*c));
	char shipped[512], text[256];

	repo_root(shipped, sizeof(shipped));
	strcat(shipped, "config/roles");
	fresh();
	dirs[1] = shipped;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(text, sizeof(text), "[scxd]\nrole = %s\n[layer.t]\npolicy = latency\n"
			 "match = comm=t\nbefore = %s\n", names[i], "default");
		put("etc/scxd.ini", text);
		if (load(c)) {
			printf("  %s: %s\n", names[i], error());
			CHECK(0);
		}
		CHECK_STR(c->role, names[i]);
		CHECK_INT(layer(c, "t"), c->nr_layers - 2);
	}
	free(c);
}

TEST(cleanup)
{
	CHECK_INT(test_rm_dir(dir), 0);
}

TEST_MAIN
