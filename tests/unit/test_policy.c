/* test_policy.c - bpf/policy.h, the matcher the scheduler runs, driven by
 * rules written in the configuration syntax. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

/* A failed check shows the rule and every fact of the task it was tried on. */
static void print_verdict(const char *rule, const struct scxd_task_facts *f, int got, int want)
{
	printf("  '%s' on comm=%s pcomm=%s cgroup=%s uid=%d gid=%d nice=%d pid=%d tgid=%d"
	       " ppid=%d kthread=%d leader=%d: %d, expected %d\n", rule, f->comm, f->pcomm,
	       f->cgroup, f->uid, f->gid, f->nice, f->pid, f->tgid, f->ppid, f->kthread,
	       f->leader, got, want);
}

/* Does match() say @want (1 or 0) for @f and each of the NULL-terminated @rules? */
static int rules_say(int want, struct scxd_task_facts f, const char *const *rules)
{
	int got;

	for (; *rules; rules++) {
		got = match(*rules, f);
		if (got != want) {
			print_verdict(*rules, &f, got, want);
			return 0;
		}
	}
	return 1;
}

/* Does match() say @want for @rule and a task made by @task() from each of @args? */
static int tasks_say(int want, const char *rule, struct scxd_task_facts (*task)(const char *),
		     const char *const *args)
{
	for (; *args; args++)
		if (!rules_say(want, task(*args), (const char *const[]){ rule, NULL }))
			return 0;
	return 1;
}

/*
 * A test's cases as sentences, one per verdict instead of one per rule:
 * the task @f matches every rule listed (or none of them); @rule matches
 * the task task(arg) for every arg listed (or for none).
 */
#define matches(f, ...) rules_say(1, f, (const char *const[]){ __VA_ARGS__, NULL })
#define matches_none(f, ...) rules_say(0, f, (const char *const[]){ __VA_ARGS__, NULL })
#define rule_matches(rule, task, ...) \
	tasks_say(1, rule, task, (const char *const[]){ __VA_ARGS__, NULL })
#define rule_misses(rule, task, ...) \
	tasks_say(0, rule, task, (const char *const[]){ __VA_ARGS__, NULL })

TEST(an_exact_comm_matches_only_that_comm)
{
	CHECK(matches(shell(), "comm=bash"));
	CHECK(matches_none(shell(), "comm=bas", "comm=bash2", "comm=Bash"));
}

TEST(a_comm_prefix_matches_every_comm_that_starts_with_it)
{
	CHECK(rule_matches("comm=cc1*", with_comm, "cc1", "cc1plus"));
	CHECK(rule_misses("comm=cc1*", with_comm, "cc", "xcc1"));
}

TEST(a_fifteen_character_comm_matches_exactly_and_as_a_prefix)
{
	struct scxd_task_facts f = with_comm("Isolated Web Co");

	CHECK(matches(f, "comm=Isolated Web Co", "comm=Isolated Web Co*", "comm=Isolated*"));
	CHECK(matches_none(f, "comm=Isolated Web C"));
}

TEST(negated_comm_conditions_match_everything_else)
{
	CHECK(matches(shell(), "comm!=zsh", "comm!=z*"));
	CHECK(matches_none(shell(), "comm!=bash", "comm!=ba*"));
	CHECK(matches_none(with_comm("bashbug"), "comm!=bash*"));
}

TEST(pcomm_looks_at_the_thread_group_leader_and_comm_at_the_thread)
{
	struct scxd_task_facts f = with_comm("Web Content");

	strcpy(f.pcomm, "firefox");
	CHECK(matches(f, "pcomm=firefox", "pcomm=fire*", "comm=Web Content"));
	CHECK(matches_none(f, "comm=firefox", "pcomm=Web Content", "pcomm!=firefox",
			   "pcomm!=fire*"));
}

TEST(a_cgroup_matches_itself_and_everything_below_it)
{
	CHECK(rule_matches("cgroup=/a", in_cgroup, "/a", "/a/b", "/a/b/c"));
	CHECK(matches(in_cgroup("/a/b"), "cgroup=/a/", "cgroup=/a/b"));
}

TEST(a_cgroup_does_not_match_a_sibling_that_shares_its_prefix)
{
	CHECK(rule_misses("cgroup=/a", in_cgroup, "/ab", "/ab/a", "/"));
	CHECK(rule_misses("cgroup=/a/b", in_cgroup, "/a", "/a/bc"));
}

