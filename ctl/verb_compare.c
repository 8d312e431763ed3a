/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verb_compare.c - compare: scxd against the kernel's default scheduler,
 * per layer, measured in the daemon by one instrument for both.
 *
 * The daemon runs the comparison; this side starts it, asks for its
 * progress twice a second, runs the user's command when an arm is ready
 * for it, and prints the result. All on one connection: while it is open
 * the compare is ours, however long a loaded machine keeps us from
 * asking; when we go, it closes, the daemon ends the compare and attaches
 * scxd again.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "ctl.h"
#include "stats.h"
#include "table.h"

#define POLL_MS		500

struct compare_opts {
	unsigned	duration_s;
	unsigned	rounds;
	const char	*plot;		/* PNG to write, or NULL */
	bool		last;
	bool		stop;
	char		**command;	/* argv, or NULL */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* A result of @method (with @params, consumed), decoded. */
static int call(const struct opts *o, enum proto_method_id method, cJSON *params,
		struct compare_result *r)
{
	struct proto_error err;
	cJSON *res;
	int status, rc;

	/* --json prints the final document itself, not each step. */
	struct opts quiet = *o;

	quiet.json = false;
	status = rpc(&quiet, method, params, &res);
	if (status != EXIT_OK)
		return status;
	rc = compare_result_decode(res, r, &err);
	cJSON_Delete(res);
	if (rc < 0)
		return ctl_fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	return EXIT_OK;
}

/* "round 2/3: EEVDF, measuring, 14 s left": on a terminal one line kept
 * current, elsewhere a line each time the phase changes. */
static void progress(const struct compare_result *r, bool tty, char *last, size_t len)
{
	char line[160], left[32] = "";

	snprintf(line, sizeof(line), "round %u/%u: %s, %s", r->round, r->rounds,
		 !strcmp(r->arm, "eevdf") ? "EEVDF" : "scxd", r->phase);
	if (!isnan(r->left_s) && r->left_s > 0)
		snprintf(left, sizeof(left), ", %.0f s left", ceil(r->left_s));
	if (tty)
		fprintf(stderr, "\r\033[K%s%s", line, left);
	else if (strcmp(line, last))
		fprintf(stderr, "%s%s\n", line, left);
	snprintf(last, len, "%s", line);
}

/* Run the command once, asking the daemon for its progress meanwhile. */
static int run_command(const struct opts *o, char **argv, struct compare_result *r,
		       double *wall_s, int *exit_status)
{
	struct timespec t0, t1;
	int status = EXIT_OK, ws;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return ctl_fail(EXIT_ERROR, "cannot run the command", "fork: %m");
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "scxctl: compare: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	for (;;) {
		pid_t w = waitpid(pid, &ws, WNOHANG);

		if (w == pid)
			break;
		if (interrupted)
			kill(pid, SIGTERM);
		sleep_ms(POLL_MS / 5);
		/* Keep the daemon's lease while the command runs. */
		if (!interrupted && (status = call(o, PROTO_METHOD_COMPARE_STATUS, NULL, r)) != EXIT_OK)
			kill(pid, SIGTERM);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*wall_s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	*exit_status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	return status;
}

static int step(const struct opts *o, const char *event, double wall_s, int exit_status,
		struct compare_result *r)
{
	cJSON *p = string_params("event", event);

