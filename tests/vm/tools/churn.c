// SPDX-License-Identifier: GPL-2.0
/*
 * churn - the task churn of the fault cases, at a rate a shell cannot
 * reach under emulation:
 *
 *   churn fork N               fork N children that exit at once, at most
 *                              16 alive at a time; wait for them all
 *   churn rename N THREADS A B THREADS threads rename themselves
 *                              (prctl PR_SET_NAME) N times in all,
 *                              alternating A and B with a 100 us sleep
 *                              after each; then the first half stay A,
 *                              the rest B, and all sleep until killed
 *   churn cgroups N DIR        N times: create DIR/gI, move in, sleep
 *                              100 us, move back to the cgroup it started
 *                              in, remove DIR/gI; then move into DIR/last
 *                              and sleep until killed
 *
 * Prints "done VERB N in MS ms" when the churn is over (before sleeping),
 * exits 1 with the failing call on any error.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

static void die(const char *what)
{
	fprintf(stderr, "churn: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void nap_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000 };

	nanosleep(&ts, NULL);
}

static __attribute__((noreturn)) void sleep_forever(void)
{
	for (;;)
		pause();
}

static struct timespec started;

static void done(const char *verb, long n)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("done %s %ld in %ld ms\n", verb, n,
	       (now.tv_sec - started.tv_sec) * 1000 + (now.tv_nsec - started.tv_nsec) / 1000000);
	fflush(stdout);
}

static int churn_fork(long n)
{
	long started = 0, alive = 0;
	int status;

	while (started < n || alive > 0) {
		if (started < n && alive < 16) {
			pid_t pid = fork();

			if (pid < 0)
				die("fork");
			if (pid == 0)
				_exit(0);
			started++;
			alive++;
			continue;
		}
		if (wait(&status) < 0)
			die("wait");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			die("a child did not exit 0");
		alive--;
	}
	done("fork", n);
	return 0;
}

struct renamer {
	pthread_t thread;
	long n;
	const char *a, *b, *last;
	pthread_barrier_t *done;
};

static void *renamer(void *arg)
{
	struct renamer *r = arg;

	for (long i = 0; i < r->n; i++) {
		if (prctl(PR_SET_NAME, i % 2 ? r->b : r->a) < 0)
			die("prctl");
		nap_us(100);
	}
	if (prctl(PR_SET_NAME, r->last) < 0)
		die("prctl");
	pthread_barrier_wait(r->done);
	sleep_forever();
}

static int churn_rename(long n, long threads, const char *a, const char *b)
{
	struct renamer *r = calloc(threads, sizeof(*r));
	pthread_barrier_t all;

	if (!r)
		die("calloc");
	errno = pthread_barrier_init(&all, NULL, threads + 1);
	if (errno)
		die("pthread_barrier_init");
	for (long t = 0; t < threads; t++) {
		r[t] = (struct renamer){ .n = n / threads + (t < n % threads), .a = a, .b = b,
					 .last = t < threads / 2 ? a : b, .done = &all };
		errno = pthread_create(&r[t].thread, NULL, renamer, &r[t]);
		if (errno)
			die("pthread_create");
	}
	pthread_barrier_wait(&all);
	done("rename", n);
	sleep_forever();
}

static void enter(const char *dir)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		die(path);
	if (fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0)
		die(path);
}

/* Each move takes the kernel's cgroup_threadgroup_rwsem for writing, which
 * stalls every fork meanwhile: the fork storm beside it feels that too. */
static int churn_cgroups(long n, const char *dir)
{
	char home[4096], line[4000], path[4096];
	FILE *f = fopen("/proc/self/cgroup", "r");

	/* cgroup v2: "0::/PATH". */
	if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "0::", 3))
		die("/proc/self/cgroup");
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	snprintf(home, sizeof(home), "/sys/fs/cgroup%s", line + 3);
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/g%ld", dir, i);
		if (mkdir(path, 0755) < 0)
			die(path);
		enter(path);
		nap_us(100);
		enter(home);
		if (rmdir(path) < 0)
			die(path);
	}
	snprintf(path, sizeof(path), "%s/last", dir);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die(path);
	enter(path);
	done("cgroups", n);
	sleep_forever();
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	clock_gettime(CLOCK_MONOTONIC, &started);

	if (argc == 3 && !strcmp(argv[1], "fork") && n > 0)
		return churn_fork(n);
	if (argc == 6 && !strcmp(argv[1], "rename") && n > 0 && atol(argv[3]) > 0)
		return churn_rename(n, atol(argv[3]), argv[4], argv[5]);
	if (argc == 4 && !strcmp(argv[1], "cgroups") && n > 0)
		return churn_cgroups(n, argv[3]);
	fprintf(stderr, "usage: churn fork N | rename N THREADS A B | cgroups N DIR\n");
	return 2;
}