TEST(the_root_cgroup_matches_every_task)
{
	CHECK(rule_matches("cgroup=/", in_cgroup, "/", "/a"));
	CHECK(matches(shell(), "cgroup=/"));
	CHECK(matches_none(shell(), "cgroup!=/"));
}

TEST(a_negated_cgroup_matches_outside_the_subtree)
{
	CHECK(rule_misses("cgroup!=/a", in_cgroup, "/a", "/a/b"));
	CHECK(rule_matches("cgroup!=/a", in_cgroup, "/ab"));
	CHECK(matches(shell(), "cgroup!=/system.slice"));
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
	CHECK(matches(f, "nice=-5", "nice<0", "nice<=-5", "nice>-6", "nice>=-5"));
	CHECK(matches_none(f, "nice!=-5", "nice<-5", "nice>-5", "nice>=-4"));
}

TEST(every_numeric_key_reads_its_own_fact)
{
	struct scxd_task_facts f = shell();

	CHECK(matches(f, "uid=1000", "gid=100", "pid=4242", "tgid=4242", "ppid=4000"));
	CHECK(matches_none(f, "uid=100", "gid=1000", "ppid=4242"));
	f.pid = 4243;
	CHECK(matches_none(f, "pid=4242"));
	CHECK(matches(f, "tgid=4242"));
}

TEST(kthread_and_leader_match_yes_and_no)
{
	struct scxd_task_facts f = shell();

	CHECK(matches(f, "kthread=no", "leader=yes"));
	CHECK(matches_none(f, "kthread=yes", "leader!=yes"));
	f.kthread = 1;
	f.leader = 0;
	CHECK(matches(f, "kthread=yes", "kthread!=no", "leader=no"));
}

TEST(all_conditions_of_a_rule_must_hold)
{
	struct scxd_task_facts f = with_comm("cc1plus");

	f.nice = 5;
	CHECK(matches(f, "comm=cc1* && nice>0",
		      "comm=cc1* && nice>0 && cgroup=/user.slice && kthread=no"));
	CHECK(matches_none(f, "comm=cc1* && nice<0", "comm=rustc && nice>0",
			   "comm=cc1* && nice>0 && cgroup=/user.slice && kthread=yes"));
}

TEST(star_matches_every_task_and_an_empty_rule_none)
{
	struct scxd_task_facts zero;
	struct scxd_rule r;

	memset(&zero, 0, sizeof(zero));
	CHECK(matches(shell(), "*"));
	CHECK(matches(zero, "*"));
	memset(&r, 0, sizeof(r));
	CHECK_INT(scxd_rule_match(&r, &zero), 0);
	CHECK_INT(scxd_rule_match(NULL, &zero), 0);
}

/* The first rule that matches decides, as scxd.bpf.c classifies: the name
 * of its layer, "(none)" if no rule matches. */
static const char *layer_of(const struct scxd_config *c, const struct scxd_task_facts *f)
{
	u32 i;

	for (i = 0; i < c->nr_rules; i++)
		if (scxd_rule_match(&c->rules[i], f))
			return c->rules[i].layer < c->nr_layers ?
			       c->layers[c->rules[i].layer].name : "(no such layer)";
	return "(none)";
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
	CHECK_STR(layer_of(c, &f), "audio");

	f = with_comm("cc1plus");
	CHECK_STR(layer_of(c, &f), "build");
	f.nice = 19;				/* niced comes before build */
	CHECK_STR(layer_of(c, &f), "niced");

	f = in_cgroup("/build.slice/make.service");	/* the second build rule */
	CHECK_STR(layer_of(c, &f), "build");
	f.kthread = 1;
	CHECK_STR(layer_of(c, &f), "default");

	f = shell();
	CHECK_STR(layer_of(c, &f), "default");
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
	CHECK_STR(layer_of(c, &f), "interactive");
	f = with_comm("cc1plus");
	CHECK_STR(layer_of(c, &f), "batch");
	f = with_comm("rustc");
	CHECK_STR(layer_of(c, &f), "batch");
	f = with_comm("kworker/0:1");
	f.kthread = 1;
	f.nice = 5;
	CHECK_STR(layer_of(c, &f), "default");
	f = shell();
	CHECK_STR(layer_of(c, &f), "default");
	free(c);
}

