/* test_rivals.c - what would fight scxd (daemon/rivals.c), found in a
 * fake /proc and sched_ext tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rivals.h"
#include "test.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	test_put(root, rel, text);
}

/* A fresh fake tree (the last one removed) with sched_ext's ops @ops. */
static void tree(const char *ops)
{
	test_new_dir(root);
	if (!root[0])
		abort();
	put("proc/1/comm", "systemd\n");
	put("proc/200/comm", "ananicy-cpp\n");
	put("proc/150/comm", "ananicy-cpp\n");	/* the first process is named */
	put("proc/300/comm", "system76-schedu\n");	/* comm keeps 15 bytes */
	put("proc/301/comm", "tuned-adm\n");	/* not tuned */
	put("proc/self/comm", "test\n");	/* not a pid */
	put("proc/cmdline", "console=ttyS0\n");
	put("sched_ext/root/ops", ops);
}

static const char *fake(const char *sub)
{
	static char p[2][128];
	static int k;

	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", root, sub);
	return p[k];
}

TEST(tuners_are_found_by_their_process_names_first_pid_each)
{
	struct proto_rival rv[PROTO_MAX_RIVALS];
	uint32_t n = 9;

	tree("");
	CHECK_INT(rivals_find(fake("proc"), fake("sched_ext"), NULL, rv, PROTO_MAX_RIVALS, &n), 0);
	CHECK_INT(n, 2);
	CHECK_STR(rv[0].name, "ananicy-cpp");
	CHECK_INT(rv[0].pid, 150);
	CHECK(strstr(rv[0].why, "renices"));
	CHECK_STR(rv[1].name, "system76-scheduler");
	CHECK_INT(rv[1].pid, 300);
}

TEST(another_sched_ext_scheduler_comes_first_and_ours_is_none_once_attached)
{
	struct proto_rival rv[PROTO_MAX_RIVALS];
	uint32_t n;

	tree("rusty_1.0\n");
	CHECK_INT(rivals_find(fake("proc"), fake("sched_ext"), "scxd", rv, PROTO_MAX_RIVALS, &n), 0);
	CHECK_INT(n, 3);
	CHECK_STR(rv[0].name, "sched_ext:rusty_1.0");
	CHECK_INT(rv[0].pid, 0);

	tree("scxd\n");
	CHECK_INT(rivals_find(fake("proc"), fake("sched_ext"), "scxd", rv, PROTO_MAX_RIVALS, &n), 0);
	CHECK_INT(n, 2);
	CHECK_STR(rv[0].name, "ananicy-cpp");
	/* Before scxd attached, an attached scxd is another instance's. */
	CHECK_INT(rivals_find(fake("proc"), fake("sched_ext"), NULL, rv, PROTO_MAX_RIVALS, &n), 0);
	CHECK_INT(n, 3);
	CHECK_STR(rv[0].name, "sched_ext:scxd");
}

TEST(the_list_is_cut_at_max_and_a_missing_proc_is_an_error)
{
	struct proto_rival rv[1];
	uint32_t n;

	tree("other\n");
	CHECK_INT(rivals_find(fake("proc"), fake("sched_ext"), "scxd", rv, 1, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(rv[0].name, "sched_ext:other");
	CHECK(rivals_find(fake("nothing"), fake("sched_ext"), "scxd", rv, 1, &n) < 0);
}

TEST(disabling_writes_s_to_the_trigger)
{
	char buf[8] = "";
	FILE *f;

	tree("");
	put("sysrq-trigger", "");
	CHECK_INT(rivals_disable_sched_ext(fake("sysrq-trigger")), 0);
	f = fopen(fake("sysrq-trigger"), "r");
	CHECK(f);
	CHECK(fgets(buf, sizeof(buf), f));
	fclose(f);
	CHECK_STR(buf, "S");
	CHECK(rivals_disable_sched_ext(fake("no/such/trigger")) < 0);
}

TEST_MAIN
