/*
 * comparison.c - see comparison.h.
 *
 * One comparison at a time, a small state machine on one timer:
 *
 *   switch -> settle -> measure (timed) ---------------------> next arm
 *                    \-> ready -> command (the client runs it) /
 *
 * An arm switches the scheduler (manager_stop() for EEVDF,
 * manager_start() for scxd), lets the machine settle, then measures:
 * the instrument is zeroed and read back at the end. The two arms of a
 * round are added to the totals together, when the round is complete,
 * so that an abort never compares a whole scheduler with half of one.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <systemd/sd-event.h>

#include "comparison.h"
#include "loader.h"
#include "log.h"
#include "manager.h"
#include "tracer.h"

enum phase { PH_SWITCH, PH_SETTLE, PH_READY, PH_COMMAND, PH_MEASURE };

static const char *const phase_names[] = {
	[PH_SWITCH] = "switching", [PH_SETTLE] = "settling", [PH_READY] = "ready",
	[PH_COMMAND] = "command", [PH_MEASURE] = "measuring",
};

struct comparison {
	struct manager		*m;
	struct compare_result	result;
	bool			running;
	bool			command;
	enum compare_arm	arm;
	enum phase		phase;
	uint64_t		phase_end;	/* usec, CLOCK_MONOTONIC; 0: open-ended */
	uint64_t		measure_start;
	uint64_t		lease_until;	/* counts once owner has closed */
	uint64_t		owner;		/* the connection that started it; 0: closed */
	sd_event_source		*timer;
	sd_event_source		*lease;
	/* This round's arms, added to the totals when both are done. */
	struct compare_counts	round[COMPARE_NR_ARMS];
	struct compare_counts	tot[COMPARE_NR_ARMS];
	/* The scheduler's own counters over the scxd arms, to check the
	 * instrument by: at the arm's start, and their sum. */
	struct layer_sample	sched_start[SCXD_MAX_LAYERS];
	uint64_t		sched_cpu_ns[SCXD_MAX_LAYERS];
	uint64_t		sched_wakeups[SCXD_MAX_LAYERS];
};

static uint64_t now_usec(const struct comparison *c)
{
	uint64_t usec = 0;

	sd_event_now(c->m->event, CLOCK_MONOTONIC, &usec);
	return usec;
}

static void set_phase(struct comparison *c, enum phase p, uint64_t usec)
{
	c->phase = p;
	c->phase_end = usec ? now_usec(c) + usec : 0;
	snprintf(c->result.phase, sizeof(c->result.phase), "%s", phase_names[p]);
	snprintf(c->result.arm, sizeof(c->result.arm), "%s", compare_arm_name(c->arm));
	c->result.round = c->result.rounds_done + 1;
}

static int arm_timer(struct comparison *c, uint64_t usec);
static void start_arm(struct comparison *c);

/* The scheduler's counters, for the instrument check; zeroes when not attached. */
static void sched_sample(struct comparison *c, struct layer_sample *out)
{
	memset(out, 0, sizeof(*out) * SCXD_MAX_LAYERS);
	if (manager_attached(c->m))
		loader_read_samples(c->m->loader, out, c->result.nr_layers);
}

/* Stop, and with @reattach run scxd again (not when the daemon stops). */
static void end_with(struct comparison *c, const char *state, const char *why, bool reattach)
{
	struct manager *m = c->m;
	char msg[256] = "";
	uint64_t ns, runs;

	c->running = false;
	c->timer = sd_event_source_disable_unref(c->timer);
	c->lease = sd_event_source_disable_unref(c->lease);
	if (tracer_cost(m->tracer, &ns, &runs) == 0) {
		c->result.tracer_ns_per_event = (double)ns / runs;
		c->result.tracer_events = runs;
	}
	tracer_stop(m->tracer);
	/* Whatever ended it, scxd runs again. */
	if (reattach && !manager_attached(m) && manager_start(m, msg, sizeof(msg)) < 0) {
		log_error("Compare: could not attach scxd again: %s", msg);
		state = "failed";
		why = msg;
	}
	compare_summarize(&c->result, c->tot);
	for (uint32_t i = 0; i < c->result.nr_layers; i++) {
		c->result.layers[i].sched_cpu_s = c->sched_cpu_ns[i] / 1e9;
		c->result.layers[i].sched_wakeups = c->sched_wakeups[i];
	}
	snprintf(c->result.state, sizeof(c->result.state), "%s", state);
	snprintf(c->result.error, sizeof(c->result.error), "%s", why ? why : "");
	c->result.left_s = NAN;
	c->result.round = 0;
	c->result.arm[0] = c->result.phase[0] = '\0';
	if (why)
		log_notice("Compare %s after %u of %u rounds: %s", state, c->result.rounds_done,
			   c->result.rounds, why);
	else
		log_notice("Compare done: %u rounds", c->result.rounds_done);
}

