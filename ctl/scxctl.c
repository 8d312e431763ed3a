/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxctl - the command line client of scxd's control socket.
 *
 * One request per run: connect, send one line, read one line, print. The
 * socket stays blocking; poll() bounds every wait by one deadline for the
 * whole exchange, so a wedged daemon costs at most --timeout.
 *
 * Scripts may rely on two things: the exit status (fixed table below) and
 * the first part of every error line, "scxctl: <fixed message>: <detail>",
 * where the fixed message is one per failure kind and never changes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cpulist.h"
#include "cpumask.h"
#include "protocol.h"
#include "stats.h"

enum {
	EXIT_OK		= 0,
	EXIT_ERROR	= 1,
	EXIT_USAGE	= 2,
	EXIT_NOT_RUNNING = 3,
	EXIT_PERMISSION	= 4,
	EXIT_CONFIG	= 78,	/* EX_CONFIG */
};

/* Fixed messages for failures that happen before the daemon answers. */
#define MSG_USAGE	"usage"
#define MSG_NOT_RUNNING	"daemon not running"
#define MSG_PERMISSION	"permission denied"
#define MSG_CONNECT	"connection failed"
#define MSG_TIMEOUT	"timed out"
#define MSG_RESPONSE	"bad response"
#define MSG_NOMEM	"out of memory"
#define MSG_OUTPUT	"output error"
#define MSG_CONFIG	"invalid config"

#define MAX_RESPONSE	(16 * 1024 * 1024)

struct opts {
	const char	*socket;
	bool		json;
	int		timeout_ms;
	bool		timeout_set;	/* given with --timeout */
};

/* start loads the scheduler through the kernel's verifier, which takes
 * seconds on a slow (or emulated) machine: it waits this long unless
 * --timeout says otherwise. */
#define START_TIMEOUT_MS	60000

__attribute__((format(printf, 3, 4)))
static int fail(int status, const char *fixed, const char *fmt, ...)
{
	char detail[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (detail[0])
		fprintf(stderr, "scxctl: %s: %s\n", fixed, detail);
	else
		fprintf(stderr, "scxctl: %s\n", fixed);
	return status;
}

static int usage_error(const char *what)
{
	return fail(EXIT_USAGE, MSG_USAGE, "%s (see 'scxctl --help')", what);
}

/* The value of option argv[*i] ("--key VALUE" or "--key=VALUE"); NULL and
 * a usage error when it has none. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc || !argv[*i + 1][0]) {
		char what[96];

		snprintf(what, sizeof(what), "%s needs a value", name);
		usage_error(what);
		return NULL;
	}
	return argv[++*i];
}

static bool opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

/* ---- talking to the daemon --------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline: 1 ready, 0 timed out, -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		long long left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int connect_daemon(const struct opts *o, long long deadline, int *ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long left = deadline - now_ms();
	struct timeval tv = { .tv_sec = left / 1000, .tv_usec = (left % 1000) * 1000 };
	int fd, err;

	if (strlen(o->socket) >= sizeof(sa.sun_path))
		return fail(EXIT_USAGE, MSG_USAGE, "socket path too long: %s", o->socket);
	strcpy(sa.sun_path, o->socket);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(EXIT_ERROR, MSG_CONNECT, "socket: %m");
	/* connect() on AF_UNIX waits for backlog room up to SO_SNDTIMEO. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*ret = fd;
		return EXIT_OK;
	}
	err = errno;
	close(fd);
	errno = err;
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
	case ENOTDIR:
		return fail(EXIT_NOT_RUNNING, MSG_NOT_RUNNING, "%s: %m", o->socket);
	case EACCES:
	case EPERM:
		return fail(EXIT_PERMISSION, MSG_PERMISSION, "%s: %m", o->socket);
	case EAGAIN:
	case ETIMEDOUT:
		return fail(EXIT_ERROR, MSG_TIMEOUT, "connecting to %s after %d ms",
			    o->socket, o->timeout_ms);
	}
	return fail(EXIT_ERROR, MSG_CONNECT, "%s: %m", o->socket);
}

static int send_line(const struct opts *o, int fd, const char *line, long long deadline)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		int r = wait_fd(fd, POLLOUT, deadline);
		ssize_t n;

		if (r == 0)
			return fail(EXIT_ERROR, MSG_TIMEOUT, "sending to %s after %d ms",
				    o->socket, o->timeout_ms);
		if (r < 0) {
			errno = -r;
			return fail(EXIT_ERROR, MSG_CONNECT, "poll: %m");
		}
		n = send(fd, line + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return fail(EXIT_ERROR, MSG_CONNECT, "sending to %s: %m", o->socket);
		}
		off += n;
	}
	return EXIT_OK;
}

/* Read up to the first '\n'; *ret is a malloc()ed NUL-terminated line. */
static int recv_line(const struct opts *o, int fd, long long deadline, char **ret)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nl = NULL;

	if (!buf)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	while (!nl) {
		int r = wait_fd(fd, POLLIN, deadline);
		ssize_t n;

		if (r <= 0) {
			free(buf);
			if (r == 0)
				return fail(EXIT_ERROR, MSG_TIMEOUT, "waiting for %s after %d ms",
					    o->socket, o->timeout_ms);
			errno = -r;
			return fail(EXIT_ERROR, MSG_CONNECT, "poll: %m");
		}
		if (cap - len < 4096) {
			char *p;

			if (cap >= MAX_RESPONSE) {
				free(buf);
				return fail(EXIT_ERROR, MSG_RESPONSE, "response over %d bytes",
					    MAX_RESPONSE);
			}
			p = realloc(buf, cap *= 2);
			if (!p) {
				free(buf);
				return fail(EXIT_ERROR, MSG_NOMEM, NULL);
			}
			buf = p;
		}
		n = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			free(buf);
			return fail(EXIT_ERROR, MSG_CONNECT, "reading from %s: %m", o->socket);
		}
		if (n == 0) {
			free(buf);
			return fail(EXIT_ERROR, MSG_CONNECT, "%s closed the connection", o->socket);
		}
		nl = memchr(buf + len, '\n', n);
		len += n;
	}
	*nl = '\0';
	*ret = buf;
	return EXIT_OK;
}

/* The exit status for an error the daemon answered with. */
static int remote_error(const struct proto_error *err)
{
	int status = EXIT_ERROR;

	if (err->code == PROTO_ERR_PERMISSION)
		status = EXIT_PERMISSION;
	else if (err->code == PROTO_ERR_INVALID_CONFIG)
		status = EXIT_CONFIG;
	if (err->message[0])
		return fail(status, proto_error_message(err->code), "%s", err->message);
	return fail(status, proto_error_message(err->code), NULL);
}

/* One request, one response. params is consumed. On EXIT_OK *result is
 * the daemon's result; otherwise the error has been printed. */
static int rpc(const struct opts *o, enum proto_method_id method, cJSON *params,
	       cJSON **result)
{
	long long deadline = now_ms() + o->timeout_ms;
	struct proto_error err;
	char *line;
	int fd = -1, status, r;

	*result = NULL;
	line = proto_request_build(1, proto_methods[method].name, params);
	if (!line)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	status = connect_daemon(o, deadline, &fd);
	if (status == EXIT_OK)
		status = send_line(o, fd, line, deadline);
	free(line);
	if (status == EXIT_OK)
		status = recv_line(o, fd, deadline, &line);
	if (fd >= 0)
		close(fd);
	if (status != EXIT_OK)
		return status;

	r = proto_response_parse(line, result, &err);
	free(line);
	if (r == -EREMOTEIO)
		return remote_error(&err);
	if (r == -ENOMEM)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	if (r < 0)
		return fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	return EXIT_OK;
}

static int print_json(const cJSON *j)
{
	char *s = cJSON_Print(j);

	if (!s)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	puts(s);
	cJSON_free(s);
	return EXIT_OK;
}

/* ---- tables ------------------------------------------------------------ */

/*
 * Text tables: a title row, columns two spaces apart, numbers aligned on
 * the right, the last column not padded. Column 1 is always the object's
 * name and columns keep their order across releases, so that
 * `awk '$1 == "batch" {print $5}'` keeps working; new columns go last.
 */
struct column {
	const char	*title;
	bool		right;		/* numbers line up on the right */
};

struct table {
	const struct column *cols;
	size_t		nr_cols;
	size_t		nr_rows;	/* the title row included */
	size_t		max_rows;
	char		**cells;	/* nr_rows x nr_cols, each malloc()ed */
	bool		oom;
};

static int table_init(struct table *t, const struct column *cols, size_t nr_cols,
		      size_t max_rows)
{
	*t = (struct table){ .cols = cols, .nr_cols = nr_cols, .max_rows = max_rows + 1 };
	t->cells = calloc(t->max_rows * nr_cols, sizeof(*t->cells));
	if (!t->cells)
		return -ENOMEM;
	for (size_t c = 0; c < nr_cols; c++)
		if (!(t->cells[c] = strdup(cols[c].title)))
			t->oom = true;
	t->nr_rows = 1;
	return 0;
}

