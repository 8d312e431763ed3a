/* test_rivals.c - what would fight scxd (daemon/rivals.c), found in a
 * fake tree of /proc, /sys/kernel/sched_ext and tuned's profiles. */
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
	put("sys/kernel/sched_ext/root/ops", ops);
}

/* The names found, space-separated. */
static const char *names(void)
{
	static char buf[512];
	struct proto_rival rv[PROTO_MAX_RIVALS];
	uint32_t n;
	size_t o = 0;

	buf[0] = '\0';
	if (rivals_find(root, "scxd", rv, PROTO_MAX_RIVALS, &n) < 0)
		return "(error)";
	for (uint32_t i = 0; i < n; i++)
		o += snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? " " : "", rv[i].name);
	return buf;
}

TEST(tuners_are_found_by_their_process_names_first_pid_each)
{
	struct proto_rival rv[PROTO_MAX_RIVALS];
	uint32_t n = 9;

	tree("");
	CHECK_INT(rivals_find(root, NULL, rv, PROTO_MAX_RIVALS, &n), 0);
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
	CHECK_INT(rivals_find(root, "scxd", rv, PROTO_MAX_RIVALS, &n), 0);
	CHECK_INT(n, 3);
	CHECK_STR(rv[0].name, "sched_ext:rusty_1.0");
	CHECK_INT(rv[0].pid, 0);

	tree("scxd\n");
	CHECK_INT(rivals_find(root, "scxd", rv, PROTO_MAX_RIVALS, &n), 0);
	CHECK_INT(n, 2);
	CHECK_STR(rv[0].name, "ananicy-cpp");
	/* Before scxd attached, an attached scxd is another instance's. */
	CHECK_INT(rivals_find(root, NULL, rv, PROTO_MAX_RIVALS, &n), 0);
	CHECK_INT(n, 3);
	CHECK_STR(rv[0].name, "sched_ext:scxd");
}

TEST(tuned_is_a_rival_only_when_its_profile_schedules)
{
	tree("");
	put("proc/400/comm", "tuned\n");
	/* No active_profile: cannot tell, so it is named. */
	CHECK_STR(names(), "ananicy-cpp system76-scheduler tuned");

	put("etc/tuned/active_profile", "balanced\n");
	put("usr/lib/tuned/balanced/tuned.conf", "[main]\nsummary=x\n[cpu]\ngovernor=schedutil\n");
	CHECK_STR(names(), "ananicy-cpp system76-scheduler");

	/* Through an include, from /etc over /usr/lib, of two active ones. */
	put("etc/tuned/active_profile", "balanced mine\n");
	put("usr/lib/tuned/mine/tuned.conf", "[main]\n");
	put("etc/tuned/mine/tuned.conf", "[main]\ninclude = balanced, gaming\n");
	put("usr/lib/tuned/gaming/tuned.conf", "[main]\n[scheduler]\nisolated_cores=2\n");
	CHECK_STR(names(), "ananicy-cpp system76-scheduler tuned");

	/* A profile that cannot be read counts as one that schedules. */
	put("etc/tuned/active_profile", "gone\n");
	CHECK_STR(names(), "ananicy-cpp system76-scheduler tuned");

	/* Includes that loop end. */
	put("etc/tuned/active_profile", "a\n");
	put("usr/lib/tuned/a/tuned.conf", "[main]\ninclude=b\n");
	put("usr/lib/tuned/b/tuned.conf", "[main]\ninclude=a\n");
	CHECK_STR(names(), "ananicy-cpp system76-scheduler tuned");
}

TEST(the_list_is_cut_at_max_and_a_missing_proc_is_an_error)
{
	struct proto_rival rv[1];
	uint32_t n;

	tree("other\n");
	CHECK_INT(rivals_find(root, "scxd", rv, 1, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(rv[0].name, "sched_ext:other");
	/* A root without proc/. */
	CHECK(rivals_find("/nonexistent-root", "scxd", rv, 1, &n) < 0);
}

TEST(disabling_writes_s_to_the_trigger)
{
	char path[128], buf[8] = "";
	FILE *f;

	tree("");
	put("proc/sysrq-trigger", "");
	CHECK_INT(rivals_disable_sched_ext(root), 0);
	snprintf(path, sizeof(path), "%s/proc/sysrq-trigger", root);
	f = fopen(path, "r");
	CHECK(f);
	CHECK(fgets(buf, sizeof(buf), f));
	fclose(f);
	CHECK_STR(buf, "S");
	CHECK(rivals_disable_sched_ext("/nonexistent-root") < 0);
}

TEST_MAIN
