/* test_targets.c - which processes a pin names, whose they are, and their
 * threads (daemon/targets.c), on fake /proc and cgroupfs trees. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "targets.h"
#include "test.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	test_put(root, rel, text);
}

static int has(const struct targets *t, pid_t pid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->pids[i] == pid)
			return 1;
	return 0;
}

/* root/cg is a cgroupfs: a subtree with processes at several levels. */
static void cgroup_tree(void)
{
	test_new_dir(root);
	put("cg/cgroup.procs", "1\n");
	put("cg/user.slice/cgroup.procs", "");
	put("cg/user.slice/app.scope/cgroup.procs", "100\n101\n");
	put("cg/user.slice/app.scope/worker/cgroup.procs", "102\n");
	put("cg/user.slice/app.scope/worker/deeper/cgroup.procs", "103\n");
	put("cg/user.slice/other.scope/cgroup.procs", "200\n");
	/* Files that are not cgroups are not walked into. */
	put("cg/user.slice/app.scope/cpu.weight", "100\n");
}

/* targets_add_cgroup() of @cgroup in a fresh cgroup_tree(). */
static int walk(struct targets *t, const char *cgroup)
{
	char cg[128];

	cgroup_tree();
	snprintf(cg, sizeof(cg), "%s/cg", root);
	return targets_add_cgroup(t, cg, cgroup);
}

TEST(a_cgroup_names_its_processes_and_all_below_it)
{
	struct targets t = {0};

	CHECK_INT(walk(&t, "/user.slice/app.scope"), 0);
	CHECK_INT(t.n, 4);
	CHECK(has(&t, 100) && has(&t, 101) && has(&t, 102) && has(&t, 103));
	CHECK(!has(&t, 200) && !has(&t, 1));
	targets_done(&t);
	CHECK(t.pids == NULL && t.n == 0);
}

TEST(the_root_cgroup_names_every_process)
{
	struct targets t = {0};

	CHECK_INT(walk(&t, "/"), 0);
	CHECK_INT(t.n, 6);
	CHECK(has(&t, 1) && has(&t, 200) && has(&t, 103));
	targets_done(&t);
}

TEST(a_cgroup_path_that_is_not_absolute_or_climbs_is_refused_and_a_missing_one_not_found)
{
	static const char *const bad[] = {
		"user.slice", "", "/user.slice/..", "/../etc", "/a/../../b",
	};
	struct targets t = {0};
	char cg[128], longpath[8192];

	cgroup_tree();
	snprintf(cg, sizeof(cg), "%s/cg", root);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(targets_add_cgroup(&t, cg, bad[i]), -EINVAL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK_INT(targets_add_cgroup(&t, cg, longpath), -EINVAL);
	CHECK_INT(targets_add_cgroup(&t, cg, "/user.slice/none.scope"), -ENOENT);
	CHECK_INT(t.n, 0);
	targets_done(&t);
}

TEST(a_subtree_deeper_than_the_limit_is_refused)
{
	struct targets t = {0};
	char rel[512] = "cg", cg[128];
	int i;

	test_new_dir(root);
	for (i = 0; i <= TARGETS_MAX_DEPTH + 1; i++) {
		char file[600];

		snprintf(file, sizeof(file), "%s/cgroup.procs", rel);
		put(file, "7\n");
		strcat(rel, "/d");
	}
	snprintf(cg, sizeof(cg), "%s/cg", root);
	CHECK_INT(targets_add_cgroup(&t, cg, "/"), -ELOOP);
	targets_done(&t);
	/* One level less is fine: the limit counts levels below the one named. */
	CHECK_INT(targets_add_cgroup(&t, cg, "/d"), 0);
	CHECK_INT(t.n, TARGETS_MAX_DEPTH + 1);
	targets_done(&t);
}

static void proc_tree(void)
{
	test_new_dir(root);
	/* Mine: real and effective uid 1000. */
	put("proc/10/status", "Name:\tmine\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n");
	put("proc/10/task/10/stat", "");
	put("proc/10/task/11/stat", "");
	put("proc/10/task/12/stat", "");
	/* Another user's. */
	put("proc/20/status", "Name:\tother\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	put("proc/20/task/20/stat", "");
	/* A setuid program run by 1000: the real uid is 1000, the effective one not. */
	put("proc/30/status", "Name:\tsetuid\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n");
}

TEST(only_processes_whose_real_and_effective_uid_are_the_callers_are_its_own)
{
	struct targets t = {0};
	pid_t other = 0;
	char proc[128];

	proc_tree();
	snprintf(proc, sizeof(proc), "%s/proc", root);
	CHECK_INT(targets_add(&t, 10), 0);
	CHECK_INT(targets_add(&t, 99), 0);	/* gone meanwhile: skipped */
	CHECK_INT(targets_owned_by(&t, proc, 1000, &other), 0);
	CHECK_INT(targets_owned_by(&t, proc, 1001, &other), -EPERM);
	CHECK_INT(other, 10);
	CHECK_INT(targets_add(&t, 20), 0);
	CHECK_INT(targets_owned_by(&t, proc, 1000, &other), -EPERM);
	CHECK_INT(other, 20);
	targets_done(&t);
	CHECK_INT(targets_add(&t, 30), 0);
	CHECK_INT(targets_owned_by(&t, proc, 1000, &other), -EPERM);
	CHECK_INT(other, 30);
	targets_done(&t);
}

struct seen {
	pid_t	tids[16];
	int	n;
	int	stop_at;	/* return -EIO on this call, 0: never */
};

static int saw(pid_t tid, void *data)
{
	struct seen *s = data;

	if (s->n < 16)
		s->tids[s->n] = tid;
	return ++s->n == s->stop_at ? -EIO : 0;
}

TEST(every_thread_of_every_target_is_visited_and_a_failure_stops_the_walk)
{
	struct targets t = {0};
	struct seen s = {0};
	char proc[128];
	int sum = 0;

	proc_tree();
	snprintf(proc, sizeof(proc), "%s/proc", root);
	CHECK_INT(targets_add(&t, 10), 0);
	CHECK_INT(targets_add(&t, 99), 0);	/* gone */
	CHECK_INT(targets_add(&t, 20), 0);
	CHECK_INT(targets_for_each_thread(&t, proc, saw, &s), 0);
	CHECK_INT(s.n, 4);
	for (int i = 0; i < s.n; i++)
		sum += s.tids[i];
	CHECK_INT(sum, 10 + 11 + 12 + 20);
	s = (struct seen){ .stop_at = 2 };
	CHECK_INT(targets_for_each_thread(&t, proc, saw, &s), -EIO);
	CHECK_INT(s.n, 2);
	targets_done(&t);
}

TEST(cleanup)
{
	CHECK_INT(test_rm_dir(root), 0);
}

TEST_MAIN
