// SPDX-License-Identifier: GPL-2.0
/*
 * ctlclient - a test client for scxd's control socket, for the VM cases
 * and the control benchmark (busybox has no Unix-socket client).
 *
 *   ctlclient stall SOCKET
 *       connect, send half a request, then hold the connection silently
 *       until killed: the kind of client that must not block the daemon.
 *   ctlclient load SOCKET CLIENTS REQUESTS [METHOD]
 *       CLIENTS processes at once, each sending REQUESTS METHOD (default
 *       "status") requests one after another over its own connection and
 *       reading each answer.
 *       Prints "load: N ok, N failed, R requests/s"; exit 1 if any failed.
 *   ctlclient rtt SOCKET RUNS REQUEST [REQUEST2]
 *       send REQUEST (a JSON-RPC line without its newline) RUNS times over
 *       one connection, alternating with REQUEST2 if given, each after the
 *       answer to the last; prints "rtt: RUNS requests, p50 X ms, p99 X ms,
 *       max X ms" from send to answer; exit 1 if one was not a result.
 *   ctlclient hostile SOCKET
 *       one connection per probe of a hostile client: a 16 MB line, a
 *       request written a byte at a time over 10 s, JSON nested 100,000
 *       deep (too large) and 60,000 deep, invalid UTF-8, numbers out of
 *       range for every numeric parameter, unknown methods, params and
 *       keys. Each must get exactly one
 *       well-formed answer with the expected code; prints "ok PROBE" or
 *       "FAIL PROBE: what came" for each and "hostile: N ok, N failed";
 *       exit 1 if any failed.
 *   ctlclient time RUNS -- COMMAND [ARGS...]
 *       run COMMAND RUNS times, one after another; prints "time: RUNS runs,
 *       p50 X ms, p99 X ms, max X ms" of each run's wall time (start to
 *       exit); exit 1 if a run failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= w;
	}
	return 0;
}

static char buf[1 << 20];

/* Read one '\n'-terminated line (up to 1 MiB) into buf; 0 if it is a
 * result. The daemon answers one request at a time, so a read never holds
 * the start of the next answer. */
static int read_response(int fd)
{
	size_t n = 0;

	while (n < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		n += r;
		if (buf[n - 1] == '\n')
			break;
	}
	buf[n] = '\0';
	return strstr(buf, "\"result\"") ? 0 : -1;
}