static void end(struct comparison *c, const char *state, const char *why)
{
	end_with(c, state, why, true);
}

static void begin_measure(struct comparison *c)
{
	int r = tracer_start(c->m->tracer);

	if (r < 0) {
		char why[128];

		snprintf(why, sizeof(why), "starting the instrument: %s", strerror(-r));
		end(c, "failed", why);
		return;
	}
	if (c->arm == COMPARE_SCXD)
		sched_sample(c, c->sched_start);
	c->measure_start = now_usec(c);
	if (c->command) {
		set_phase(c, PH_COMMAND, 0);
		return;
	}
	set_phase(c, PH_MEASURE, c->result.duration_s * 1000000ULL);
	arm_timer(c, c->result.duration_s * 1000000ULL);
}

/* The arm measured: keep its counts, go on to the next arm or round. */
static void end_measure(struct comparison *c)
{
	struct compare_round *round = &c->result.per_round[c->result.rounds_done];
	struct compare_counts *counts = &c->round[c->arm];
	int r;

	memset(counts, 0, sizeof(*counts));
	r = tracer_read(c->m->tracer, counts->layer, c->result.nr_layers);
	if (r < 0) {
		char why[128];

		snprintf(why, sizeof(why), "reading the instrument: %s", strerror(-r));
		end(c, "failed", why);
		return;
	}
	counts->measured_ns = (now_usec(c) - c->measure_start) * 1000;
	round->measured_s[c->arm] = counts->measured_ns / 1e9;
	if (c->arm == COMPARE_SCXD) {
		struct layer_sample now[SCXD_MAX_LAYERS];

		sched_sample(c, now);
		for (uint32_t i = 0; i < c->result.nr_layers; i++) {
			c->sched_cpu_ns[i] += now[i].cnt[SCXD_LSTAT_CPU_NS] -
					      c->sched_start[i].cnt[SCXD_LSTAT_CPU_NS];
			c->sched_wakeups[i] += now[i].cnt[SCXD_LSTAT_LAT_CNT] -
					       c->sched_start[i].cnt[SCXD_LSTAT_LAT_CNT];
		}
	}
	if (c->arm == COMPARE_EEVDF) {
		c->arm = COMPARE_SCXD;
		start_arm(c);
		return;
	}
	compare_add(&c->tot[COMPARE_EEVDF], &c->round[COMPARE_EEVDF]);
	compare_add(&c->tot[COMPARE_SCXD], &c->round[COMPARE_SCXD]);
	c->result.rounds_done++;
	if (c->result.rounds_done == c->result.rounds) {
		end(c, "done", NULL);
		return;
	}
	c->arm = COMPARE_EEVDF;
	start_arm(c);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct comparison *c = userdata;

	if (!c->running)
		return 0;
	if (c->phase == PH_SETTLE) {
		if (c->command)
			set_phase(c, PH_READY, 0);
		else
			begin_measure(c);
	} else if (c->phase == PH_MEASURE) {
		end_measure(c);
	}
	return 0;
}

static int arm_timer(struct comparison *c, uint64_t usec)
{
	int r;

	if (!c->timer) {
		r = sd_event_add_time_relative(c->m->event, &c->timer, CLOCK_MONOTONIC, usec, 0,
					       on_timer, c);
		if (r < 0)
			end(c, "failed", "adding a timer");
		return r;
	}
	r = sd_event_source_set_time_relative(c->timer, usec);
	if (r >= 0)
		r = sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
	if (r < 0)
		end(c, "failed", "arming a timer");
	return r;
}

static void start_arm(struct comparison *c)
{
	char msg[256] = "";
	int r = 0;

	set_phase(c, PH_SWITCH, 0);
	if (c->arm == COMPARE_EEVDF && manager_attached(c->m))
		r = manager_stop(c->m, msg, sizeof(msg));
	else if (c->arm == COMPARE_SCXD && !manager_attached(c->m))
		r = manager_start(c->m, msg, sizeof(msg));
	if (r < 0) {
		end(c, "failed", msg);
		return;
	}
	set_phase(c, PH_SETTLE, COMPARE_SETTLE_USEC);
	arm_timer(c, COMPARE_SETTLE_USEC);
}

