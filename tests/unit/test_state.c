/* test_state.c - the daemon's files: the saved configuration
 * (daemon/saved.c) and the role search path (lib/roles.c). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "roles.h"
#include "saved.h"
#include "test.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	test_put(dir, name, text);
}

static const char conf[] =
	"[layer.game]\npolicy = latency\nweight = 300\nmatch = comm=game\n"
	"[layer.rest]\npolicy = throughput\nmatch = *\n";

TEST(a_saved_configuration_reads_back_for_its_own_file_only)
{
	struct scxd_config *c = calloc(1, sizeof(*c)), *back = calloc(1, sizeof(*back));
	struct config_error err = {0};
	char path[128], msg[256] = "";

	CHECK(c && back);
	test_new_dir(dir);
	/* The state directory is made when missing. */
	snprintf(path, sizeof(path), "%s/state/" SAVED_NAME, dir);
	CHECK_INT(config_load_string(c, conf, "x.ini", &err), 0);
	CHECK_INT(saved_write(path, "/etc/scxd/scxd.ini", c, msg, sizeof(msg)), 0);
	CHECK_INT(saved_read(path, "/etc/scxd/scxd.ini", back, &err), 0);
	CHECK_INT(back->nr_layers, 2);
	CHECK_INT(back->layers[0].weight, 300);
	CHECK_STR(back->rule_text[0], "comm=game");
	/* Made from another file, or from the built-in configuration: not ours. */
	CHECK_INT(saved_read(path, "/etc/scxd/other.ini", back, &err), -ESTALE);
	CHECK_CONTAINS(err.msg, "base: /etc/scxd/scxd.ini");
	CHECK_INT(saved_read(path, "", back, &err), -ESTALE);
	/* No temporary file is left behind. */
	snprintf(path, sizeof(path), "%s/state/" SAVED_NAME ".tmp", dir);
	CHECK(access(path, F_OK) < 0);
	free(c);
	free(back);
}

TEST(a_missing_empty_or_broken_saved_file_is_told_apart)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_error err = {0};
	char path[128], msg[256] = "";

	CHECK(c);
	test_new_dir(dir);
	snprintf(path, sizeof(path), "%s/" SAVED_NAME, dir);
	CHECK_INT(saved_read(path, "", c, &err), -ENOENT);
	put(SAVED_NAME, "");
	CHECK_INT(saved_read(path, "", c, &err), -ESTALE);
	put(SAVED_NAME, "# scxd saved configuration, base: (built-in)\n[layer.a]\npolicy = fast\n");
	CHECK_INT(saved_read(path, "", c, &err), -EINVAL);
	CHECK_INT(err.line, 3);
	/* A FIFO in its place: refused at once, and said so. */
	unlink(path);
	CHECK_INT(mkfifo(path, 0600), 0);
	alarm(10);
	CHECK_INT(saved_read(path, "", c, &err), -EINVAL);
	alarm(0);
	CHECK_STR(err.msg, "not a regular file");
	unlink(path);
	/* Nothing to write into: the step that failed is named. */
	snprintf(path, sizeof(path), "%s/" SAVED_NAME "/sub/" SAVED_NAME, dir);
	CHECK(saved_write(path, "", c, msg, sizeof(msg)) < 0);
	CHECK_CONTAINS(msg, "creating ");
	free(c);
}

struct names {
	char	all[256];
	int	stop_after;
	int	n;
};

static int collect(const char *name, const char *path, void *data)
{
	struct names *x = data;

	snprintf(x->all + strlen(x->all), sizeof(x->all) - strlen(x->all), "%s=%s ", name,
		 strncmp(path, dir, strlen(dir)) ? path : path + strlen(dir));
	return ++x->n == x->stop_after;
}

TEST(roles_are_the_ini_files_of_the_search_path_first_one_wins_in_name_order)
{
	const char *dirs[3] = { NULL };
	char etc[128], usr[128];
	struct names x = {0};

	test_new_dir(dir);
	snprintf(etc, sizeof(etc), "%s/etc", dir);
	snprintf(usr, sizeof(usr), "%s/usr", dir);
	dirs[0] = etc;
	dirs[1] = usr;
	put("usr/server.ini", "; server.ini - a server\n");
	put("usr/build.ini", "# build.ini - a build box\n");
	put("etc/server.ini", ";no dash here\n");
	put("etc/.hidden.ini", "");
	put("usr/notes.txt", "");
	put("usr/.ini", "");
	/* "default" is always there: built in without a file. */
	CHECK_INT(roles_list(dirs, collect, &x), 0);
	CHECK_STR(x.all, "build=/usr/build.ini default=(built-in) server=/etc/server.ini ");
	x = (struct names){ .stop_after = 2 };
	CHECK_INT(roles_list(dirs, collect, &x), 1);
	CHECK_STR(x.all, "build=/usr/build.ini default=(built-in) ");
	/* A file of that name replaces the built-in one. */
	put("usr/default.ini", "; default.ini - mine\n");
	x = (struct names){0};
	CHECK_INT(roles_list(dirs, collect, &x), 0);
	CHECK_STR(x.all, "build=/usr/build.ini default=/usr/default.ini server=/etc/server.ini ");
	/* Missing directories have no roles. */
	snprintf(etc, sizeof(etc), "%s/none", dir);
	snprintf(usr, sizeof(usr), "%s/none2", dir);
	x = (struct names){0};
	CHECK_INT(roles_list(dirs, collect, &x), 0);
	CHECK_STR(x.all, "default=(built-in) ");
}

TEST(a_role_is_found_by_a_valid_name_and_described_by_its_first_comment)
{
	const char *dirs[3] = { NULL };
	char path[PATH_MAX], desc[128], etc[128];

	test_new_dir(dir);
	snprintf(etc, sizeof(etc), "%s/etc", dir);
	dirs[0] = etc;
	dirs[1] = dir;
	put("server.ini", "; server.ini - a server\n[layer.x]\n");
	put("build.ini", "#  build box\n");
	put("plain.ini", "[layer.x]\n");
	put("etc/plain.ini", "; plain.ini - the admin's\n");
	CHECK_INT(role_find(dirs, "server", path, sizeof(path)), 0);
	role_description(path, desc, sizeof(desc));
	CHECK_STR(desc, "a server");
	CHECK_INT(role_find(dirs, "build", path, sizeof(path)), 0);
	role_description(path, desc, sizeof(desc));
	CHECK_STR(desc, " build box");
	CHECK_INT(role_find(dirs, "plain", path, sizeof(path)), 0);
	CHECK_STR(path + strlen(dir), "/etc/plain.ini");
	role_description(path, desc, sizeof(desc));
	CHECK_STR(desc, "the admin's");
	CHECK_INT(role_find(dirs, "default", path, sizeof(path)), 0);
	CHECK_STR(path, ROLE_BUILTIN);
	role_description(path, desc, sizeof(desc));
	CHECK_CONTAINS(desc, "scxd's own role");
	CHECK_INT(role_find(dirs, "gaming", path, sizeof(path)), -ENOENT);
	CHECK_INT(role_find(dirs, "../server", path, sizeof(path)), -EINVAL);
	CHECK_INT(role_find(dirs, ".hidden", path, sizeof(path)), -EINVAL);
	CHECK_INT(role_find(dirs, "", path, sizeof(path)), -EINVAL);
}

TEST(cleanup)
{
	CHECK_INT(test_rm_dir(dir), 0);
}

TEST_MAIN
