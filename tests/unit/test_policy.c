/* test_policy.c - bpf/policy.h, the matcher the scheduler runs, driven by
 * rules written in the configuration syntax. */
#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "policy.h"
#include "rule.h"
#include "test.h"

/* A shell in a user session: the task most tests start from. */
static struct scxd_task_facts shell(void)
{
	struct scxd_task_facts f = {
		.comm = "bash",
		.pcomm = "bash",
		.cgroup = "/user.slice/user-1000.slice/session-2.scope",
		.uid = 1000, .gid = 100, .nice = 0,
		.pid = 4242, .tgid = 4242, .ppid = 4000,
		.kthread = 0, .leader = 1,
	};
	return f;
}

static struct scxd_task_facts with_comm(const char *comm)
{
	struct scxd_task_facts f = shell();

	snprintf(f.comm, sizeof(f.comm), "%s", comm);
	return f;
}

static struct scxd_task_facts in_cgroup(const char *cgroup)
{
	struct scxd_task_facts f = shell();

	snprintf(f.cgroup, sizeof(f.cgroup), "%s", cgroup);
	return f;
}

/* 1 or 0 as scxd_rule_match() says; -1 (and a message) if @text does not parse. */
static int match(const char *text, struct scxd_task_facts f)
{
	struct scxd_rule r;
	char err[256];

	if (rule_parse(text, &r, err, sizeof(err))) {
		printf("  '%s': %s\n", text, err);
		return -1;
	}
	return scxd_rule_match(&r, &f);
}

TEST(an_exact_comm_matches_only_that_comm)
{
	CHECK_INT(match("comm=bash", shell()), 1);
	CHECK_INT(match("comm=bas", shell()), 0);
	CHECK_INT(match("comm=bash2", shell()), 0);
	CHECK_INT(match("comm=Bash", shell()), 0);
}

TEST(a_comm_prefix_matches_every_comm_that_starts_with_it)
{
	CHECK_INT(match("comm=cc1*", with_comm("cc1")), 1);
	CHECK_INT(match("comm=cc1*", with_comm("cc1plus")), 1);
	CHECK_INT(match("comm=cc1*", with_comm("cc")), 0);
	CHECK_INT(match("comm=cc1*", with_comm("xcc1")), 0);
}

TEST(a_fifteen_character_comm_matches_exactly_and_as_a_prefix)
{
	struct scxd_task_facts f = with_comm("Isolated Web Co");

	CHECK_INT(match("comm=Isolated Web Co", f), 1);
	CHECK_INT(match("comm=Isolated Web Co*", f), 1);
	CHECK_INT(match("comm=Isolated Web C", f), 0);
	CHECK_INT(match("comm=Isolated*", f), 1);
}

TEST(negated_comm_conditions_match_everything_else)
{
	CHECK_INT(match("comm!=bash", shell()), 0);
	CHECK_INT(match("comm!=zsh", shell()), 1);
	CHECK_INT(match("comm!=ba*", shell()), 0);
	CHECK_INT(match("comm!=z*", shell()), 1);
	CHECK_INT(match("comm!=bash*", with_comm("bashbug")), 0);
}

TEST(pcomm_looks_at_the_thread_group_leader_and_comm_at_the_thread)
{
	struct scxd_task_facts f = with_comm("Web Content");

	strcpy(f.pcomm, "firefox");
	CHECK_INT(match("pcomm=firefox", f), 1);
	CHECK_INT(match("pcomm=fire*", f), 1);
	CHECK_INT(match("comm=firefox", f), 0);
	CHECK_INT(match("pcomm=Web Content", f), 0);
	CHECK_INT(match("comm=Web Content", f), 1);
	CHECK_INT(match("pcomm!=firefox", f), 0);
	CHECK_INT(match("pcomm!=fire*", f), 0);
}