TEST(a_latency_burst_is_regained_at_half_a_cpu)
{
	/* 4 ms run, 16.7 ms frames: back to nothing by the next frame. */
	CHECK_INT((int)scxd_recent_burst(4000000, 0, 16700000), 0);
	CHECK_INT((int)scxd_recent_burst(4000000, 1000, 1000), 4000000);
	CHECK_INT((int)scxd_recent_burst(4000000, 0, 2000000), 3000000);
	/* Flat out: each 2 ms slice adds 2 ms and regains 1. */
	u64 b = 0, at = 0, now = 0;
	for (int i = 0; i < 10; i++) {
		now += 2000000;
		b = scxd_recent_burst(b, at, now) + 2000000;
		at = now;
	}
	CHECK_INT((int)b, 11000000);
	/* A clock that went back regains nothing. */
	CHECK_INT((int)scxd_recent_burst(5, 10, 9), 5);
}

TEST(a_task_is_stolen_once_its_cache_is_cold_or_it_waited_long)
{
	const u64 ms = 1000000, steal = ms / 2;

	/* Queued just now, ran just before: warm, left to its LLC. */
	CHECK_INT(scxd_may_steal(100 * ms, 100 * ms, 100 * ms - 1, steal), 0);
	/* Queued just now after sleeping 2 ms: cold, taken at once. */
	CHECK_INT(scxd_may_steal(100 * ms, 100 * ms, 98 * ms, steal), 1);
	/* Warm, but waiting for steal_ns already. */
	CHECK_INT(scxd_may_steal(100 * ms, 100 * ms - steal, 100 * ms - 1, steal), 1);
	/* Never ran: nothing to keep warm. */
	CHECK_INT(scxd_may_steal(100 * ms, 100 * ms, 0, steal), 1);
	/* steal_ns 0: anything queued may go. */
	CHECK_INT(scxd_may_steal(100 * ms, 100 * ms, 100 * ms, 0), 1);
}

/* --- the behaviour estimator of auto layers --- */

/*
 * A task as ops.select_cpu and ops.stopping see it: it wakes, runs @run
 * ns in pieces of at most @slice (stopping, still runnable, between
 * them), sleeps, and wakes again @period after its last wakeup; its class
 * is judged at every stop, with the default thresholds, as ops.stopping
 * judges it. Returns how often the class changed.
 */
struct sim {
	struct scxd_behavior b;
	u64 now;
	unsigned flips;
};

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->now = 1000000000ULL;
	s->b.cls = SCXD_POLICY_THROUGHPUT;	/* as ops.init_task starts it */
}

static void sim_periods(struct sim *s, unsigned n, u64 run, u64 slice, u64 period)
{
	const u64 run_ns = AUTO_RUN_US_DEFAULT * 1000ULL;
	const u64 gap_ns = 1000000000ULL / AUTO_WAKEUPS_DEFAULT;

	for (unsigned i = 0; i < n; i++) {
		u64 start = s->now, left = run;

		scxd_behavior_woke(&s->b, s->now);
		do {
			u64 piece = left < slice ? left : slice;
			u32 cls;

			left -= piece;
			s->now += piece;
			scxd_behavior_ran(&s->b, piece, !left);
			cls = scxd_behavior_class(&s->b, s->now, run_ns, gap_ns);
			s->flips += cls != s->b.cls;
			s->b.cls = cls;
		} while (left);
		s->now = start + (period > run ? period : run);
	}
}

static const u64 us = 1000, ms = 1000000;

TEST(a_new_task_that_wakes_often_and_runs_briefly_is_latency_from_its_second_wakeup)
{
	struct sim s;

	sim_init(&s);
	/* 1 kHz, 50 us a wakeup: a game's input thread, cyclictest. Its
	 * first wakeup starts the clock; its second shows how often. */
	sim_periods(&s, 1, 50 * us, 2 * ms, 1 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_THROUGHPUT);
	sim_periods(&s, 1, 50 * us, 2 * ms, 1 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_LATENCY);
	CHECK_INT(s.flips, 1);
	sim_periods(&s, 10000, 50 * us, 2 * ms, 1 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_LATENCY);
	CHECK_INT(s.flips, 1);
	CHECK(s.b.run_avg_ns >= 45 * us && s.b.run_avg_ns <= 55 * us);
	CHECK(s.b.gap_avg_ns >= 990 * us && s.b.gap_avg_ns <= 1010 * us);
	CHECK(s.b.wakeups == 10002);
}