static void table_done(struct table *t)
{
	if (t->cells)
		for (size_t i = 0; i < t->nr_rows * t->nr_cols; i++)
			free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
}

/* Start a new row; NULL when the table is full (a caller bug). */
static char **table_row(struct table *t)
{
	if (t->nr_rows >= t->max_rows)
		return NULL;
	return &t->cells[t->nr_rows++ * t->nr_cols];
}

__attribute__((format(printf, 4, 5)))
static void table_set(struct table *t, char **row, size_t col, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (!row || col >= t->nr_cols)
		return;
	free(row[col]);
	va_start(ap, fmt);
	r = vasprintf(&row[col], fmt, ap);
	va_end(ap);
	if (r < 0) {
		row[col] = NULL;
		t->oom = true;
	}
}

static int table_print(const struct table *t)
{
	size_t width[32] = { 0 };

	if (t->oom || t->nr_cols > sizeof(width) / sizeof(width[0]))
		return -ENOMEM;
	for (size_t i = 0; i < t->nr_rows; i++)
		for (size_t c = 0; c < t->nr_cols; c++) {
			const char *s = t->cells[i * t->nr_cols + c];
			size_t n = s ? strlen(s) : 0;

			if (n > width[c])
				width[c] = n;
		}
	for (size_t i = 0; i < t->nr_rows; i++) {
		for (size_t c = 0; c < t->nr_cols; c++) {
			const char *s = t->cells[i * t->nr_cols + c] ?: "";
			const char *sep = c ? "  " : "";

			if (t->cols[c].right)
				printf("%s%*s", sep, (int)width[c], s);
			else if (c == t->nr_cols - 1)
				printf("%s%s", sep, s);
			else
				printf("%s%-*s", sep, (int)width[c], s);
		}
		putchar('\n');
	}
	return 0;
}

/* ---- status and stats -------------------------------------------------- */

static void format_uptime(char *buf, size_t size, uint64_t s)
{
	uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

	if (d)
		snprintf(buf, size, "%llud %lluh %llum", (unsigned long long)d,
			 (unsigned long long)h, (unsigned long long)m);
	else if (h)
		snprintf(buf, size, "%lluh %llum %llus", (unsigned long long)h,
			 (unsigned long long)m, (unsigned long long)(s % 60));
	else if (m)
		snprintf(buf, size, "%llum %llus", (unsigned long long)m,
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, size, "%llus", (unsigned long long)s);
}

static void format_slice(char *buf, size_t size, uint64_t us)
{
	if (us >= 1000 && us % 1000 == 0)
		snprintf(buf, size, "%llums", (unsigned long long)(us / 1000));
	else
		snprintf(buf, size, "%lluus", (unsigned long long)us);
}

/* A 0.1 daemon sends none of the fields added in 0.2; "kind" is one that
 * a 0.2 daemon always fills. Their columns then show "-", not zeroes. */
static bool has_0_2_fields(const struct proto_status_layer *l)
{
	return l->kind[0] != '\0';
}

/* Cells over the last sampling interval: util, p50, p99 ("-" without one). */
static void interval_cells(struct table *t, char **row, size_t c_util, size_t c_p50,
			   size_t c_p99, const struct proto_status *s,
			   const struct proto_status_layer *l)
{
	char buf[32];

	table_set(t, row, c_util, "-");
	table_set(t, row, c_p50, "-");
	table_set(t, row, c_p99, "-");
	if (!has_0_2_fields(l) || !s->stats_interval_ms)
		return;
	table_set(t, row, c_util, "%.2f", l->util);
	if (!l->lat_samples)
		return;
	stats_format_us(buf, sizeof(buf), l->lat_p50_us);
	table_set(t, row, c_p50, "%s", buf);
	stats_format_us(buf, sizeof(buf), l->lat_p99_us);
	table_set(t, row, c_p99, "%s", buf);
}

enum {
	ST_LAYER, ST_POLICY, ST_WEIGHT, ST_SLICE, ST_TASKS,
	ST_KIND, ST_CPUS, ST_UTIL, ST_P50, ST_P99, ST_OWNED, NR_ST,
};

static const struct column status_cols[NR_ST] = {
	[ST_LAYER]	= { "LAYER",	false },
	[ST_POLICY]	= { "POLICY",	false },
	[ST_WEIGHT]	= { "WEIGHT",	true },
	[ST_SLICE]	= { "SLICE",	true },
	[ST_TASKS]	= { "TASKS",	true },
	[ST_KIND]	= { "KIND",	false },
	[ST_CPUS]	= { "CPUS",	true },
	[ST_UTIL]	= { "UTIL",	true },
	[ST_P50]	= { "P50",	true },
	[ST_P99]	= { "P99",	true },
	[ST_OWNED]	= { "OWNED",	false },
};

static int print_status(const struct proto_status *s)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	static char list[CPULIST_LEN];
	struct table t;
	char buf[32], up[64];
	int r;

	format_uptime(up, sizeof(up), s->uptime_s);
	/* key: value pairs, so that the line reads and greps the same. */
	printf("state: %s  ops: %s  attached: %s  role: %s  config: %s  uptime: %s\n",
	       s->state[0] ? s->state : "-", s->ops[0] ? s->ops : "-",
	       s->attached ? "yes" : "no", s->role[0] ? s->role : "-",
	       s->config[0] ? s->config : "-", up);

	if (table_init(&t, status_cols, NR_ST, nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		char **row = table_row(&t);

		table_set(&t, row, ST_LAYER, "%s", l->name);
		table_set(&t, row, ST_POLICY, "%s", l->policy);
		table_set(&t, row, ST_WEIGHT, "%u", l->weight);
		format_slice(buf, sizeof(buf), l->slice_us);
		table_set(&t, row, ST_SLICE, "%s", buf);
		table_set(&t, row, ST_TASKS, "%llu", (unsigned long long)l->tasks);
		interval_cells(&t, row, ST_UTIL, ST_P50, ST_P99, s, l);
		if (!has_0_2_fields(l)) {
			table_set(&t, row, ST_KIND, "-");
			table_set(&t, row, ST_CPUS, "-");
			table_set(&t, row, ST_OWNED, "-");
			continue;
		}
		table_set(&t, row, ST_KIND, "%s", l->kind);
		table_set(&t, row, ST_CPUS, "%u/%u", l->nr_owned, l->nr_span);
		cpulist_format(l->owned.bits, SCXD_MAX_CPUS, list, sizeof(list));
		table_set(&t, row, ST_OWNED, "%s", list[0] ? list : "-");
	}
	putchar('\n');
	r = table_print(&t);
	table_done(&t);
	if (r < 0)
		return r;
	if (!nr)
		printf("(no layers)\n");
	if (s->nr_changes) {
		printf("\nruntime changes (+ running, - in the file; save keeps them, reload drops them):\n");
		for (uint32_t i = 0; i < s->nr_changes && i < PROTO_MAX_CHANGES; i++)
			printf("  %s\n", s->changes[i]);
	}

	if (s->exit.kind[0]) {
		printf("\nlast exit: %s (code %lld)", s->exit.kind, (long long)s->exit.code);
		if (s->exit.reason[0])
			printf(": %s", s->exit.reason);
		if (s->exit.msg[0])
			printf(": %s", s->exit.msg);
		putchar('\n');
	}
	return 0;
}

enum {
	SS_LAYER, SS_ENQ, SS_DISPATCH, SS_DIRECT, SS_PREEMPT, SS_MIGRATE, SS_XLLC,
	SS_STEAL, SS_RESCUE, SS_WAKEUP, SS_RESUME, SS_CPU_TIME, SS_UTIL, SS_P50, SS_P99, NR_SS,
};

static const struct column stats_cols[NR_SS] = {
	[SS_LAYER]	= { "LAYER",	false },
	[SS_ENQ]	= { "ENQ",	true },
	[SS_DISPATCH]	= { "DISPATCH",	true },
	[SS_DIRECT]	= { "DIRECT",	true },
	[SS_PREEMPT]	= { "PREEMPT",	true },
	[SS_MIGRATE]	= { "MIGRATE",	true },
	[SS_XLLC]	= { "XLLC",	true },
	[SS_STEAL]	= { "STEAL",	true },
	[SS_RESCUE]	= { "RESCUE",	true },
	[SS_WAKEUP]	= { "WAKEUP",	true },
	[SS_RESUME]	= { "RESUME",	true },
	[SS_CPU_TIME]	= { "CPU_TIME",	true },
	[SS_UTIL]	= { "UTIL",	true },
	[SS_P50]	= { "P50",	true },
	[SS_P99]	= { "P99",	true },
};

