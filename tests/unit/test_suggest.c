/* test_suggest.c - lib/suggest.c: judging processes by what they did over
 * a window and grouping them into a configuration, on recorded snapshots
 * (the "processes" method's figures, as a 10 s window of the VM case's
 * workload: a 1 kHz loop and four hogs in one cgroup, a shell, a mixed
 * daemon, an idle one). */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "suggest.h"
#include "test.h"

static struct proto_processes before, after;

/* A process in both snapshots: @d* are what it did over the window. */
static void add(const char *comm, const char *cgroup, int pid, uint64_t dwake, uint64_t dcpu_ms,
		uint64_t druns, uint64_t dshort)
{
	struct proto_process *b = &before.processes[before.nr_processes++];
	struct proto_process *a = &after.processes[after.nr_processes++];

	memset(b, 0, sizeof(*b));
	b->pid = pid;
	b->ppid = 1;
	snprintf(b->comm, sizeof(b->comm), "%s", comm);
	snprintf(b->cgroup, sizeof(b->cgroup), "%s", cgroup);
	b->threads = 1;
	b->wakeups = 1000;
	b->cpu_ns = 5000000000ULL;
	b->runs = 900;
	b->short_runs = 400;
	*a = *b;
	a->wakeups += dwake;
	a->cpu_ns += dcpu_ms * 1000000ULL;
	a->runs += druns;
	a->short_runs += dshort;
}

static void workload(void)
{
	memset(&before, 0, sizeof(before));
	memset(&after, 0, sizeof(after));
	/* 1 kHz, every run short: 0.5 CPUs under emulation. */
	add("frameloop", "/auto", 300, 10000, 5000, 10000, 9800);
	for (int i = 0; i < 4; i++)	/* never sleep: no run ends */
		add("hogA", "/auto", 310 + i, 0, 5000, 0, 0);
	add("bash", "/", 200, 3, 2, 3, 3);			/* idle */
	add("rsyslogd", "/system.slice", 150, 200, 1500, 200, 120);	/* mixed */
	before.processes[before.nr_processes - 1].kthread = false;
	/* A kernel thread: never suggested. */
	add("kworker/0:1", "/", 2, 50000, 3000, 50000, 50000);
	after.processes[after.nr_processes - 1].kthread = true;
}

static const struct suggest_proc *find(const struct suggest_proc *s, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].p.pid == pid)
			return &s[i];
	return NULL;
}

TEST(processes_are_judged_by_what_they_did_in_the_window)
{
	struct suggest_proc *s;
	size_t n;

	workload();
	CHECK_INT(suggest_observe(&before, &after, 10, &s, &n), 0);
	CHECK_INT(n, 7);	/* not the kernel thread */
	CHECK_INT(find(s, n, 300)->kind, SUGGEST_LATENCY);
	CHECK(find(s, n, 300)->wakeups_per_s == 1000);
	CHECK(find(s, n, 300)->cpus == 0.5);
	CHECK_INT(find(s, n, 310)->kind, SUGGEST_THROUGHPUT);
	CHECK_INT(find(s, n, 200)->kind, SUGGEST_IDLE);
	CHECK_INT(find(s, n, 150)->kind, SUGGEST_MIXED);
	CHECK(find(s, n, 2) == NULL);
	free(s);
}

TEST(a_process_that_started_in_the_window_or_lost_threads_counts_sanely)
{
	struct suggest_proc *s;
	size_t n;

	workload();
	/* A new process: all it did is in the window. */
	after.processes[after.nr_processes].pid = 400;
	snprintf(after.processes[after.nr_processes].comm, SCXD_COMM_LEN, "make");
	after.processes[after.nr_processes].cpu_ns = 8000000000ULL;
	after.nr_processes++;
	/* A thread of the hog exited: its counts went with it. */
	after.processes[1].cpu_ns = before.processes[1].cpu_ns - 1;
	CHECK_INT(suggest_observe(&before, &after, 10, &s, &n), 0);
	CHECK(find(s, n, 400)->cpus == 0.8);
	CHECK_INT(find(s, n, 400)->kind, SUGGEST_THROUGHPUT);
	CHECK(find(s, n, 310)->cpus == 0);
	free(s);
}