TEST(a_cgroup_matches_itself_and_everything_below_it)
{
	CHECK_INT(match("cgroup=/a", in_cgroup("/a")), 1);
	CHECK_INT(match("cgroup=/a", in_cgroup("/a/b")), 1);
	CHECK_INT(match("cgroup=/a", in_cgroup("/a/b/c")), 1);
	CHECK_INT(match("cgroup=/a/", in_cgroup("/a/b")), 1);
	CHECK_INT(match("cgroup=/a/b", in_cgroup("/a/b")), 1);
}

TEST(a_cgroup_does_not_match_a_sibling_that_shares_its_prefix)
{
	CHECK_INT(match("cgroup=/a", in_cgroup("/ab")), 0);
	CHECK_INT(match("cgroup=/a", in_cgroup("/ab/a")), 0);
	CHECK_INT(match("cgroup=/a/b", in_cgroup("/a")), 0);
	CHECK_INT(match("cgroup=/a/b", in_cgroup("/a/bc")), 0);
	CHECK_INT(match("cgroup=/a", in_cgroup("/")), 0);
}

TEST(the_root_cgroup_matches_every_task)
{
	CHECK_INT(match("cgroup=/", in_cgroup("/")), 1);
	CHECK_INT(match("cgroup=/", in_cgroup("/a")), 1);
	CHECK_INT(match("cgroup=/", shell()), 1);
	CHECK_INT(match("cgroup!=/", shell()), 0);
}

TEST(a_negated_cgroup_matches_outside_the_subtree)
{
	CHECK_INT(match("cgroup!=/a", in_cgroup("/a")), 0);
	CHECK_INT(match("cgroup!=/a", in_cgroup("/a/b")), 0);
	CHECK_INT(match("cgroup!=/a", in_cgroup("/ab")), 1);
	CHECK_INT(match("cgroup!=/system.slice", shell()), 1);
}

TEST(the_longest_cgroup_path_matches)
{
	char rule[160] = "cgroup=/", path[SCXD_PATH_LEN] = "/";

	memset(path + 1, 'x', SCXD_PATH_LEN - 2);
	strcat(rule, path + 1);
	CHECK_INT(strlen(path), SCXD_PATH_LEN - 1);
	CHECK_INT(match(rule, in_cgroup(path)), 1);
	path[SCXD_PATH_LEN - 2] = 'y';
	CHECK_INT(match(rule, in_cgroup(path)), 0);
}

TEST(numeric_operators_compare_as_written)
{
	struct scxd_task_facts f = shell();

	f.nice = -5;
	CHECK_INT(match("nice=-5", f), 1);
	CHECK_INT(match("nice!=-5", f), 0);
	CHECK_INT(match("nice<0", f), 1);
	CHECK_INT(match("nice<-5", f), 0);
	CHECK_INT(match("nice<=-5", f), 1);
	CHECK_INT(match("nice>-6", f), 1);
	CHECK_INT(match("nice>-5", f), 0);
	CHECK_INT(match("nice>=-5", f), 1);
	CHECK_INT(match("nice>=-4", f), 0);
}

TEST(every_numeric_key_reads_its_own_fact)
{
	struct scxd_task_facts f = shell();

	CHECK_INT(match("uid=1000", f), 1);
	CHECK_INT(match("uid=100", f), 0);
	CHECK_INT(match("gid=100", f), 1);
	CHECK_INT(match("gid=1000", f), 0);
	CHECK_INT(match("pid=4242", f), 1);
	CHECK_INT(match("tgid=4242", f), 1);
	CHECK_INT(match("ppid=4000", f), 1);
	CHECK_INT(match("ppid=4242", f), 0);
	f.pid = 4243;
	CHECK_INT(match("pid=4242", f), 0);
	CHECK_INT(match("tgid=4242", f), 1);
}

TEST(kthread_and_leader_match_yes_and_no)
{
	struct scxd_task_facts f = shell();

	CHECK_INT(match("kthread=no", f), 1);
	CHECK_INT(match("kthread=yes", f), 0);
	CHECK_INT(match("leader=yes", f), 1);
	CHECK_INT(match("leader!=yes", f), 0);
	f.kthread = 1;
	f.leader = 0;
	CHECK_INT(match("kthread=yes", f), 1);
	CHECK_INT(match("kthread!=no", f), 1);
	CHECK_INT(match("leader=no", f), 1);
}