static int print_stats(const struct proto_status *s)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	struct table t;
	char buf[32];
	int r;

	if (s->stats_interval_ms) {
		stats_format_us(buf, sizeof(buf), s->stats_interval_ms * 1000.0);
		printf("counters since attach; util, p50 and p99 over the last %s\n", buf);
	} else {
		printf("counters since attach; util, p50 and p99: no sampling interval yet\n");
	}

	if (table_init(&t, stats_cols, NR_SS, nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		const struct {
			size_t		col;
			uint64_t	v;
		} cnt[] = {
			{ SS_PREEMPT, l->preemptions }, { SS_MIGRATE, l->migrations },
			{ SS_XLLC, l->xllc_migrations }, { SS_STEAL, l->steals },
			{ SS_RESCUE, l->rescues }, { SS_WAKEUP, l->wakeups },
			{ SS_RESUME, l->resumes },
		};
		char **row = table_row(&t);

		table_set(&t, row, SS_LAYER, "%s", l->name);
		table_set(&t, row, SS_ENQ, "%llu", (unsigned long long)l->enqueues);
		table_set(&t, row, SS_DISPATCH, "%llu", (unsigned long long)l->dispatches);
		table_set(&t, row, SS_DIRECT, "%llu", (unsigned long long)l->direct);
		for (size_t k = 0; k < sizeof(cnt) / sizeof(cnt[0]); k++) {
			if (has_0_2_fields(l))
				table_set(&t, row, cnt[k].col, "%llu", (unsigned long long)cnt[k].v);
			else
				table_set(&t, row, cnt[k].col, "-");
		}
		if (has_0_2_fields(l))
			stats_format_us(buf, sizeof(buf), l->cpu_ns / 1000.0);
		table_set(&t, row, SS_CPU_TIME, "%s", has_0_2_fields(l) ? buf : "-");
		interval_cells(&t, row, SS_UTIL, SS_P50, SS_P99, s, l);
	}
	putchar('\n');
	r = table_print(&t);
	table_done(&t);
	if (r < 0)
		return r;
	if (!nr)
		printf("(no layers)\n");
	return 0;
}

/* The status result, decoded; with --json printed as received instead
 * (then *printed is set and s is untouched). */
static int get_status(const struct opts *o, struct proto_status *s, bool *printed)
{
	struct proto_error err;
	cJSON *result;
	int status, r;

	*printed = false;
	status = rpc(o, PROTO_METHOD_STATUS, NULL, &result);
	if (status != EXIT_OK)
		return status;
	if (o->json) {
		*printed = true;
		status = print_json(result);
		cJSON_Delete(result);
		return status;
	}
	r = proto_status_decode(result, s, &err);
	cJSON_Delete(result);
	if (r < 0)
		return fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	return EXIT_OK;
}

enum { LY_LAYER, LY_POLICY, LY_WEIGHT, LY_SLICE, LY_KIND, LY_PREEMPT, LY_CPUS, LY_LLCS,
       LY_USERS, LY_RULES, NR_LY };

static const struct column layers_cols[NR_LY] = {
	[LY_LAYER]	= { "LAYER",	false },
	[LY_POLICY]	= { "POLICY",	false },
	[LY_WEIGHT]	= { "WEIGHT",	true },
	[LY_SLICE]	= { "SLICE",	true },
	[LY_KIND]	= { "KIND",	false },
	[LY_PREEMPT]	= { "PREEMPT",	false },
	[LY_CPUS]	= { "CPUS",	false },
	[LY_LLCS]	= { "LLCS",	false },
	[LY_USERS]	= { "USERS",	false },
	[LY_RULES]	= { "RULES",	true },
};

static void layer_bounds(const struct proto_status_layer *l, char *cpus, size_t clen, char *llcs,
			 size_t llen)
{
	if (l->cpus_max)
		snprintf(cpus, clen, "%u-%u", l->cpus_min, l->cpus_max);
	else
		snprintf(cpus, clen, "%u-all", l->cpus_min);
	if (!l->llcs || cpulist_format((const u64 *)&l->llcs, 64, llcs, llen) < 0)
		snprintf(llcs, llen, "auto");
}

/* The configuration of each layer, one row each: what the file says. */
static int print_layers(const struct proto_status *s, const char *unused)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	char slice[32], cpus[32], llcs[200];
	struct table t;
	int r;

	if (table_init(&t, layers_cols, NR_LY, nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		char **row = table_row(&t);

		stats_format_us(slice, sizeof(slice), (double)l->slice_us);
		layer_bounds(l, cpus, sizeof(cpus), llcs, sizeof(llcs));
		table_set(&t, row, LY_LAYER, "%s", l->name);
		table_set(&t, row, LY_POLICY, "%s", l->policy);
		table_set(&t, row, LY_WEIGHT, "%u", l->weight);
		table_set(&t, row, LY_SLICE, "%s", slice);
		table_set(&t, row, LY_KIND, "%s", l->kind[0] ? l->kind : "-");
		table_set(&t, row, LY_PREEMPT, "%s", l->preempt ? "yes" : "no");
		table_set(&t, row, LY_CPUS, "%s", cpus);
		table_set(&t, row, LY_LLCS, "%s", llcs);
		table_set(&t, row, LY_USERS, "%s", l->users ? "yes" : "no");
		table_set(&t, row, LY_RULES, "%u", l->nr_rules);
	}
	r = table_print(&t);
	table_done(&t);
	return r;
}

/* One layer: its settings as in the file, its match lines, and now. */
static int print_layer(const struct proto_status *s, const char *name)
{
	char slice[32], cpus[32], llcs[200], owned[CPULIST_LEN], buf[32];

	for (uint32_t i = 0; i < s->nr_layers && i < SCXD_MAX_LAYERS; i++) {
		const struct proto_status_layer *l = &s->layers[i];

		if (strcmp(l->name, name))
			continue;
		stats_format_us(slice, sizeof(slice), (double)l->slice_us);
		layer_bounds(l, cpus, sizeof(cpus), llcs, sizeof(llcs));
		cpulist_format(l->owned.bits, SCXD_MAX_CPUS, owned, sizeof(owned));
		printf("[layer.%s]  (layer %u of %u)\n", l->name, i + 1, s->nr_layers);
		printf("policy = %s\nweight = %u\nslice_us = %llu\nkind = %s\npreempt = %s\n",
		       l->policy, l->weight, (unsigned long long)l->slice_us,
		       l->kind[0] ? l->kind : "-", l->preempt ? "yes" : "no");
		if (l->cpus_max)
			printf("cpus = %s\n", cpus);
		else
			printf("; cpus: %u or more, no upper bound\n", l->cpus_min);
		printf("llcs = %s\nusers = %s\n", llcs, l->users ? "yes" : "no");
		for (uint32_t r = l->first_rule; r < l->first_rule + l->nr_rules &&
						  r < SCXD_MAX_RULES; r++)
			printf("match = %s\n", s->rules[r]);
		printf("\nnow: %llu tasks, %u CPUs owned (%s) of %u it may use, util %.2f",
		       (unsigned long long)l->tasks, l->nr_owned, owned[0] ? owned : "none",
		       l->nr_span, l->util);
		if (l->lat_samples) {
			stats_format_us(buf, sizeof(buf), l->lat_p50_us);
			printf(", wakeup latency p50 %s", buf);
			stats_format_us(buf, sizeof(buf), l->lat_p99_us);
			printf(" p99 %s", buf);
		}
		printf("; slice %s\n", slice);
		return 0;
	}
	return fail(EXIT_ERROR, "not found", "no layer '%s'", name), -ENOENT;
}

static int print_status_view(const struct proto_status *s, const char *unused)
{
	return print_status(s);
}

static int print_stats_view(const struct proto_status *s, const char *unused)
{
	return print_stats(s);
}

/*
 * The verbs that show the status document: fetch it, then print it with
 * @print (its @arg: a layer name, or NULL). --json prints the document as
 * received.
 */
static int status_verb(const struct opts *o, int (*print)(const struct proto_status *s,
							  const char *arg), const char *arg)
{
	static struct proto_status s;
	bool printed;
	int status, r;

	status = get_status(o, &s, &printed);
	if (status != EXIT_OK || printed)
		return status;
	r = print(&s, arg);
	if (r == -ENOENT)
		return EXIT_ERROR;
	if (r < 0)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	return EXIT_OK;
}

static int verb_status(const struct opts *o, int argc, char **argv)
{
	if (argc > 1)
		return usage_error("status takes no arguments");
	return status_verb(o, print_status_view, NULL);
}

static int verb_stats(const struct opts *o, int argc, char **argv)
{
	if (argc > 1)
		return usage_error("stats takes no arguments");
	return status_verb(o, print_stats_view, NULL);
}

/* ---- top ---------------------------------------------------------------- */

enum { TP_LAYER, TP_POLICY, TP_TASKS, TP_CPUS, TP_UTIL, TP_P50, TP_P99, TP_WAKEUPS,
       TP_PREEMPTS, NR_TP };

static const struct column top_cols[NR_TP] = {
	[TP_LAYER]	= { "LAYER",	false },
	[TP_POLICY]	= { "POLICY",	false },
	[TP_TASKS]	= { "TASKS",	true },
	[TP_CPUS]	= { "CPUS",	true },
	[TP_UTIL]	= { "UTIL",	true },
	[TP_P50]	= { "P50",	true },
	[TP_P99]	= { "P99",	true },
	[TP_WAKEUPS]	= { "WAKEUPS/S", true },
	[TP_PREEMPTS]	= { "PREEMPT/S", true },
};

