/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - `scxctl compare`: scxd against the kernel's default
 * scheduler (EEVDF), per layer, measured by one instrument for both.
 *
 * The daemon runs rounds of two arms, EEVDF then scxd, each measuring for
 * the same time (or for one run of the user's command). The instrument
 * (bpf/scxd_trace.bpf.c) counts per layer what struct scxd_trace_layer holds;
 * the daemon adds each arm's counts to its scheduler's totals
 * (compare_add()) and, at the end, turns the two totals into the result
 * (compare_summarize()): per layer and scheduler the wakeup latency
 * p50/p99/max, the CPU time and its share, the migrations across LLCs
 * per second, their ratios (scxd / EEVDF) and a verdict in words.
 *
 * The result is also the document the protocol carries (methods
 * compare-start, compare-status, compare-result; docs/protocol.md), with
 * the progress of a compare that runs. What was not measured is not
 * known: a latency of a layer without wakeups, and a ratio against it,
 * are NaN here and null in JSON, never 0.
 *
 * Pure: no I/O, no logging.
 */
#ifndef SCXD_COMPARE_H
#define SCXD_COMPARE_H

#include <stdbool.h>
#include <stdint.h>
#include <cJSON.h>

#include "protocol.h"
#include "scxd.h"

#define COMPARE_MAX_ROUNDS	20
#define COMPARE_MAX_DURATION_S	3600
#define COMPARE_CMD_LEN		256

enum compare_arm {
	COMPARE_EEVDF,		/* the kernel's default scheduler: scxd detached */
	COMPARE_SCXD,
	COMPARE_NR_ARMS,
};

/* "eevdf", "scxd" */
const char *compare_arm_name(enum compare_arm a);

/* What one or more arms of one scheduler counted: the tracer's counters
 * summed over CPUs and arms, and how long they measured. */
struct compare_counts {
	uint64_t		measured_ns;
	struct scxd_trace_layer	layer[SCXD_MAX_LAYERS];
};

/* @to += @from: sums, except max_ns and tasks, which take the larger (a
 * task counted in two arms is one task). */
void compare_add(struct compare_counts *to, const struct compare_counts *from);

/* The percentiles of the latency distribution each arm reports, for a
 * plot of it (scxctl compare --plot). */
#define COMPARE_CDF_POINTS	12
extern const double compare_cdf_q[COMPARE_CDF_POINTS];

/* One layer under one scheduler, pooled over the rounds. */
struct compare_arm_stats {
	uint64_t	wakeups;	/* latencies measured */
	uint64_t	tasks;		/* distinct tasks seen running (most in one arm) */
	double		p50_us;		/* wakeup to on a CPU; NaN without wakeups */
	double		p99_us;
	double		max_us;
	double		cpu_s;		/* CPU time used */
	double		cpu_share;	/* of all layers' CPU time (0..1); NaN if none ran */
	double		xllc_per_s;	/* switched in on another LLC than last time */
	double		cdf_us[COMPARE_CDF_POINTS];	/* at compare_cdf_q[]; NaN as p50 */
};

struct compare_layer {
	char			name[SCXD_NAME_LEN];
	char			policy[16];
	struct compare_arm_stats arm[COMPARE_NR_ARMS];
	/* scxd / EEVDF; NaN when either side is not known */
	double			p50_ratio;
	double			p99_ratio;
	double			cpu_ratio;
	double			xllc_ratio;
	char			verdict[200];	/* "game: p99 wakeup 0.31x EEVDF's" */
	/* The scheduler's own counts over the scxd arms: a check of the
	 * instrument (its cpu_s and wakeups should be close). */
	double			sched_cpu_s;
	uint64_t		sched_wakeups;
};

/* One round: how long each arm measured, and the command's run in it. */
struct compare_round {
	double		measured_s[COMPARE_NR_ARMS];
	double		wall_s[COMPARE_NR_ARMS];	/* NaN without a command */
	int32_t		exit[COMPARE_NR_ARMS];		/* the command's exit status */
};

struct compare_result {
	/* Progress: "running" (then round, arm, phase, left_s say where),
	 * "done", "aborted" (stopped, or the client went away), "failed"
	 * (error says why), "none" (no compare yet). */
	char		state[16];
	char		error[256];
	uint32_t	round;			/* 1-based, while running */
	char		arm[16];		/* "eevdf", "scxd" */
	char		phase[16];		/* "switching", "settling", "measuring", "command" */
	double		left_s;			/* of this phase, when known */

	uint32_t	rounds;
	uint32_t	rounds_done;
	uint32_t	duration_s;		/* per arm; 0 with a command */
	char		command[COMPARE_CMD_LEN]; /* "" without one */
	uint64_t	started_at;		/* Unix time */
	char		kernel[64];		/* uname -r */
	char		role[64];		/* of the configuration compared */
	/* The instrument's cost: its programs' run time per event
	 * (kernel.bpf_stats_enabled), NaN when the kernel did not say. */
	double		tracer_ns_per_event;
	uint64_t	tracer_events;

	struct compare_round per_round[COMPARE_MAX_ROUNDS];	/* [0..rounds_done) */
	uint32_t	nr_layers;
	struct compare_layer layers[SCXD_MAX_LAYERS];
};

/* A result with nothing measured yet: state @state, every measure NaN. */
void compare_result_init(struct compare_result *r, const char *state);

/*
 * Fill r->layers[] from the totals of each scheduler, for the layers
 * r->layers[0..r->nr_layers) already name (name and policy set): the
 * statistics, the ratios and the verdicts.
 */
void compare_summarize(struct compare_result *r, const struct compare_counts tot[COMPARE_NR_ARMS]);

/* NULL on ENOMEM. */
cJSON *compare_result_encode(const struct compare_result *r);
/* Like proto_status_decode(): zeroes *r, fills it, names a bad field. */
int compare_result_decode(const cJSON *j, struct compare_result *r, struct proto_error *err);

#endif /* SCXD_COMPARE_H */
