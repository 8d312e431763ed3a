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
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "protocol.h"

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

#define MAX_RESPONSE	(16 * 1024 * 1024)

struct opts {
	const char	*socket;
	bool		json;
	int		timeout_ms;
};

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
static int rpc(const struct opts *o, const char *method, cJSON *params, cJSON **result)
{
	long long deadline = now_ms() + o->timeout_ms;
	struct proto_error err;
	char *line;
	int fd = -1, status, r;

	*result = NULL;
	line = proto_request_build(1, method, params);
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

/* ---- status ------------------------------------------------------------ */

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

enum { COL_LAYER, COL_POLICY, COL_WEIGHT, COL_SLICE, COL_TASKS, COL_ENQ, COL_DISPATCH, NR_COLS };

static const struct {
	const char	*title;
	bool		right;		/* numbers line up on the right */
} columns[NR_COLS] = {
	[COL_LAYER]	= { "LAYER",	false },
	[COL_POLICY]	= { "POLICY",	false },
	[COL_WEIGHT]	= { "WEIGHT",	true },
	[COL_SLICE]	= { "SLICE",	true },
	[COL_TASKS]	= { "TASKS",	true },
	[COL_ENQ]	= { "ENQ",	true },
	[COL_DISPATCH]	= { "DISPATCH",	true },
};

#define CELL_LEN 40

static void print_row(char cells[NR_COLS][CELL_LEN], const int width[NR_COLS])
{
	for (int c = 0; c < NR_COLS; c++) {
		const char *sep = c ? "  " : "";

		if (columns[c].right)
			printf("%s%*s", sep, width[c], cells[c]);
		else if (c == NR_COLS - 1)
			printf("%s%s", sep, cells[c]);
		else
			printf("%s%-*s", sep, width[c], cells[c]);
	}
	putchar('\n');
}

static void print_status(const struct proto_status *s)
{
	static char cells[SCXD_MAX_LAYERS + 1][NR_COLS][CELL_LEN];
	int width[NR_COLS] = { 0 };
	char up[64];

	format_uptime(up, sizeof(up), s->uptime_s);
	/* key: value pairs, so that the line reads and greps the same. */
	printf("state: %s  ops: %s  attached: %s  role: %s  config: %s  uptime: %s\n",
	       s->state[0] ? s->state : "-", s->ops[0] ? s->ops : "-",
	       s->attached ? "yes" : "no", s->role[0] ? s->role : "-",
	       s->config[0] ? s->config : "-", up);

	for (int c = 0; c < NR_COLS; c++)
		snprintf(cells[0][c], CELL_LEN, "%s", columns[c].title);
	for (uint32_t i = 0; i < s->nr_layers && i < SCXD_MAX_LAYERS; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		char (*row)[CELL_LEN] = cells[i + 1];

		snprintf(row[COL_LAYER], CELL_LEN, "%s", l->name);
		snprintf(row[COL_POLICY], CELL_LEN, "%s", l->policy);
		snprintf(row[COL_WEIGHT], CELL_LEN, "%u", l->weight);
		format_slice(row[COL_SLICE], CELL_LEN, l->slice_us);
		snprintf(row[COL_TASKS], CELL_LEN, "%llu", (unsigned long long)l->tasks);
		snprintf(row[COL_ENQ], CELL_LEN, "%llu", (unsigned long long)l->enqueues);
		snprintf(row[COL_DISPATCH], CELL_LEN, "%llu", (unsigned long long)l->dispatches);
	}
	for (uint32_t i = 0; i <= s->nr_layers && i <= SCXD_MAX_LAYERS; i++)
		for (int c = 0; c < NR_COLS; c++) {
			int n = strlen(cells[i][c]);

			if (n > width[c])
				width[c] = n;
		}
	putchar('\n');
	for (uint32_t i = 0; i <= s->nr_layers && i <= SCXD_MAX_LAYERS; i++)
		print_row(cells[i], width);
	if (!s->nr_layers)
		printf("(no layers)\n");

	if (s->exit.kind[0]) {
		printf("\nlast exit: %s (code %lld)", s->exit.kind, (long long)s->exit.code);
		if (s->exit.reason[0])
			printf(": %s", s->exit.reason);
		if (s->exit.msg[0])
			printf(": %s", s->exit.msg);
		putchar('\n');
	}
}

static int verb_status(const struct opts *o, int argc, char **argv)
{
	static struct proto_status s;
	struct proto_error err;
	cJSON *result;
	int status, r;

	if (argc > 1)
		return usage_error("status takes no arguments");
	status = rpc(o, PROTO_METHOD_STATUS, NULL, &result);
	if (status != EXIT_OK)
		return status;
	if (o->json) {
		status = print_json(result);
		cJSON_Delete(result);
		return status;
	}
	r = proto_status_decode(result, &s, &err);
	cJSON_Delete(result);
	if (r < 0)
		return fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	print_status(&s);
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

/* ---- help -------------------------------------------------------------- */

static int verb_help(const struct opts *o, int argc, char **argv);

static const struct verb {
	const char	*name;
	const char	*summary;
	const char	*help;
	int		(*run)(const struct opts *o, int argc, char **argv);
} verbs[] = {
	{ "status", "show the scheduler state, layers and counters",
	  "Usage: scxctl [--json] status\n"
	  "\n"
	  "Show whether the scheduler is attached, the config it runs, and one\n"
	  "row per layer: policy, weight, time slice, tasks in the layer now,\n"
	  "enqueues and dispatches since attach. Ends with the last scheduler\n"
	  "exit, if there was one. With --json, print the daemon's status\n"
	  "document as received (schema: docs/protocol.md). Read-only: any user.\n",
	  verb_status },
	{ "version", "show the versions of scxctl, scxd and the protocol",
	  "Usage: scxctl [--json] version\n"
	  "\n"
	  "Print scxctl's own version and protocol, then the daemon's. With\n"
	  "--json, print only the daemon's answer. Read-only: any user.\n",
	  verb_version },
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
		printf("  %-9s %s\n", verbs[i].name, verbs[i].summary);
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
	while ((c = getopt_long(argc, argv, ":s:jt:h", longopts, NULL)) != -1) {
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