/* A counter's rate between two status documents @secs apart; "-" when
 * the layer was not the same one before (a change renumbered layers). */
static void rate_cell(struct table *t, char **row, size_t col, const struct proto_status_layer *now,
		      const struct proto_status_layer *then, uint64_t a, uint64_t b, double secs)
{
	if (!then || strcmp(now->name, then->name) || secs <= 0 || a < b)
		table_set(t, row, col, "-");
	else
		table_set(t, row, col, "%.0f", (a - b) / secs);
}

static int print_top(const struct proto_status *s, const struct proto_status *prev, double secs)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;
	char up[64], clock[16];
	time_t t0 = time(NULL);
	struct table t;
	int r;

	format_uptime(up, sizeof(up), s->uptime_s);
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&t0));
	printf("scxctl top %s  state: %s  attached: %s  role: %s  uptime: %s\n\n", clock,
	       s->state[0] ? s->state : "-", s->attached ? "yes" : "no",
	       s->role[0] ? s->role : "-", up);
	if (table_init(&t, top_cols, NR_TP, nr) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		const struct proto_status_layer *p = prev && i < prev->nr_layers ? &prev->layers[i]
										  : NULL;
		char **row = table_row(&t);

		table_set(&t, row, TP_LAYER, "%s", l->name);
		table_set(&t, row, TP_POLICY, "%s", l->policy);
		table_set(&t, row, TP_TASKS, "%llu", (unsigned long long)l->tasks);
		table_set(&t, row, TP_CPUS, "%u/%u", l->nr_owned, l->nr_span);
		interval_cells(&t, row, TP_UTIL, TP_P50, TP_P99, s, l);
		rate_cell(&t, row, TP_WAKEUPS, l, p, l->wakeups + l->direct,
			  p ? p->wakeups + p->direct : 0, secs);
		rate_cell(&t, row, TP_PREEMPTS, l, p, l->preemptions, p ? p->preemptions : 0, secs);
	}
	r = table_print(&t);
	table_done(&t);
	return r;
}

static volatile sig_atomic_t top_stop;

static void on_top_signal(int sig)
{
	top_stop = 1;
}

/* top [--count N] [--interval MS]: the layers now, every interval. */
static int verb_top(const struct opts *o, int argc, char **argv)
{
	static struct proto_status frames[2];
	long count = -1, interval = 1000;
	bool tty = isatty(STDOUT_FILENO), printed;
	double last = 0;
	int status = EXIT_OK, n = 0;

	for (int i = 1; i < argc; i++) {
		bool is_count = opt_is(argv[i], "--count");
		const char *v;
		char *end;
		long x;

		if (!is_count && !opt_is(argv[i], "--interval"))
			return usage_error("top [--count N] [--interval MS]");
		v = opt_value(argc, argv, &i, is_count ? "--count" : "--interval");
		if (!v)
			return EXIT_USAGE;
		x = strtol(v, &end, 10);
		if (*end || end == v || x < (is_count ? 1 : 100) || x > 86400000)
			return usage_error("top: --count wants N >= 1, --interval MS >= 100");
		if (is_count)
			count = x;
		else
			interval = x;
	}
	signal(SIGINT, on_top_signal);
	signal(SIGTERM, on_top_signal);
	while (!top_stop && (count < 0 || n < count)) {
		struct proto_status *s = &frames[n & 1], *prev = n ? &frames[(n + 1) & 1] : NULL;
		double t = now_ms() / 1000.0;

		if (n)
			usleep(interval * 1000);
		if (top_stop)
			break;
		if (o->json) {
			/* One document per line: a stream a script can read. */
			cJSON *res;
			char *line;

			status = rpc(o, PROTO_METHOD_STATUS, NULL, &res);
			if (status != EXIT_OK)
				break;
			line = cJSON_PrintUnformatted(res);
			cJSON_Delete(res);
			if (!line)
				return fail(EXIT_ERROR, MSG_NOMEM, NULL);
			puts(line);
			cJSON_free(line);
			printed = true;
		} else {
			status = get_status(o, s, &printed);
			if (status != EXIT_OK)
				break;
		}
		if (!printed) {
			if (tty)
				fputs("\033[H\033[J", stdout);
			else if (n)
				putchar('\n');
			if (print_top(s, prev, n ? now_ms() / 1000.0 - last : 0) < 0)
				return fail(EXIT_ERROR, MSG_NOMEM, NULL);
		}
		fflush(stdout);
		last = n ? t : now_ms() / 1000.0;
		n++;
	}
	return status;
}

static int verb_layers(const struct opts *o, int argc, char **argv)
{
	if (argc > 1)
		return usage_error("layers takes no arguments");
	return status_verb(o, print_layers, NULL);
}

static int verb_layer(const struct opts *o, int argc, char **argv)
{
	const cJSON *l, *name;
	cJSON *result;
	int status;

	if (argc != 3 || strcmp(argv[1], "show"))
		return usage_error("scxctl layer show NAME");
	if (!o->json)
		return status_verb(o, print_layer, argv[2]);
	/* --json: that layer's object of the status document. */
	status = rpc(o, PROTO_METHOD_STATUS, NULL, &result);
	if (status != EXIT_OK)
		return status;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(result, "layers")) {
		name = cJSON_GetObjectItemCaseSensitive(l, "name");
		if (cJSON_IsString(name) && !strcmp(name->valuestring, argv[2])) {
			status = print_json(l);
			cJSON_Delete(result);
			return status;
		}
	}
	cJSON_Delete(result);
	return fail(EXIT_ERROR, "not found", "no layer '%s'", argv[2]);
}

/* ---- topology ---------------------------------------------------------- */

static const char *topo_source_detail(const char *source)
{
	if (!strcmp(source, "kernel"))
		return " (sd_llc_id)";
	if (!strcmp(source, "sysfs"))
		return " (cache/index3)";
	return "";
}

enum { TC_CPU, TC_LLC, TC_LLC_ID, TC_NODE, TC_ONLINE, NR_TC };

static const struct column topo_cpu_cols[NR_TC] = {
	[TC_CPU]	= { "CPU",	true },
	[TC_LLC]	= { "LLC",	true },
	[TC_LLC_ID]	= { "LLC_ID",	true },
	[TC_NODE]	= { "NODE",	true },
	[TC_ONLINE]	= { "ONLINE",	false },
};

enum { TL_LLC, TL_ID, TL_NR, TL_CPUS, NR_TL };

static const struct column topo_llc_cols[NR_TL] = {
	[TL_LLC]	= { "LLC",	true },
	[TL_ID]		= { "ID",	true },
	[TL_NR]		= { "NR_CPUS",	true },
	[TL_CPUS]	= { "CPUS",	false },
};

static int print_topology(const struct proto_topology *tp)
{
	uint32_t nr_cpus = tp->nr_cpus < SCXD_MAX_CPUS ? tp->nr_cpus : SCXD_MAX_CPUS;
	uint32_t nr_llcs = tp->nr_llcs < SCXD_MAX_LLCS ? tp->nr_llcs : SCXD_MAX_LLCS;
	static char list[CPULIST_LEN];
	uint32_t online = 0;
	struct table t;
	int r;

	for (uint32_t i = 0; i < nr_cpus; i++)
		online += tp->cpus[i].online;
	printf("source: %s%s, %u CPU%s", tp->source[0] ? tp->source : "-",
	       topo_source_detail(tp->source), nr_cpus, nr_cpus == 1 ? "" : "s");
	if (online != nr_cpus)
		printf(" (%u online)", online);
	printf(", %u LLC%s\n", nr_llcs, nr_llcs == 1 ? "" : "s");

	if (table_init(&t, topo_cpu_cols, NR_TC, nr_cpus) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr_cpus; i++) {
		const struct proto_topology_cpu *c = &tp->cpus[i];
		char **row = table_row(&t);

		table_set(&t, row, TC_CPU, "%u", c->cpu);
		table_set(&t, row, TC_LLC, "%u", c->llc);
		table_set(&t, row, TC_LLC_ID, "%d", c->llc_id);
		table_set(&t, row, TC_NODE, "%d", c->node);
		table_set(&t, row, TC_ONLINE, "%s", c->online ? "yes" : "no");
	}
	putchar('\n');
	r = table_print(&t);
	table_done(&t);
	if (r < 0)
		return r;

	if (table_init(&t, topo_llc_cols, NR_TL, nr_llcs) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < nr_llcs; i++) {
		const struct proto_topology_llc *l = &tp->llcs[i];
		char **row = table_row(&t);
		unsigned n = scxd_cpumask_count(&l->cpus);

		cpulist_format(l->cpus.bits, SCXD_MAX_CPUS, list, sizeof(list));
		table_set(&t, row, TL_LLC, "%u", l->index);
		table_set(&t, row, TL_ID, "%d", l->id);
		table_set(&t, row, TL_NR, "%u", n);
		table_set(&t, row, TL_CPUS, "%s", list[0] ? list : "-");
	}
	putchar('\n');
	r = table_print(&t);
	table_done(&t);
	return r;
}