TEST(a_task_that_never_sleeps_is_served_as_throughput)
{
	struct sim s;

	sim_init(&s);
	/* One wakeup, then 10 s of 20 ms slices. */
	sim_periods(&s, 1, 10000 * ms, 20 * ms, 0);
	CHECK_INT(s.b.cls, SCXD_POLICY_THROUGHPUT);
	CHECK_INT(s.flips, 0);
	CHECK(s.b.cpu_ns == 10000 * ms);
}

TEST(one_burst_does_not_flip_a_latency_task_but_becoming_a_hog_does)
{
	const u64 run_ns = AUTO_RUN_US_DEFAULT * us;
	struct sim s;

	sim_init(&s);
	sim_periods(&s, 200, 50 * us, 2 * ms, 1 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_LATENCY);
	/* One run of 8x the threshold, in slices, then back to normal. */
	sim_periods(&s, 1, SCXD_BEH_LONG_RUN * run_ns, 2 * ms, 0);
	sim_periods(&s, 200, 50 * us, 2 * ms, 1 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_LATENCY);
	CHECK_INT(s.flips, 1);
	/* A run that goes on past that is no burst: throughput from the
	 * stop that passes it, before the run ends. */
	sim_periods(&s, 1, 2 * SCXD_BEH_LONG_RUN * run_ns, 2 * ms, 0);
	CHECK_INT(s.b.cls, SCXD_POLICY_THROUGHPUT);
	CHECK_INT(s.flips, 2);
}

TEST(a_latency_task_that_stops_sleeping_is_throughput_after_8x_the_threshold_of_cpu)
{
	const u64 run_ns = AUTO_RUN_US_DEFAULT * us;
	struct sim s;
	u64 cpu = 0;

	sim_init(&s);
	sim_periods(&s, 200, 50 * us, 2 * ms, 1 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_LATENCY);
	scxd_behavior_woke(&s.b, s.now);
	while (s.b.cls == SCXD_POLICY_LATENCY && cpu < 1000 * ms) {
		scxd_behavior_ran(&s.b, 1 * ms, 0);
		cpu += 1 * ms;
		s.now += 1 * ms;
		s.b.cls = scxd_behavior_class(&s.b, s.now, run_ns, 1000000000ULL /
					      AUTO_WAKEUPS_DEFAULT);
	}
	CHECK_INT(s.b.cls, SCXD_POLICY_THROUGHPUT);
	CHECK(cpu == SCXD_BEH_LONG_RUN * run_ns + 1 * ms);
}

TEST(a_hog_that_turns_into_a_waker_is_latency_within_a_fraction_of_a_second)
{
	struct sim s;
	u64 t0;

	sim_init(&s);
	sim_periods(&s, 1, 5000 * ms, 20 * ms, 0);
	CHECK_INT(s.b.cls, SCXD_POLICY_THROUGHPUT);
	t0 = s.now;
	for (int i = 0; i < 2000 && s.b.cls != SCXD_POLICY_LATENCY; i++)
		sim_periods(&s, 1, 50 * us, 2 * ms, 1 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_LATENCY);
	/* The VM case allows 2 s; the estimator alone needs far less. */
	CHECK(s.now - t0 < 200 * ms);
}

TEST(a_task_that_wakes_rarely_stays_throughput_however_briefly_it_runs)
{
	struct sim s;

	sim_init(&s);
	/* Once a second, under the default of 10 wakeups a second. */
	sim_periods(&s, 100, 50 * us, 2 * ms, 1000 * ms);
	CHECK_INT(s.b.cls, SCXD_POLICY_THROUGHPUT);
	CHECK_INT(s.flips, 0);
}

TEST(between_the_bounds_a_task_keeps_its_class)
{
	const u64 run_ns = AUTO_RUN_US_DEFAULT * us;
	struct sim lat, tput;

	/* Runs of 1.5x the threshold: over the bound to enter the latency
	 * class, under the one to leave it. */
	sim_init(&lat);
	sim_periods(&lat, 200, 50 * us, 2 * ms, 4 * ms);
	CHECK_INT(lat.b.cls, SCXD_POLICY_LATENCY);
	sim_periods(&lat, 2000, run_ns * 3 / 2, 2 * ms, 4 * ms);
	CHECK_INT(lat.b.cls, SCXD_POLICY_LATENCY);
	CHECK_INT(lat.flips, 1);
	sim_init(&tput);
	sim_periods(&tput, 2000, run_ns * 3 / 2, 2 * ms, 4 * ms);
	CHECK_INT(tput.b.cls, SCXD_POLICY_THROUGHPUT);
	CHECK_INT(tput.flips, 0);
}

TEST_MAIN