	if (!p || (!strcmp(event, "end") && (!cJSON_AddNumberToObject(p, "wall_s", wall_s) ||
					     !cJSON_AddNumberToObject(p, "exit", exit_status)))) {
		cJSON_Delete(p);
		return ctl_oom();
	}
	return call(o, PROTO_METHOD_COMPARE_STEP, p, r);
}

/* "1.23ms", or "-" for what was not measured. */
static const char *us(char *buf, size_t len, double v)
{
	if (isnan(v))
		return "-";
	stats_format_us(buf, len, v);
	return buf;
}

static const char *times(char *buf, size_t len, double v)
{
	if (isnan(v))
		return "-";
	snprintf(buf, len, "%.2fx", v);
	return buf;
}

static int print_text(const struct compare_result *r)
{
	const struct compare_arm_stats *e, *s;
	char b[12][32];
	struct table t;
	int rc;

	printf("scxd against EEVDF: %u of %u rounds", r->rounds_done, r->rounds);
	if (r->command[0])
		printf(" of `%s`", r->command);
	else
		printf(" of %u s per scheduler", r->duration_s);
	printf(", kernel %s, role %s: %s%s%s\n\n", r->kernel[0] ? r->kernel : "?",
	       r->role[0] ? r->role : "?", r->state, r->error[0] ? ": " : "", r->error);
	if (table_init(&t, "LAYER POLICY >TASKS >P50_EEVDF >P50_SCXD >P99_EEVDF >P99_SCXD "
		       ">P99_RATIO >MAX_EEVDF >MAX_SCXD >CPU_EEVDF >CPU_SCXD >CPU_RATIO "
		       ">XLLC/S_EEVDF >XLLC/S_SCXD", r->nr_layers) < 0)
		return ctl_oom();
	for (uint32_t i = 0; i < r->nr_layers; i++) {
		const struct compare_layer *l = &r->layers[i];

		e = &l->arm[COMPARE_EEVDF];
		s = &l->arm[COMPARE_SCXD];
		table_row(&t);
		table_add(&t, "%s", l->name);
		table_add(&t, "%s", l->policy);
		table_add(&t, "%llu", (unsigned long long)(e->tasks > s->tasks ? e->tasks : s->tasks));
		table_add(&t, "%s", us(b[0], sizeof(b[0]), e->p50_us));
		table_add(&t, "%s", us(b[1], sizeof(b[1]), s->p50_us));
		table_add(&t, "%s", us(b[2], sizeof(b[2]), e->p99_us));
		table_add(&t, "%s", us(b[3], sizeof(b[3]), s->p99_us));
		table_add(&t, "%s", times(b[4], sizeof(b[4]), l->p99_ratio));
		table_add(&t, "%s", us(b[5], sizeof(b[5]), e->max_us));
		table_add(&t, "%s", us(b[6], sizeof(b[6]), s->max_us));
		table_add(&t, "%.2fs", e->cpu_s);
		table_add(&t, "%.2fs", s->cpu_s);
		table_add(&t, "%s", times(b[7], sizeof(b[7]), l->cpu_ratio));
		table_add(&t, "%.1f", e->xllc_per_s);
		table_add(&t, "%.1f", s->xllc_per_s);
	}
	rc = table_flush(&t);
	if (rc < 0)
		return ctl_oom();
	putchar('\n');
	for (uint32_t i = 0; i < r->nr_layers; i++)
		printf("  %s\n", r->layers[i].verdict);
	if (r->command[0] && r->rounds_done) {
		double w[COMPARE_NR_ARMS][COMPARE_MAX_ROUNDS];
		int failed = 0;

		for (uint32_t k = 0; k < r->rounds_done; k++)
			for (int a = 0; a < COMPARE_NR_ARMS; a++) {
				w[a][k] = r->per_round[k].wall_s[a];
				failed += r->per_round[k].exit[a] != 0;
			}
		double we = stats_median(w[COMPARE_EEVDF], r->rounds_done);
		double ws = stats_median(w[COMPARE_SCXD], r->rounds_done);

		printf("\n`%s`: %.2f s under EEVDF, %.2f s under scxd (median of %u): %.2fx;"
		       " %s\n", r->command, we, ws, r->rounds_done, ws / we,
		       failed ? "it failed in some runs (exit status in --json)"
			      : "exit 0 in every run");
	}
	if (!isnan(r->tracer_ns_per_event))
		printf("\ninstrument: %.0f ns per event over %llu events\n", r->tracer_ns_per_event,
		       (unsigned long long)r->tracer_events);
	return EXIT_OK;
}

/* The latency CDF of each layer under each scheduler, through gnuplot. */
static int plot(const struct compare_result *r, const char *png)
{
	char dir[] = "/tmp/scxctl-plot-XXXXXX", path[64], cmd[PATH_MAX + 128];
	unsigned shown = 0;
	FILE *f;
	int rc;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0)
		return ctl_fail(EXIT_ERROR, "cannot plot",
				"gnuplot is not installed (Debian: apt install gnuplot-nox)");
	if (!mkdtemp(dir))
		return ctl_fail(EXIT_ERROR, "cannot plot", "mkdtemp: %m");
	snprintf(path, sizeof(path), "%s/plot.gp", dir);
	f = fopen(path, "w");
	if (!f)
		return ctl_fail(EXIT_ERROR, "cannot plot", "%s: %m", path);
	for (uint32_t i = 0; i < r->nr_layers; i++)
		shown += r->layers[i].arm[0].wakeups || r->layers[i].arm[1].wakeups;
	fprintf(f, "set terminal png size 900,%u\nset output '%s'\n", 120 + 300 * (shown ? shown : 1),
		png);
	fprintf(f, "set multiplot layout %u,1 title 'wakeup latency, scxd against EEVDF'\n",
		shown ? shown : 1);
	fprintf(f, "set logscale x\nset xlabel 'latency (us)'\nset ylabel 'fraction of wakeups'\n"
		   "set yrange [0:1]\nset key bottom right\nset grid\n");
	for (uint32_t i = 0; i < r->nr_layers; i++) {
		const struct compare_layer *l = &r->layers[i];

		if (!l->arm[0].wakeups && !l->arm[1].wakeups)
			continue;
		fprintf(f, "set title '%s (%s)'\n$d%u << EOD\n", l->name, l->policy, i);
		for (int k = 0; k < COMPARE_CDF_POINTS; k++)
			fprintf(f, "%g %g %g\n", compare_cdf_q[k],
				isnan(l->arm[0].cdf_us[k]) ? NAN : l->arm[0].cdf_us[k] > 0 ? l->arm[0].cdf_us[k] : 0.001,
				isnan(l->arm[1].cdf_us[k]) ? NAN : l->arm[1].cdf_us[k] > 0 ? l->arm[1].cdf_us[k] : 0.001);
		fprintf(f, "EOD\nplot $d%u using 2:1 with linespoints title 'EEVDF', "
			   "$d%u using 3:1 with linespoints title 'scxd'\n", i, i);
	}
	if (!shown)
		fprintf(f, "set title 'no wakeups measured'\nplot 2 notitle\n");
	fprintf(f, "unset multiplot\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gnuplot '%s' 2>&1", path);
	rc = system(cmd);
	unlink(path);
	rmdir(dir);
	if (rc != 0)
		return ctl_fail(EXIT_ERROR, "cannot plot", "gnuplot failed (exit %d)", rc);
	return EXIT_OK;
}