static int verb_topology(const struct opts *o, int argc, char **argv)
{
	static struct proto_topology tp;
	struct proto_error err;
	cJSON *result;
	int status, r;

	if (argc > 1)
		return usage_error("topology takes no arguments");
	status = rpc(o, PROTO_METHOD_TOPOLOGY, NULL, &result);
	if (status != EXIT_OK)
		return status;
	if (o->json) {
		status = print_json(result);
		cJSON_Delete(result);
		return status;
	}
	r = proto_topology_decode(result, &tp, &err);
	cJSON_Delete(result);
	if (r < 0)
		return fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	if (print_topology(&tp) < 0)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	return EXIT_OK;
}

/* ---- version ----------------------------------------------------------- */

static int verb_version(const struct opts *o, int argc, char **argv)
{
	struct proto_version v;
	struct proto_error err;
	cJSON *result;
	int status, r;

	if (argc > 1)
		return usage_error("version takes no arguments");
	if (!o->json) {
		printf("scxctl %s (protocol %d)\n", SCXD_VERSION, SCXD_PROTO_VERSION);
		fflush(stdout);
	}
	status = rpc(o, PROTO_METHOD_VERSION, NULL, &result);
	if (status != EXIT_OK)
		return status;
	if (o->json) {
		status = print_json(result);
		cJSON_Delete(result);
		return status;
	}
	r = proto_version_decode(result, &v, &err);
	cJSON_Delete(result);
	if (r < 0)
		return fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	printf("scxd %s (protocol %u)\n", v.version, v.proto);
	return EXIT_OK;
}

/* ---- changes ----------------------------------------------------------- */

/* Request params {"@key": "@value"}; NULL on ENOMEM. */
static cJSON *string_params(const char *key, const char *value)
{
	cJSON *params = cJSON_CreateObject();

	if (params && !cJSON_AddStringToObject(params, key, value)) {
		cJSON_Delete(params);
		return NULL;
	}
	return params;
}

/* Send a change; on success print @done (the change, in words). */
static int change(const struct opts *o, enum proto_method_id method, cJSON *params,
		  const char *done)
{
	cJSON *result;
	int status;

	status = rpc(o, method, params, &result);
	if (status != EXIT_OK)
		return status;
	if (o->json)
		status = print_json(result);
	else if (done)
		printf("%s\n", done);
	cJSON_Delete(result);
	return status;
}

/* Layer options -> "set": {key: value} in the config file's terms. The
 * daemon checks the values, exactly as it checks a file. */
static const struct {
	const char	*opt;
	const char	*key;
	const char	*value;		/* fixed value; NULL: takes one */
} layer_opts[] = {
	{ "--latency",		"policy",	"latency" },
	{ "--throughput",	"policy",	"throughput" },
	{ "--weight",		"weight",	NULL },
	{ "--slice-us",		"slice_us",	NULL },
	{ "--llcs",		"llcs",		NULL },
	{ "--cpus",		"cpus",		NULL },
	{ "--kind",		"kind",		NULL },
	{ "--preempt",		"preempt",	"yes" },
	{ "--no-preempt",	"preempt",	"no" },
	{ "--users",		"users",	"yes" },
	{ "--no-users",		"users",	"no" },
};

/*
 * Parse argv[2..] of set-layer/add-layer into params: "set" always,
 * "before" and "match" only when @add. Returns EXIT_OK or a usage error
 * (already printed). @summary gets "key = value, ..." for the message.
 */
static int parse_layer_args(int argc, char **argv, bool add, cJSON *params, char *summary,
			    size_t len)
{
	cJSON *set = cJSON_AddObjectToObject(params, "set");
	cJSON *match = add ? cJSON_AddArrayToObject(params, "match") : NULL;
	char what[160];

	if (!set || (add && !match))
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	summary[0] = '\0';
	for (int i = 2; i < argc; i++) {
		const char *v = NULL;
		size_t k;

		for (k = 0; k < sizeof(layer_opts) / sizeof(layer_opts[0]); k++)
			if (layer_opts[k].value ? !strcmp(argv[i], layer_opts[k].opt)
						: opt_is(argv[i], layer_opts[k].opt))
				break;
		if (k < sizeof(layer_opts) / sizeof(layer_opts[0])) {
			v = layer_opts[k].value ?: opt_value(argc, argv, &i, layer_opts[k].opt);
			if (!v)
				return EXIT_USAGE;
			cJSON_DeleteItemFromObjectCaseSensitive(set, layer_opts[k].key);
			if (!cJSON_AddStringToObject(set, layer_opts[k].key, v))
				return fail(EXIT_ERROR, MSG_NOMEM, NULL);
			snprintf(summary + strlen(summary), len - strlen(summary), "%s%s = %s",
				 summary[0] ? ", " : "", layer_opts[k].key, v);
		} else if (add && opt_is(argv[i], "--before")) {
			if (!(v = opt_value(argc, argv, &i, "--before")))
				return EXIT_USAGE;
			cJSON_DeleteItemFromObjectCaseSensitive(params, "before");
			if (!cJSON_AddStringToObject(params, "before", v))
				return fail(EXIT_ERROR, MSG_NOMEM, NULL);
		} else if (add && opt_is(argv[i], "--match")) {
			if (!(v = opt_value(argc, argv, &i, "--match")))
				return EXIT_USAGE;
			if (!cJSON_AddItemToArray(match, cJSON_CreateString(v)))
				return fail(EXIT_ERROR, MSG_NOMEM, NULL);
		} else {
			snprintf(what, sizeof(what), "%s: unknown option '%.64s'", argv[0], argv[i]);
			return usage_error(what);
		}
	}
	return EXIT_OK;
}

static int layer_verb(const struct opts *o, int argc, char **argv, bool add)
{
	char summary[512], done[700];
	cJSON *params;
	int status;

	if (argc < 2 || argv[1][0] == '-')
		return usage_error(add ? "add-layer needs a layer name" : "set-layer needs a layer name");
	params = string_params("layer", argv[1]);
	if (!params)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	status = parse_layer_args(argc, argv, add, params, summary, sizeof(summary));
	if (status == EXIT_OK && !add && !summary[0])
		status = usage_error("set-layer needs at least one setting");
	if (status != EXIT_OK) {
		cJSON_Delete(params);
		return status;
	}
	snprintf(done, sizeof(done), "%s layer %s%s%s", add ? "added" : "changed", argv[1],
		 summary[0] ? ": " : "", summary);
	return change(o, add ? PROTO_METHOD_ADD_LAYER : PROTO_METHOD_SET_LAYER, params, done);
}

static int verb_set_layer(const struct opts *o, int argc, char **argv)
{
	return layer_verb(o, argc, argv, false);
}

static int verb_add_layer(const struct opts *o, int argc, char **argv)
{
	return layer_verb(o, argc, argv, true);
}

static int verb_remove_layer(const struct opts *o, int argc, char **argv)
{
	char done[160];
	cJSON *params;

	if (argc != 2)
		return usage_error("remove-layer takes one layer name");
	params = string_params("layer", argv[1]);
	if (!params)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	snprintf(done, sizeof(done), "removed layer %.64s; its tasks were re-classified", argv[1]);
	return change(o, PROTO_METHOD_REMOVE_LAYER, params, done);
}

static int verb_match(const struct opts *o, int argc, char **argv)
{
	bool add = argc > 1 && !strcmp(argv[1], "add");
	char done[400];
	cJSON *params;

	if (argc != 4 || (!add && strcmp(argv[1], "remove")))
		return usage_error("scxctl match add|remove LAYER RULE");
	params = cJSON_CreateObject();
	if (!params || !cJSON_AddStringToObject(params, "layer", argv[2]) ||
	    !cJSON_AddStringToObject(params, "rule", argv[3])) {
		cJSON_Delete(params);
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	}
	snprintf(done, sizeof(done), "%s layer %.64s: match = %.256s", add ? "added to" : "removed from",
		 argv[2], argv[3]);
	return change(o, add ? PROTO_METHOD_MATCH_ADD : PROTO_METHOD_MATCH_REMOVE, params, done);
}

static int verb_reload(const struct opts *o, int argc, char **argv)
{
	if (argc > 1)
		return usage_error("reload takes no arguments");
	return change(o, PROTO_METHOD_RELOAD, NULL, "reloaded the configuration file");
}

static int verb_stop(const struct opts *o, int argc, char **argv)
{
	if (argc > 1)
		return usage_error("stop takes no arguments");
	return change(o, PROTO_METHOD_STOP, NULL,
		      "detached: tasks run on the kernel's default scheduler");
}

static int verb_start(const struct opts *o, int argc, char **argv)
{
	struct opts slow = *o;

	if (argc > 1)
		return usage_error("start takes no arguments");
	if (!o->timeout_set)
		slow.timeout_ms = START_TIMEOUT_MS;
	return change(&slow, PROTO_METHOD_START, NULL, "attached");
}

