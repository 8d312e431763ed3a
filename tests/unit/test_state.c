/* test_state.c - the daemon's files: the saved configuration
 * (daemon/saved.c) and the roles directory (daemon/roles.c). */
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

static int collect(const char *name, void *data)
{
	struct names *x = data;

	snprintf(x->all + strlen(x->all), sizeof(x->all) - strlen(x->all), "%s ", name);
	return ++x->n == x->stop_after;
}

TEST(roles_are_the_ini_files_of_the_directory_in_name_order)
{
	struct names x = {0};
	char sub[128];

	test_new_dir(dir);
	put("server.ini", "; server.ini - a server\n");
	put("build.ini", "# build.ini - a build box\n");
	put("desktop.ini", ";no dash here\n");
	put(".hidden.ini", "");
	put("notes.txt", "");
	put(".ini", "");
	CHECK_INT(roles_list(dir, collect, &x), 0);
	CHECK_STR(x.all, "build desktop server ");
	x = (struct names){ .stop_after = 2 };
	CHECK_INT(roles_list(dir, collect, &x), 1);
	CHECK_STR(x.all, "build desktop ");
	snprintf(sub, sizeof(sub), "%s/none", dir);
	x = (struct names){0};
	CHECK_INT(roles_list(sub, collect, &x), 0);
	CHECK_INT(x.n, 0);
}

TEST(a_role_is_found_by_a_valid_name_and_described_by_its_first_comment)
{
	char path[PATH_MAX], desc[128];

	test_new_dir(dir);
	put("server.ini", "; server.ini - a server\n[layer.x]\n");
	put("build.ini", "#  build box\n");
	put("plain.ini", "[layer.x]\n");
	CHECK_INT(role_path(dir, "server", path, sizeof(path)), 0);
	role_description(path, desc, sizeof(desc));
	CHECK_STR(desc, "a server");
	CHECK_INT(role_path(dir, "build", path, sizeof(path)), 0);
	role_description(path, desc, sizeof(desc));
	CHECK_STR(desc, " build box");
	CHECK_INT(role_path(dir, "plain", path, sizeof(path)), 0);
	role_description(path, desc, sizeof(desc));
	CHECK_STR(desc, "");
	CHECK_INT(role_path(dir, "gaming", path, sizeof(path)), -ENOENT);
	CHECK_INT(role_path(dir, "../server", path, sizeof(path)), -EINVAL);
	CHECK_INT(role_path(dir, ".hidden", path, sizeof(path)), -EINVAL);
	CHECK_INT(role_path(dir, "", path, sizeof(path)), -EINVAL);
}

TEST(cleanup)
{
	CHECK_INT(test_rm_dir(dir), 0);
}

TEST_MAIN