static int report(const struct opts *o, const struct compare_opts *c,
		  const struct compare_result *r)
{
	int status = EXIT_OK;

	if (o->json) {
		cJSON *j = compare_result_encode(r);

		status = j ? print_json(j) : ctl_oom();
		cJSON_Delete(j);
	} else {
		status = print_text(r);
	}
	if (status == EXIT_OK && c->plot)
		status = plot(r, c->plot);
	return status;
}

static int parse(int argc, char **argv, struct compare_opts *c)
{
	*c = (struct compare_opts){ .duration_s = 20, .rounds = 3 };
	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end;
		long x;

		if (!strcmp(argv[i], "--")) {
			if (i + 1 >= argc)
				return usage_error("compare: -- needs a command");
			c->command = argv + i + 1;
			return EXIT_OK;
		}
		if (!strcmp(argv[i], "--last")) {
			c->last = true;
			continue;
		}
		if (!strcmp(argv[i], "--stop")) {
			c->stop = true;
			continue;
		}
		if (opt_is(argv[i], "--plot")) {
			if (!(c->plot = opt_value(argc, argv, &i, "--plot")))
				return EXIT_USAGE;
			continue;
		}
		if (!opt_is(argv[i], "--duration") && !opt_is(argv[i], "--rounds"))
			return usage_error("compare: unknown option '%.64s'", argv[i]);
		bool rounds = opt_is(argv[i], "--rounds");

		if (!(v = opt_value(argc, argv, &i, rounds ? "--rounds" : "--duration")))
			return EXIT_USAGE;
		x = strtol(v, &end, 10);
		if (*end || end == v || x < 1 ||
		    x > (rounds ? COMPARE_MAX_ROUNDS : COMPARE_MAX_DURATION_S))
			return usage_error("compare: --rounds wants 1..%d, --duration 1..%d seconds",
					   COMPARE_MAX_ROUNDS, COMPARE_MAX_DURATION_S);
		if (rounds)
			c->rounds = x;
		else
			c->duration_s = x;
	}
	return EXIT_OK;
}