TEST(the_suggestion_puts_the_waker_and_the_hogs_apart_and_loads)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_error e;
	struct suggest_proc *s;
	char *text;
	size_t n;
	int lat, tput;

	workload();
	CHECK(c);
	CHECK_INT(suggest_observe(&before, &after, 10, &s, &n), 0);
	text = suggest_ini(s, n, 10, "observed for a test\nsecond line");
	CHECK(text);
	CHECK_INT(config_load_string(c, text, "(suggestion)", &e), 0);
	CHECK_CONTAINS(text, "; observed for a test\n; second line\n[scxd]\n");
	CHECK_INT(c->nr_layers, 3);
	lat = config_layer_find(c, "frameloop");
	tput = config_layer_find(c, "hogA");
	CHECK_INT(lat, 0);
	CHECK_INT(tput, 1);
	CHECK_INT(c->layers[lat].policy, SCXD_POLICY_LATENCY);
	CHECK_INT(c->layers[tput].policy, SCXD_POLICY_THROUGHPUT);
	CHECK_INT(c->layers[2].policy, SCXD_POLICY_AUTO);
	/* They share a cgroup: by name, never by pid. */
	CHECK_STR(c->rule_text[0], "pcomm=frameloop");
	CHECK_STR(c->rule_text[1], "pcomm=hogA");
	CHECK_STR(c->rule_text[2], "*");
	CHECK_CONTAINS(text, "; 1 process (frameloop): 98% of runs under 5000 us, 1000 wakeups/s, "
		       "0.50 CPUs\n");
	CHECK_CONTAINS(text, "; 4 processes (hogA): no run ended in a sleep, 0 wakeups/s, 2.00 CPUs\n");
	CHECK_CONTAINS(text, "; everything else: 1 process that ran in 10 s, 1 idle;");
	free(text);
	free(s);
	free(c);
}

TEST(processes_alone_in_a_cgroup_are_matched_by_the_cgroup)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_error e;
	struct suggest_proc *s;
	char *text;
	size_t n;

	workload();
	CHECK(c);
	/* The hogs move to a cgroup of their own, with two compilers. */
	for (int i = 1; i <= 4; i++)
		snprintf(after.processes[i].cgroup, SCXD_PATH_LEN, "/build/job1");
	add("cc1", "/build/job2", 500, 0, 9000, 0, 0);
	add("ld", "/build/job2", 501, 0, 9000, 0, 0);
	CHECK_INT(suggest_observe(&before, &after, 10, &s, &n), 0);
	text = suggest_ini(s, n, 10, NULL);
	CHECK(text);
	CHECK_INT(config_load_string(c, text, "(suggestion)", &e), 0);
	/* Largest first: cc1 and ld's cgroup, then the hogs'. */
	CHECK_STR(c->rule_text[1], "cgroup=/build/job2");
	CHECK_STR(c->rule_text[2], "cgroup=/build/job1");
	CHECK_STR(c->layers[1].name, "job2-and-1");
	free(text);
	free(s);
	free(c);
}

TEST(a_name_shared_with_a_process_of_another_kind_is_not_a_rule)
{
	struct suggest_proc *s;
	char *text;
	size_t n;

	workload();
	/* A second "frameloop" that hogs: pcomm=frameloop would take both. */
	add("frameloop", "/", 301, 0, 9000, 0, 0);
	CHECK_INT(suggest_observe(&before, &after, 10, &s, &n), 0);
	text = suggest_ini(s, n, 10, NULL);
	CHECK(text);
	CHECK(!strstr(text, "pcomm=frameloop"));
	CHECK_CONTAINS(text, "left to the catch-all");
	free(text);
	free(s);
}

TEST(against_a_role_only_the_groups_it_serves_otherwise_are_proposed)
{
	struct scxd_config *role = calloc(1, sizeof(*role));
	struct config_error e;
	struct suggest_proc *s;
	char *diff;
	size_t n;

	workload();
	CHECK(role);
	CHECK_INT(suggest_observe(&before, &after, 10, &s, &n), 0);
	/* The hogs are where they belong; the loop is not. */
	CHECK_INT(config_load_string(role, "[layer.batch]\npolicy = throughput\n"
				     "match = comm=hogA\n[layer.rest]\npolicy = throughput\n"
				     "match = *\n", "role", &e), 0);
	diff = suggest_diff(s, n, 10, role);
	CHECK(diff);
	CHECK_CONTAINS(diff, "; frameloop now in rest (throughput); served as latency in the 10 s "
		       "observed\n");
	CHECK_CONTAINS(diff, "+ [layer.frameloop] before = rest\n"
		       "+ [layer.frameloop] policy = latency\n"
		       "+ [layer.frameloop] match = pcomm=frameloop\n");
	CHECK(!strstr(diff, "hogA"));
	free(diff);
	/* An auto catch-all serves everyone as they behave: nothing to add. */
	CHECK_INT(config_load_string(role, "[layer.rest]\npolicy = auto\nmatch = *\n", "role", &e), 0);
	diff = suggest_diff(s, n, 10, role);
	CHECK(diff);
	CHECK_STR(diff, "");
	free(diff);
	free(s);
	free(role);
}

TEST_MAIN