static int stall(const char *path)
{
	static const char half[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"met";
	int fd = connect_to(path);

	if (fd < 0 || write_all(fd, half, sizeof(half) - 1) < 0) {
		perror("ctlclient: stall");
		return 1;
	}
	printf("stall: connected, half a request sent\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int one_client(const char *path, int requests, const char *method)
{
	int fd = connect_to(path), ok = 0;
	char req[256];

	if (fd < 0)
		return 0;
	snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\"}\n", method);
	for (int i = 0; i < requests; i++) {
		if (write_all(fd, req, strlen(req)) < 0 || read_response(fd) < 0)
			break;
		ok++;
	}
	close(fd);
	return ok;
}

static int load(const char *path, int clients, int requests, const char *method)
{
	int pipefd[2], ok = 0, failed = 0, status;
	double t0 = now_ms(), secs;

	if (pipe(pipefd) < 0)
		return 1;
	for (int c = 0; c < clients; c++) {
		pid_t pid = fork();

		if (pid == 0) {
			int n = one_client(path, requests, method);

			if (write(pipefd[1], &n, sizeof(n)) != sizeof(n))
				_exit(2);
			_exit(0);
		}
		if (pid < 0)
			failed += requests;
	}
	close(pipefd[1]);
	for (int c = 0; c < clients; c++) {
		int n;

		if (read(pipefd[0], &n, sizeof(n)) != sizeof(n))
			break;
		ok += n;
	}
	while (wait(&status) > 0)
		;
	failed = clients * requests - ok;
	secs = (now_ms() - t0) / 1e3;
	printf("load: %d ok, %d failed, %.0f requests/s\n", ok, failed, secs > 0 ? ok / secs : 0);
	return failed ? 1 : 0;
}

/* The probes of `hostile`: what is sent and the code that must come back
 * (0: a result; ANY_ERROR: an error, whichever). */
#define ANY_ERROR	1000000
#define SET(key, value) \
	REQ("set-layer", "{\"layer\":\"batch\",\"set\":{\"" key "\":" value "}}")
#define REQ(method, params) \
	"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" method "\",\"params\":" params "}\n"
static const struct probe {
	const char *name;
	const char *line;	/* NULL: built by the probe */
	int code;
} probes[] = {
	{ "line of 16 MB", NULL, 3 },
	{ "dribbled over 10 s", NULL, 0 },
	{ "nested 100000 deep", NULL, 3 },	/* longer than a request may be */
	{ "nested 60000 deep", NULL, -32700 },
	{ "invalid UTF-8 method", "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"stat\xff\xfe\"}\n", -32601 },
	{ "invalid UTF-8 layer", REQ("set-layer", "{\"layer\":\"b\xc3\x28\",\"set\":{\"weight\":\"5\"}}"), 2 },
	{ "unknown method", REQ("no-such-method", "{}"), -32601 },
	{ "unknown param", REQ("status", "{\"bogus\":[1,2]}"), 0 },
	{ "unknown layer key", REQ("set-layer", "{\"layer\":\"batch\",\"set\":{\"speed\":\"9\"}}"), 5 },
	{ "params not an object", REQ("status", "[1]"), -32602 },
	{ "weight 0", SET("weight", "\"0\""), 5 },
	{ "weight 10001", SET("weight", "\"10001\""), 5 },
	{ "weight -1", SET("weight", "-1"), 5 },
	{ "weight 2^64", SET("weight", "\"18446744073709551616\""), 5 },
	{ "weight 1e300", SET("weight", "1e300"), -32602 },
	{ "weight -9.3e18", SET("weight", "-9.3e18"), -32602 },
	{ "weight 2.5", SET("weight", "2.5"), -32602 },
	{ "weight an array", SET("weight", "[1]"), -32602 },
	{ "slice_us 99", SET("slice_us", "99"), 5 },
	{ "slice_us 2^32", SET("slice_us", "4294967296"), 5 },
	{ "cpus 9-3", SET("cpus", "\"9-3\""), 5 },
	{ "cpus 0-513", SET("cpus", "\"0-513\""), 5 },
	{ "llcs 64", SET("llcs", "\"64\""), 5 },
	{ "pid -1", REQ("explain", "{\"pid\":-1}"), -32602 },
	{ "pid 2^31", REQ("explain", "{\"pid\":2147483648}"), -32602 },
	{ "pid 1e300", REQ("explain", "{\"pid\":1e300}"), -32602 },
	{ "pid 2.5", REQ("explain", "{\"pid\":2.5}"), -32602 },
	{ "pid as a string", REQ("explain", "{\"pid\":\"1\"}"), -32602 },
	{ "move pid -7", REQ("move", "{\"layer\":\"batch\",\"pid\":-7}"), -32602 },
	{ "move pid 2^31", REQ("move", "{\"layer\":\"batch\",\"pid\":2147483648}"), -32602 },
	{ "duration 0", REQ("compare-start", "{\"duration_s\":0}"), -32602 },
	{ "duration 1e9", REQ("compare-start", "{\"duration_s\":1e9}"), -32602 },
	{ "rounds -3", REQ("compare-start", "{\"rounds\":-3}"), -32602 },
	{ "proto 2", "{\"jsonrpc\":\"2.0\",\"id\":7,\"proto\":2,\"method\":\"status\"}\n", 4 },
	{ "proto 2^53", "{\"jsonrpc\":\"2.0\",\"id\":7,\"proto\":9007199254740993,\"method\":\"status\"}\n", -32600 },
	{ "id 1e300", "{\"jsonrpc\":\"2.0\",\"id\":1e300,\"method\":\"status\"}\n", 0 },
	{ "id an object", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"status\"}\n", -32600 },
	{ "NUL inside", NULL, -32700 },
};

/* The "code" of the answer in buf, 0 for a result, ANY_ERROR - 1 if it
 * is neither. */
static int answer_code(void)
{
	const char *c = strstr(buf, "\"code\":");

	if (strstr(buf, "\"result\"") && !c)
		return 0;
	return c ? atoi(c + 7) : ANY_ERROR - 1;
}

static int send_probe(int fd, const struct probe *p)
{
	static const char status[] = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"status\"}\n";
	char *big;
	size_t n;

	if (p->line)
		return write_all(fd, p->line, strlen(p->line));
	if (!strcmp(p->name, "line of 16 MB")) {
		/* The daemon answers at 64 KiB and closes: writes fail then. */
		n = 16 << 20;
		big = malloc(n);
		if (!big)
			return -1;
		memset(big, 'a', n);
		write_all(fd, big, n);
		free(big);
		return 0;
	}
	if (!strcmp(p->name, "dribbled over 10 s")) {
		for (n = 0; n < sizeof(status) - 1; n++) {
			if (write_all(fd, status + n, 1) < 0)
				return -1;
			usleep(10 * 1000 * 1000 / (sizeof(status) - 1));
		}
		return 0;
	}
	if (!strncmp(p->name, "nested ", 7)) {
		n = atoi(p->name + 7);
		big = malloc(n + 1);
		if (!big)
			return -1;
		memset(big, '[', n);
		big[n] = '\n';
		write_all(fd, big, n + 1);
		free(big);
		return 0;
	}
	/* "NUL inside" */
	return write_all(fd, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"status\"}\0x\n", 46);
}

static int hostile(const char *path)
{
	int ok = 0, failed = 0;

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		int fd = connect_to(path), code;

		buf[0] = '\0';
		if (fd < 0 || send_probe(fd, &probes[i]) < 0) {
			printf("FAIL %s: could not send\n", probes[i].name);
			failed++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		read_response(fd);
		close(fd);
		code = answer_code();
		if (code == probes[i].code || (probes[i].code == ANY_ERROR && code && code != ANY_ERROR - 1)) {
			printf("ok %s: %d\n", probes[i].name, code);
			ok++;
		} else {
			printf("FAIL %s: wanted %d, got: %.300s\n", probes[i].name, probes[i].code, buf);
			failed++;
		}
	}
	printf("hostile: %d ok, %d failed\n", ok, failed);
	return failed ? 1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print_times(const char *what, const char *unit, double *t, int runs)
{
	qsort(t, runs, sizeof(*t), cmp_double);
	printf("%s: %d %s, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", what, runs, unit, t[runs / 2],
	       t[(runs * 99) / 100 < runs ? (runs * 99) / 100 : runs - 1], t[runs - 1]);
}

static int rtt(const char *path, int runs, const char *req1, const char *req2)
{
	double *t = calloc(runs, sizeof(*t));
	int fd = connect_to(path), failed = 0;
	char line[4096];

	if (!t || fd < 0) {
		perror("ctlclient: rtt");
		return 1;
	}
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();

		snprintf(line, sizeof(line), "%s\n", (i & 1) && req2 ? req2 : req1);
		if (write_all(fd, line, strlen(line)) < 0 || read_response(fd) < 0)
			failed++;
		t[i] = now_ms() - t0;
	}
	close(fd);
	print_times("rtt", "requests", t, runs);
	free(t);
	return failed ? 1 : 0;
}

static int time_runs(int runs, char **argv)
{
	double *t = calloc(runs, sizeof(*t));
	int failed = 0, status;

	if (!t)
		return 1;
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		pid_t pid = fork();

		if (pid == 0) {
			execvp(argv[0], argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failed++;
		t[i] = now_ms() - t0;
	}
	print_times("time", "runs", t, runs);
	free(t);
	if (failed)
		fprintf(stderr, "ctlclient: %d of %d runs failed\n", failed, runs);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && !strcmp(argv[1], "stall"))
		return stall(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "hostile"))
		return hostile(argv[2]);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "load"))
		return load(argv[2], atoi(argv[3]), atoi(argv[4]), argc == 6 ? argv[5] : "status");
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "rtt") && atoi(argv[3]) > 0)
		return rtt(argv[2], atoi(argv[3]), argv[4], argc == 6 ? argv[5] : NULL);
	if (argc >= 5 && !strcmp(argv[1], "time") && !strcmp(argv[3], "--") && atoi(argv[2]) > 0)
		return time_runs(atoi(argv[2]), argv + 4);
	fprintf(stderr, "usage: ctlclient stall SOCKET | load SOCKET CLIENTS REQUESTS |"
			" rtt SOCKET RUNS REQUEST [REQUEST2] | time RUNS -- COMMAND [ARGS...]\n");
	return 2;
}