/* The command as one line, for the result ("make -j8"). */
static void join(char **argv, char *buf, size_t len)
{
	buf[0] = '\0';
	for (; *argv; argv++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? " " : "", *argv);
}

int run_compare(const struct opts *o, int argc, char **argv)
{
	static struct compare_result r;
	struct compare_opts c;
	struct stat st;
	char cmd[COMPARE_CMD_LEN], last[160] = "";
	bool tty = isatty(STDERR_FILENO);
	cJSON *params;
	int status;

	status = parse(argc, argv, &c);
	if (status != EXIT_OK)
		return status;
	if (c.last || c.stop) {
		status = call(o, c.stop ? PROTO_METHOD_COMPARE_STOP : PROTO_METHOD_COMPARE_RESULT,
			      NULL, &r);
		if (status != EXIT_OK)
			return status;
		if (!strcmp(r.state, "none"))
			return ctl_fail(EXIT_ERROR, MSG_NOT_FOUND, "no compare has run since scxd started");
		return report(o, &c, &r);
	}
	if (stat("/sys/kernel/sched_ext", &st) < 0)
		return ctl_fail(EXIT_ERROR, "not supported", "this kernel has no sched_ext "
				"(/sys/kernel/sched_ext): there is no scxd to compare with EEVDF");

	params = cJSON_CreateObject();
	if (c.command)
		join(c.command, cmd, sizeof(cmd));
	if (!params || !cJSON_AddNumberToObject(params, "rounds", c.rounds) ||
	    !cJSON_AddNumberToObject(params, "duration_s", c.duration_s) ||
	    (c.command && !cJSON_AddStringToObject(params, "command", cmd))) {
		cJSON_Delete(params);
		return ctl_oom();
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* Loading scxd again, at each scxd arm, can take seconds. */
	struct opts slow = *o;

	if (!o->timeout_set)
		slow.timeout_ms = 60000;
	status = rpc_connect(&slow, &slow.conn);
	if (status != EXIT_OK) {
		cJSON_Delete(params);
		return status;
	}
	status = call(&slow, PROTO_METHOD_COMPARE_START, params, &r);
	while (status == EXIT_OK && !strcmp(r.state, "running") && !interrupted) {
		progress(&r, tty, last, sizeof(last));
		if (c.command && !strcmp(r.phase, "ready")) {
			double wall = 0;
			int code = 0;

			status = step(&slow, "begin", 0, 0, &r);
			if (status == EXIT_OK)
				status = run_command(&slow, c.command, &r, &wall, &code);
			if (status == EXIT_OK && !interrupted)
				status = step(&slow, "end", wall, code, &r);
			continue;
		}
		sleep_ms(POLL_MS);
		status = call(&slow, PROTO_METHOD_COMPARE_STATUS, NULL, &r);
	}
	if (tty && last[0])
		fputs("\r\033[K", stderr);
	if (interrupted) {
		/* Closed, our connection would end it within the daemon's lease; now is sooner. */
		call(&slow, PROTO_METHOD_COMPARE_STOP, NULL, &r);
		close(slow.conn);
		fprintf(stderr, "scxctl: compare: interrupted; scxd is attached again\n");
		return 128 + interrupted;
	}
	close(slow.conn);
	if (status != EXIT_OK)
		return status;
	status = report(o, &c, &r);
	/* A compare that did not run to its end failed, even if it printed. */
	return status == EXIT_OK && strcmp(r.state, "done") ? EXIT_ERROR : status;
}
