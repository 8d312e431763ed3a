// SPDX-License-Identifier: GPL-2.0
/*
 * ctlclient - a test client for scxd's control socket, for the VM cases
 * and the control benchmark (busybox has no Unix-socket client).
 *
 *   ctlclient stall SOCKET
 *       connect, send half a request, then hold the connection silently
 *       until killed: the kind of client that must not block the daemon.
 *   ctlclient load SOCKET CLIENTS REQUESTS
 *       CLIENTS processes at once, each sending REQUESTS "status" requests
 *       one after another over its own connection and reading each answer.
 *       Prints "load: N ok, N failed, R requests/s"; exit 1 if any failed.
 *   ctlclient rtt SOCKET RUNS REQUEST [REQUEST2]
 *       send REQUEST (a JSON-RPC line without its newline) RUNS times over
 *       one connection, alternating with REQUEST2 if given, each after the
 *       answer to the last; prints "rtt: RUNS requests, p50 X ms, p99 X ms,
 *       max X ms" from send to answer; exit 1 if one was not a result.
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

/* Read one '\n'-terminated line (up to 1 MiB); 0 if it is a result. The
 * daemon answers one request at a time, so a read never holds the start
 * of the next answer. */
static int read_response(int fd)
{
	static char buf[1 << 20];
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

static int one_client(const char *path, int requests)
{
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}\n";
	int fd = connect_to(path), ok = 0;

	if (fd < 0)
		return 0;
	for (int i = 0; i < requests; i++) {
		if (write_all(fd, req, sizeof(req) - 1) < 0 || read_response(fd) < 0)
			break;
		ok++;
	}
	close(fd);
	return ok;
}

static int load(const char *path, int clients, int requests)
{
	int pipefd[2], ok = 0, failed = 0, status;
	double t0 = now_ms(), secs;

	if (pipe(pipefd) < 0)
		return 1;
	for (int c = 0; c < clients; c++) {
		pid_t pid = fork();

		if (pid == 0) {
			int n = one_client(path, requests);

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
	if (argc == 5 && !strcmp(argv[1], "load"))
		return load(argv[2], atoi(argv[3]), atoi(argv[4]));
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "rtt") && atoi(argv[3]) > 0)
		return rtt(argv[2], atoi(argv[3]), argv[4], argc == 6 ? argv[5] : NULL);
	if (argc >= 5 && !strcmp(argv[1], "time") && !strcmp(argv[3], "--") && atoi(argv[2]) > 0)
		return time_runs(atoi(argv[2]), argv + 4);
	fprintf(stderr, "usage: ctlclient stall SOCKET | load SOCKET CLIENTS REQUESTS |"
			" rtt SOCKET RUNS REQUEST [REQUEST2] | time RUNS -- COMMAND [ARGS...]\n");
	return 2;
}