static int verb_save(const struct opts *o, int argc, char **argv)
{
	const cJSON *path;
	cJSON *result;
	int status;

	if (argc > 1)
		return usage_error("save takes no arguments");
	status = rpc(o, PROTO_METHOD_SAVE, NULL, &result);
	if (status != EXIT_OK)
		return status;
	path = cJSON_GetObjectItemCaseSensitive(result, "path");
	if (o->json)
		status = print_json(result);
	else
		printf("saved the running configuration to %s\n",
		       cJSON_IsString(path) ? path->valuestring : "?");
	cJSON_Delete(result);
	return status;
}

/* ---- pins ------------------------------------------------------------- */

/* A process id argument; 0 (with a usage error printed) when it is not one. */
static int parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > INT32_MAX) {
		char what[96];

		snprintf(what, sizeof(what), "'%.32s' is not a process id", s);
		usage_error(what);
		return 0;
	}
	return v;
}

/* "PID" or "--cgroup PATH" at argv[*i] into params; EXIT_OK or a usage error. */
static int parse_target(int argc, char **argv, int *i, cJSON *params)
{
	const char *v;

	if (opt_is(argv[*i], "--cgroup")) {
		if (!(v = opt_value(argc, argv, i, "--cgroup")))
			return EXIT_USAGE;
		return cJSON_AddStringToObject(params, "cgroup", v) ? EXIT_OK
			: fail(EXIT_ERROR, MSG_NOMEM, NULL);
	}
	int pid = parse_pid(argv[*i]);

	if (!pid)
		return EXIT_USAGE;
	return cJSON_AddNumberToObject(params, "pid", pid) ? EXIT_OK
		: fail(EXIT_ERROR, MSG_NOMEM, NULL);
}

/* move PID|--cgroup PATH --layer NAME; unpin PID|--cgroup PATH */
static int pin_verb(const struct opts *o, int argc, char **argv, bool move)
{
	cJSON *params = cJSON_CreateObject();
	bool target = false;
	const char *layer = NULL;
	char done[160];
	int status = EXIT_OK;

	if (!params)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	for (int i = 1; i < argc && status == EXIT_OK; i++) {
		if (move && opt_is(argv[i], "--layer")) {
			if (!(layer = opt_value(argc, argv, &i, "--layer")))
				status = EXIT_USAGE;
		} else if (!target) {
			status = parse_target(argc, argv, &i, params);
			target = true;
		} else {
			char what[128];

			snprintf(what, sizeof(what), "%s: unexpected '%.64s'", argv[0], argv[i]);
			status = usage_error(what);
		}
	}
	if (status == EXIT_OK && (!target || (move && !layer)))
		status = usage_error(move ? "usage: scxctl move PID|--cgroup PATH --layer NAME"
					  : "usage: scxctl unpin PID|--cgroup PATH");
	if (status == EXIT_OK && layer && !cJSON_AddStringToObject(params, "layer", layer))
		status = fail(EXIT_ERROR, MSG_NOMEM, NULL);
	if (status != EXIT_OK) {
		cJSON_Delete(params);
		return status;
	}
	if (move)
		snprintf(done, sizeof(done), "pinned to layer %.64s", layer);
	else
		snprintf(done, sizeof(done), "unpinned");
	return change(o, move ? PROTO_METHOD_MOVE : PROTO_METHOD_UNPIN, params, done);
}

static int verb_move(const struct opts *o, int argc, char **argv)
{
	return pin_verb(o, argc, argv, true);
}

static int verb_unpin(const struct opts *o, int argc, char **argv)
{
	return pin_verb(o, argc, argv, false);
}

/* run --layer NAME -- CMD ARGS: pin ourselves, then become CMD. */
static int verb_run(const struct opts *o, int argc, char **argv)
{
	const char *layer = NULL;
	cJSON *params, *result;
	int i, status;

	/* The "--" is required: without it, a --help or --json of the
	 * command's would be taken for scxctl's own. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!opt_is(argv[i], "--layer") || !(layer = opt_value(argc, argv, &i, "--layer")))
			return usage_error("scxctl run --layer NAME -- COMMAND [ARGS...]");
	}
	if (!layer || i + 1 >= argc)
		return usage_error("scxctl run --layer NAME -- COMMAND [ARGS...]");
	i++;
	params = string_params("layer", layer);
	if (!params)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	status = rpc(o, PROTO_METHOD_RUN, params, &result);
	if (status != EXIT_OK)
		return status;
	cJSON_Delete(result);
	fflush(stdout);
	execvp(argv[i], argv + i);
	/* Like env(1): 127 when the command is not found, 126 otherwise. */
	status = errno == ENOENT ? 127 : 126;
	fprintf(stderr, "scxctl: run: %s: %s\n", argv[i], strerror(errno));
	return status;
}

static int verb_explain(const struct opts *o, int argc, char **argv)
{
	const cJSON *layer, *reason, *rule, *comm, *pinned;
	cJSON *params, *result;
	int pid, status;

	if (argc != 2)
		return usage_error("scxctl explain PID");
	pid = parse_pid(argv[1]);
	if (!pid)
		return EXIT_USAGE;
	params = cJSON_CreateObject();
	if (!params || !cJSON_AddNumberToObject(params, "pid", pid)) {
		cJSON_Delete(params);
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	}
	status = rpc(o, PROTO_METHOD_EXPLAIN, params, &result);
	if (status != EXIT_OK)
		return status;
	if (o->json) {
		status = print_json(result);
		cJSON_Delete(result);
		return status;
	}
	layer = cJSON_GetObjectItemCaseSensitive(result, "layer");
	reason = cJSON_GetObjectItemCaseSensitive(result, "reason");
	rule = cJSON_GetObjectItemCaseSensitive(result, "rule");
	comm = cJSON_GetObjectItemCaseSensitive(result, "comm");
	pinned = cJSON_GetObjectItemCaseSensitive(result, "pinned");
	if (!cJSON_IsString(layer) || !cJSON_IsString(reason)) {
		cJSON_Delete(result);
		return fail(EXIT_ERROR, MSG_RESPONSE, "explain: no layer or reason");
	}
	printf("%d (%s): layer %s\n", pid, cJSON_IsString(comm) ? comm->valuestring : "?",
	       layer->valuestring);
	if (!strcmp(reason->valuestring, "pinned"))
		printf("  pinned (scxctl run/move; scxctl unpin %d undoes it)\n", pid);
	else if (!strcmp(reason->valuestring, "rule") && cJSON_IsString(rule))
		printf("  matched: match = %s\n", rule->valuestring);
	else
		printf("  no rule matched: the last layer takes every other task\n");
	if (cJSON_IsTrue(pinned) && strcmp(reason->valuestring, "pinned"))
		printf("  (pinned to a layer that no longer exists: rules decide)\n");
	cJSON_Delete(result);
	return EXIT_OK;
}

/* ---- roles --------------------------------------------------------------- */

static int verb_role(const struct opts *o, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	const cJSON *list, *r, *cur, *text;
	cJSON *params = NULL, *result;
	char done[160];
	int status;

	if (!strcmp(sub, "list") && argc == 2) {
		status = rpc(o, PROTO_METHOD_ROLES, NULL, &result);
		if (status != EXIT_OK || o->json) {
			if (status == EXIT_OK)
				status = print_json(result);
			cJSON_Delete(result);
			return status;
		}
		cur = cJSON_GetObjectItemCaseSensitive(result, "current");
		list = cJSON_GetObjectItemCaseSensitive(result, "roles");
		cJSON_ArrayForEach(r, list) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(r, "name");
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "description");

			if (!cJSON_IsString(n))
				continue;
			printf("%s %-10s %s\n",
			       cJSON_IsString(cur) && !strcmp(cur->valuestring, n->valuestring) ? "*"
											    : " ",
			       n->valuestring, cJSON_IsString(d) ? d->valuestring : "");
		}
		cJSON_Delete(result);
		return EXIT_OK;
	}
	if ((strcmp(sub, "show") && strcmp(sub, "set")) || argc != 3)
		return usage_error("scxctl role list | role show NAME | role set NAME");
	params = string_params("name", argv[2]);
	if (!params)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	if (!strcmp(sub, "set")) {
		snprintf(done, sizeof(done), "running role %.64s", argv[2]);
		return change(o, PROTO_METHOD_ROLE_SET, params, done);
	}
	status = rpc(o, PROTO_METHOD_ROLE_SHOW, params, &result);
	if (status != EXIT_OK)
		return status;
	text = cJSON_GetObjectItemCaseSensitive(result, "text");
	if (o->json)
		status = print_json(result);
	else
		fputs(cJSON_IsString(text) ? text->valuestring : "", stdout);
	cJSON_Delete(result);
	return status;
}

/* ---- check (offline) ---------------------------------------------------- */