static int on_lease(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct comparison *c = userdata;
	int r;

	if (!c->running)
		return 0;
	if (!c->owner && usec > c->lease_until) {
		end(c, "aborted", "the client went away");
		return 0;
	}
	r = sd_event_source_set_time(s, usec + COMPARE_LEASE_USEC / 6);
	return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

int comparison_begin(struct manager *m, const struct compare_params *p, uint64_t conn,
		     char *errmsg, size_t errlen)
{
	struct comparison *c = m->compare;
	struct utsname u;
	int r;

	if (!m->tracer) {
		snprintf(errmsg, errlen, "the compare instrument did not load (see the daemon's log)");
		return -EOPNOTSUPP;
	}
	if (c && c->running) {
		snprintf(errmsg, errlen, "a compare is running (round %u of %u); "
			 "scxctl compare --last shows it", c->result.round, c->result.rounds);
		return -EBUSY;
	}
	if (!manager_attached(m)) {
		snprintf(errmsg, errlen, "the scheduler is not attached (scxctl start)");
		return -EBUSY;
	}
	if (!p->rounds || p->rounds > COMPARE_MAX_ROUNDS ||
	    (!(p->command && p->command[0]) &&
	     (!p->duration_s || p->duration_s > COMPARE_MAX_DURATION_S))) {
		snprintf(errmsg, errlen, "rounds must be 1..%d and duration 1..%d s",
			 COMPARE_MAX_ROUNDS, COMPARE_MAX_DURATION_S);
		return -EINVAL;
	}
	if (!c && !(c = m->compare = calloc(1, sizeof(*c))))
		return -ENOMEM;
	memset(c, 0, sizeof(*c));
	c->m = m;
	compare_result_init(&c->result, "running");
	c->command = p->command && p->command[0];
	c->result.rounds = p->rounds;
	c->result.duration_s = c->command ? 0 : p->duration_s;
	snprintf(c->result.command, sizeof(c->result.command), "%s", c->command ? p->command : "");
	c->result.started_at = time(NULL);
	if (uname(&u) == 0)
		snprintf(c->result.kernel, sizeof(c->result.kernel), "%.63s", u.release);
	snprintf(c->result.role, sizeof(c->result.role), "%s", m->config->role);
	c->result.nr_layers = m->config->nr_layers;
	for (uint32_t i = 0; i < m->config->nr_layers; i++) {
		snprintf(c->result.layers[i].name, sizeof(c->result.layers[i].name), "%s",
			 m->config->layers[i].name);
		snprintf(c->result.layers[i].policy, sizeof(c->result.layers[i].policy), "%s",
			 policy_name(m->config->layers[i].policy));
	}
	c->owner = conn;
	c->lease_until = now_usec(c) + COMPARE_LEASE_USEC;
	r = sd_event_add_time_relative(m->event, &c->lease, CLOCK_MONOTONIC,
				       COMPARE_LEASE_USEC / 6, 0, on_lease, c);
	if (r < 0)
		return r;
	c->running = true;
	log_notice("Compare: %u rounds of EEVDF and scxd, %s", p->rounds,
		   c->command ? p->command : "timed");
	c->arm = COMPARE_EEVDF;
	start_arm(c);
	return 0;
}

void comparison_renew(struct manager *m)
{
	struct comparison *c = m->compare;

	if (c && c->running)
		c->lease_until = now_usec(c) + COMPARE_LEASE_USEC;
}

void comparison_hangup(struct manager *m, uint64_t conn)
{
	struct comparison *c = m->compare;

	if (c && c->running && c->owner == conn)
		c->owner = 0;
}

int comparison_step(struct manager *m, bool begin, double wall_s, int status, char *errmsg,
		 size_t errlen)
{
	struct comparison *c = m->compare;

	if (!c || !c->running || !c->command || c->phase != (begin ? PH_READY : PH_COMMAND)) {
		snprintf(errmsg, errlen, "no compare is %s the command now",
			 begin ? "ready to run" : "running");
		return -EBUSY;
	}
	comparison_renew(m);
	if (begin) {
		begin_measure(c);
		return 0;
	}
	c->result.per_round[c->result.rounds_done].wall_s[c->arm] = wall_s;
	c->result.per_round[c->result.rounds_done].exit[c->arm] = status;
	end_measure(c);
	return 0;
}

void comparison_abort(struct manager *m, const char *why)
{
	if (comparison_running(m))
		end(m->compare, "aborted", why);
}

bool comparison_running(const struct manager *m)
{
	return m->compare && m->compare->running;
}

const struct compare_result *comparison_last(const struct manager *m)
{
	static struct compare_result none;

	if (m->compare) {
		struct comparison *c = m->compare;

		c->result.left_s = c->running && c->phase_end ?
			(c->phase_end > now_usec(c) ? (c->phase_end - now_usec(c)) / 1e6 : 0) : NAN;
		return &c->result;
	}
	compare_result_init(&none, "none");
	return &none;
}

void comparison_free(struct manager *m)
{
	if (!m->compare)
		return;
	if (m->compare->running)
		end_with(m->compare, "aborted", "the daemon is stopping", false);
	free(m->compare);
	m->compare = NULL;
}