TEST(all_conditions_of_a_rule_must_hold)
{
	struct scxd_task_facts f = with_comm("cc1plus");

	f.nice = 5;
	CHECK_INT(match("comm=cc1* && nice>0", f), 1);
	CHECK_INT(match("comm=cc1* && nice>0 && cgroup=/user.slice && kthread=no", f), 1);
	CHECK_INT(match("comm=cc1* && nice<0", f), 0);
	CHECK_INT(match("comm=rustc && nice>0", f), 0);
	CHECK_INT(match("comm=cc1* && nice>0 && cgroup=/user.slice && kthread=yes", f), 0);
}

TEST(star_matches_every_task_and_an_empty_rule_none)
{
	struct scxd_task_facts zero;
	struct scxd_rule r;

	memset(&zero, 0, sizeof(zero));
	CHECK_INT(match("*", shell()), 1);
	CHECK_INT(match("*", zero), 1);
	memset(&r, 0, sizeof(r));
	CHECK_INT(scxd_rule_match(&r, &zero), 0);
	CHECK_INT(scxd_rule_match(NULL, &zero), 0);
}

/* The first rule that matches decides, as scxd.bpf.c classifies. */
static int classify(const struct scxd_config *c, const struct scxd_task_facts *f)
{
	u32 i;

	for (i = 0; i < c->nr_rules; i++)
		if (scxd_rule_match(&c->rules[i], f))
			return c->rules[i].layer;
	return -1;
}

static const char order_ini[] =
	"[layer.audio]\n"
	"policy = latency\n"
	"match = pcomm=pipewire*\n"
	"[layer.niced]\n"
	"policy = throughput\n"
	"match = nice>0\n"
	"[layer.build]\n"
	"policy = throughput\n"
	"match = comm=cc1*\n"
	"match = cgroup=/build.slice && kthread=no\n"
	"[layer.default]\n"
	"policy = throughput\n"
	"match = *\n";

TEST(the_first_matching_rule_in_file_order_picks_the_layer)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_error e;
	struct scxd_task_facts f;

	CHECK(c);
	CHECK_INT(config_load_string(c, order_ini, "order", &e), 0);

	f = with_comm("data-loop.0");
	strcpy(f.pcomm, "pipewire");
	f.nice = 10;				/* audio comes before niced */
	CHECK_INT(classify(c, &f), config_layer_find(c, "audio"));

	f = with_comm("cc1plus");
	CHECK_INT(classify(c, &f), config_layer_find(c, "build"));
	f.nice = 19;				/* niced comes before build */
	CHECK_INT(classify(c, &f), config_layer_find(c, "niced"));

	f = in_cgroup("/build.slice/make.service");	/* the second build rule */
	CHECK_INT(classify(c, &f), config_layer_find(c, "build"));
	f.kthread = 1;
	CHECK_INT(classify(c, &f), config_layer_find(c, "default"));

	f = shell();
	CHECK_INT(classify(c, &f), config_layer_find(c, "default"));
	free(c);
}

TEST(the_built_in_configuration_sorts_common_tasks_sensibly)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct scxd_task_facts f;

	CHECK(c);
	CHECK_INT(config_load_default(c), 0);

	f = with_comm("gnome-shell");
	strcpy(f.pcomm, "gnome-shell");
	CHECK_INT(classify(c, &f), config_layer_find(c, "interactive"));
	f = with_comm("cc1plus");
	CHECK_INT(classify(c, &f), config_layer_find(c, "batch"));
	f = with_comm("rustc");
	CHECK_INT(classify(c, &f), config_layer_find(c, "batch"));
	f = with_comm("kworker/0:1");
	f.kthread = 1;
	f.nice = 5;
	CHECK_INT(classify(c, &f), config_layer_find(c, "default"));
	f = shell();
	CHECK_INT(classify(c, &f), config_layer_find(c, "default"));
	free(c);
}

TEST_MAIN