static int verb_check(const struct opts *o, int argc, char **argv)
{
	struct scxd_config *c;
	struct config_error err = {0};
	char buf[600];
	int r;

	if (argc != 2)
		return usage_error("scxctl check FILE");
	c = calloc(1, sizeof(*c));
	if (!c)
		return fail(EXIT_ERROR, MSG_NOMEM, NULL);
	r = config_load_file(c, argv[1], &err);
	if (r < 0) {
		config_error_str(&err, buf, sizeof(buf));
		free(c);
		if (r == -EINVAL)
			return fail(EXIT_CONFIG, MSG_CONFIG, "%s", buf);
		return fail(EXIT_ERROR, "cannot read the file", "%s", buf);
	}
	config_describe(c, stdout);
	free(c);
	return EXIT_OK;
}

/* ---- help -------------------------------------------------------------- */

static int verb_help(const struct opts *o, int argc, char **argv);

static const struct verb {
	const char	*name;
	const char	*summary;
	const char	*help;
	int		(*run)(const struct opts *o, int argc, char **argv);
} verbs[] = {
	{ "status", "show the scheduler state and its layers",
	  "Usage: scxctl [--json] status\n"
	  "\n"
	  "Show whether the scheduler is attached, the config it runs, and one\n"
	  "row per layer:\n"
	  "  LAYER POLICY WEIGHT SLICE  the layer's configuration\n"
	  "  TASKS     tasks in the layer now\n"
	  "  KIND      open (may use idle CPUs of its LLCs) or confined (only its own)\n"
	  "  CPUS      CPUs allocated to the layer / CPUs it may run on now\n"
	  "  UTIL      busy CPUs over the last sampling interval (1.50 = one and a half)\n"
	  "  P50 P99   wakeup latency percentiles over the last sampling interval\n"
	  "  OWNED     the CPUs allocated to the layer, as a list (0-3,6)\n"
	  "Then, if the running configuration differs from the configuration\n"
	  "file, the differing lines: \"+ [layer.x] key = value\" running,\n"
	  "\"- ...\" in the file (scxctl save keeps them, reload drops them).\n"
	  "Ends with the last scheduler exit, if there was one. \"-\" marks a value\n"
	  "that is not known: no sample yet, or a daemon older than scxctl. The\n"
	  "first five columns keep their place in later releases.\n"
	  "With --json, print the daemon's status document as received (schema:\n"
	  "docs/protocol.md). Read-only: any user.\n",
	  verb_status },
	{ "stats", "show the per-layer scheduling counters",
	  "Usage: scxctl [--json] stats\n"
	  "\n"
	  "One row per layer; counters since the scheduler attached:\n"
	  "  ENQ       tasks enqueued into the layer\n"
	  "  DISPATCH  tasks the layer handed to a CPU\n"
	  "  DIRECT    tasks placed straight on an idle CPU\n"
	  "  PREEMPT   throughput tasks preempted for a latency task\n"
	  "  MIGRATE   runs on another CPU than the last one\n"
	  "  XLLC      ... on another LLC\n"
	  "  STEAL     tasks taken from another LLC's queue\n"
	  "  RESCUE    tasks served first after waiting too long (anti-stall)\n"
	  "  WAKEUP    waking tasks that were queued (not placed on an idle CPU)\n"
	  "  RESUME    tasks preempted by a latency task that went back to their\n"
	  "            CPU with the slice they had left\n"
	  "  CPU_TIME  CPU time used\n"
	  "and over the last sampling interval (the first line says how long):\n"
	  "  UTIL      busy CPUs\n"
	  "  P50 P99   wakeup latency percentiles\n"
	  "One snapshot of the daemon's status; with --json, the status document\n"
	  "as received. Read-only: any user.\n",
	  verb_stats },
	{ "layers", "list the layers and their settings",
	  "Usage: scxctl [--json] layers\n"
	  "\n"
	  "One row per layer, in evaluation order, with its configuration:\n"
	  "  LAYER POLICY WEIGHT SLICE KIND PREEMPT\n"
	  "  CPUS      allocation bounds MIN-MAX (MIN-all: no upper bound)\n"
	  "  LLCS      the LLC indexes it may use, or auto\n"
	  "  USERS     yes: any user may run/move own processes into it\n"
	  "  RULES     number of match lines (scxctl layer show NAME lists them)\n"
	  "With --json, the status document as received. Read-only: any user.\n",
	  verb_layers },
	{ "layer", "show one layer: settings, match lines, current state",
	  "Usage: scxctl [--json] layer show NAME\n"
	  "\n"
	  "Print layer NAME's settings as config file lines (defaults filled in),\n"
	  "its match lines in order, then its tasks, CPUs, utilization and wakeup\n"
	  "latency now. Exit 1 when there is no such layer. With --json, that\n"
	  "layer's object of the status document. Read-only: any user.\n",
	  verb_layer },
	{ "top", "live view of the layers, refreshed every second",
	  "Usage: scxctl [--json] top [--count N] [--interval MS]\n"
	  "\n"
	  "Redraw every MS milliseconds (default 1000, at least 100) until\n"
	  "Ctrl-C, or N times: a header line, then one row per layer:\n"
	  "  TASKS     tasks in the layer now\n"
	  "  CPUS      CPUs allocated / CPUs it may run on\n"
	  "  UTIL P50 P99  busy CPUs and wakeup latency percentiles over the\n"
	  "            daemon's last sampling interval\n"
	  "  WAKEUPS/S PREEMPT/S  rates since the previous frame (\"-\" on the first)\n"
	  "When stdout is not a terminal, frames follow each other separated by\n"
	  "an empty line. With --json, one status document per frame, one per\n"
	  "line. Read-only: any user.\n",
	  verb_top },
	{ "topology", "show the CPUs and last-level caches the scheduler sees",
	  "Usage: scxctl [--json] topology\n"
	  "\n"
	  "A summary line (where the topology comes from: the kernel's sd_llc_id,\n"
	  "or sysfs cache/index3; how many CPUs and LLCs), then one row per CPU:\n"
	  "  CPU LLC   the CPU and the dense LLC index layers' llcs= refer to\n"
	  "  LLC_ID    the kernel's id of that LLC (its first CPU)\n"
	  "  NODE      NUMA node\n"
	  "  ONLINE    yes or no\n"
	  "then one row per LLC: index, kernel id, number of CPUs, CPU list.\n"
	  "With --json, print the daemon's topology result as received (schema:\n"
	  "docs/protocol.md). Read-only: any user.\n",
	  verb_topology },
	{ "version", "show the versions of scxctl, scxd and the protocol",
	  "Usage: scxctl [--json] version\n"
	  "\n"
	  "Print scxctl's own version and protocol, then the daemon's. With\n"
	  "--json, print only the daemon's answer. Read-only: any user.\n",
	  verb_version },
	{ "set-layer", "change a layer of the running scheduler",
	  "Usage: scxctl set-layer NAME [--latency|--throughput] [--weight N]\n"
	  "           [--slice-us N] [--llcs LIST|auto] [--cpus MIN-MAX]\n"
	  "           [--kind open|confined] [--preempt|--no-preempt]\n"
	  "           [--users|--no-users]\n"
	  "\n"
	  "Change layer NAME while the scheduler stays attached. Each option sets\n"
	  "the config file key of the same name (docs/config.md), with the same\n"
	  "values and checks; an empty value (--weight=) returns a key to its\n"
	  "default. A layer whose slice or preempt was left at its policy's default\n"
	  "follows a policy change. The change is applied as a whole or not at\n"
	  "all; `scxctl save` keeps it across restarts. Root or the scxd group.\n"
	  "Exit 78 with the reason when the result would be an invalid config.\n",
	  verb_set_layer },
	{ "add-layer", "add a layer to the running scheduler",
	  "Usage: scxctl add-layer NAME --latency|--throughput --match RULE...\n"
	  "           [--before LAYER] [set-layer options]\n"
	  "\n"
	  "Add layer NAME before LAYER (default: before the last layer, which\n"
	  "catches every task no other layer matched). Like a [layer.NAME]\n"
	  "section, it needs a policy and at least one --match rule (repeat it for\n"
	  "more; rule syntax as in the config file). Tasks that match move into it\n"
	  "at once, running or asleep. Root or the scxd group.\n",
	  verb_add_layer },
	{ "remove-layer", "remove a layer; its tasks are re-classified",
	  "Usage: scxctl remove-layer NAME\n"
	  "\n"
	  "Remove layer NAME from the running scheduler. Its tasks, running or\n"
	  "asleep, move to the layers their facts match now; none is lost. The\n"
	  "last layer must still match every task. Root or the scxd group.\n",
	  verb_remove_layer },
	{ "match", "add or remove a match rule of a layer",
	  "Usage: scxctl match add|remove LAYER RULE\n"
	  "\n"
	  "Add RULE as the last match line of LAYER, or remove the line equal to\n"
	  "RULE (spacing aside). Rule syntax as in the config file, e.g.\n"
	  "  scxctl match add gaming 'comm=steam* && uid=1000'\n"
	  "Tasks already running are re-classified at once. Root or the scxd group.\n",
	  verb_match },
	{ "reload", "re-read the configuration file",
	  "Usage: scxctl reload\n"
	  "\n"
	  "Re-read the daemon's configuration file and apply it, dropping runtime\n"
	  "changes (a saved configuration is set aside as saved.ini.old). An\n"
	  "invalid file changes nothing: exit 78 with FILE:LINE: problem. Same as\n"
	  "systemctl reload scxd. Root or the scxd group.\n",
	  verb_reload },
	{ "save", "keep the running configuration across restarts",
	  "Usage: scxctl save\n"
	  "\n"
	  "Write the running configuration, with every runtime change, to\n"
	  "/var/lib/scxd/saved.ini (the daemon's --state-dir); the daemon starts\n"
	  "from it instead of its configuration file, as long as it was saved from\n"
	  "that same file. `scxctl reload` returns to the file. Root or the scxd\n"
	  "group.\n",
	  verb_save },
	{ "stop", "detach the scheduler, keep the daemon",
	  "Usage: scxctl stop\n"
	  "\n"
	  "Detach scxd's scheduler: every task goes back to the kernel's default\n"
	  "scheduler (EEVDF). The daemon keeps running with its configuration,\n"
	  "runtime changes included; `scxctl start` attaches again. For comparing\n"
	  "with the kernel's scheduler on the same machine. Root or the scxd group.\n",
	  verb_stop },
	{ "start", "attach the scheduler again after stop",
	  "Usage: scxctl start\n"
	  "\n"
	  "Attach scxd's scheduler with the running configuration. Loading it\n"
	  "through the kernel's verifier can take seconds: start waits up to 60 s\n"
	  "unless --timeout says otherwise. Exit 1 with\n"
	  "\"busy\" when it is attached already or another sched_ext scheduler\n"
	  "runs. Root or the scxd group.\n",
	  verb_start },
	{ "run", "start a command in a layer, with all it starts",
	  "Usage: scxctl run --layer NAME -- COMMAND [ARGS...]\n"
	  "\n"
	  "Pin scxctl itself to layer NAME, then execute COMMAND: it, its threads\n"
	  "and every process it starts stay in that layer, whatever the rules say\n"
	  "(like gamemoderun, for any layer). Any user may run a command in a layer\n"
	  "whose config says users = yes; other layers need root or the scxd group.\n"
	  "Exit status: COMMAND's; 126/127 if it cannot be executed or found.\n",
	  verb_run },
	{ "move", "pin a running process (or a cgroup's) to a layer",
	  "Usage: scxctl move PID|--cgroup PATH --layer NAME\n"
	  "\n"
	  "Pin every thread of process PID, or of every process in cgroup PATH and\n"
	  "below it (PATH as in /proc/PID/cgroup, e.g. /user.slice/app.scope), to\n"
	  "layer NAME; what they fork from then on inherits the pin. Root or the\n"
	  "scxd group; any user for their own processes into a layer with\n"
	  "users = yes.\n",
	  verb_move },
	{ "unpin", "let the rules place a pinned process again",
	  "Usage: scxctl unpin PID|--cgroup PATH\n"
	  "\n"
	  "Remove the pins of PID's threads (or of a cgroup's processes); the\n"
	  "rules decide their layer again. Same permissions as move.\n",
	  verb_unpin },
	{ "explain", "show which layer a process is in, and why",
	  "Usage: scxctl [--json] explain PID\n"
	  "\n"
	  "Print PID's layer and what put it there: the match rule that held\n"
	  "first, a pin (scxctl run/move), or no rule (the last layer). With\n"
	  "--json: {pid, comm, layer, reason: rule|pinned|catch-all, rule_index,\n"
	  "rule, pinned}. Read-only: any user.\n",
	  verb_explain },
	{ "role", "list, show or switch to a machine role",
	  "Usage: scxctl [--json] role list | role show NAME | role set NAME\n"
	  "\n"
	  "Roles are configuration files, one per kind of machine (desktop, build,\n"
	  "gaming, server: /etc/scxd/roles/NAME.ini, the daemon's --roles-dir).\n"
	  "list: the roles with their one-line descriptions, * the running one.\n"
	  "show: the role's configuration, in the canonical form `save` writes.\n"
	  "set: run that role's configuration now, without detaching (root or\n"
	  "the scxd group); `scxctl save` keeps it, `scxctl reload` returns to\n"
	  "the configuration file. An invalid role file changes nothing (exit 78).\n",
	  verb_role },
	{ "check", "validate a configuration file without a daemon",
	  "Usage: scxctl check FILE\n"
	  "\n"
	  "Parse FILE as scxd would and print its effective layers: every setting\n"
	  "with its default filled in, and the match lines. Needs no daemon and no\n"
	  "privileges. Exit 78 with FILE:LINE: problem when it is invalid, 1 when\n"
	  "it cannot be read. Like scxd --check --config FILE.\n",
	  verb_check },
	{ "help", "show this help, or a verb's help",
	  "Usage: scxctl help [VERB]\n",
	  verb_help },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < N_VERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static void print_usage(void)
{
	printf("Usage: scxctl [OPTIONS] VERB\n"
	       "\n"
	       "Query and control the scxd scheduler daemon over its control socket.\n"
	       "\n"
	       "Verbs:\n");
	for (size_t i = 0; i < N_VERBS; i++)
		printf("  %-12s %s\n", verbs[i].name, verbs[i].summary);
	printf("\n"
	       "Options:\n"
	       "  -s, --socket PATH  control socket (default: $SCXD_SOCKET, else %s)\n"
	       "  -j, --json         print the daemon's JSON result instead of text\n"
	       "  -t, --timeout MS   give up after MS milliseconds (default 5000)\n"
	       "  -h, --help         show this help; after a verb, that verb's help\n"
	       "\n"
	       "Exit status:\n"
	       "  0   success\n"
	       "  1   error (one line on stderr: \"scxctl: <message>: <detail>\")\n"
	       "  2   usage error\n"
	       "  3   daemon not running (socket missing or connection refused)\n"
	       "  4   permission denied\n"
	       "  78  invalid config\n",
	       SCXD_SOCKET_PATH);
}

static int verb_help(const struct opts *o, int argc, char **argv)
{
	const struct verb *v;

	if (argc > 2)
		return usage_error("help takes at most one verb");
	if (argc < 2) {
		print_usage();
		return EXIT_OK;
	}
	v = find_verb(argv[1]);
	if (!v) {
		char what[128];

		snprintf(what, sizeof(what), "unknown verb '%s'", argv[1]);
		return usage_error(what);
	}
	fputs(v->help, stdout);
	return EXIT_OK;
}

/* ---- main -------------------------------------------------------------- */

static int parse_timeout(const char *s, int *ms)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 3600000)
		return -EINVAL;
	*ms = v;
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket",	required_argument,	NULL, 's' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .socket = SCXD_SOCKET_PATH, .timeout_ms = 5000 };
	const char *env = getenv("SCXD_SOCKET");
	const struct verb *v;
	bool help = false;
	char what[160];
	int c;

	if (env && env[0])
		o.socket = env;
	opterr = 0;
	/* "+": options after the verb are the verb's (set-layer --latency). */
	while ((c = getopt_long(argc, argv, "+:s:jt:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!optarg[0])
				return usage_error("--socket needs a path");
			o.socket = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 't':
			o.timeout_set = true;
			if (parse_timeout(optarg, &o.timeout_ms) < 0) {
				snprintf(what, sizeof(what),
					 "--timeout wants milliseconds from 1 to 3600000, not '%s'",
					 optarg);
				return usage_error(what);
			}
			break;
		case 'h':
			help = true;
			break;
		case ':':
			snprintf(what, sizeof(what), "option '%s' needs a value", argv[optind - 1]);
			return usage_error(what);
		default:
			snprintf(what, sizeof(what), "unknown option '%s'", argv[optind - 1]);
			return usage_error(what);
		}
	}
	argc -= optind;
	argv += optind;

	if (!argc) {
		if (help) {
			print_usage();
			return EXIT_OK;
		}
		return usage_error("no verb given");
	}
	/* --json and --help may also follow the verb (up to a "--", after
	 * which all is run's command); the verb gets the rest. */
	{
		bool rest = false;
		int n = 1;

		for (int i = 1; i < argc; i++) {
			if (rest || !strcmp(argv[i], "--"))
				rest = true, argv[n++] = argv[i];
			else if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
				o.json = true;
			else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
				help = true;
			else
				argv[n++] = argv[i];
		}
		argc = n;
	}
	v = find_verb(argv[0]);
	if (!v) {
		snprintf(what, sizeof(what), "unknown verb '%.64s'", argv[0]);
		return usage_error(what);
	}
	if (help) {
		if (v->run == verb_help)
			print_usage();
		else
			fputs(v->help, stdout);
		return EXIT_OK;
	}
	return v->run(&o, argc, argv);
}

int main(int argc, char **argv)
{
	int status = run(argc, argv);

	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == EXIT_OK)
			status = fail(EXIT_ERROR, MSG_OUTPUT, "stdout: %m");
	}
	return status;
}
