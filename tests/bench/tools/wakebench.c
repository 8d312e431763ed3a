// SPDX-License-Identifier: GPL-2.0
/*
 * wakebench - a message/worker wakeup benchmark in the style of schbench
 * (which Debian does not package), for the benchmark:
 *
 *   wakebench MESSAGE_THREADS WORKERS WORK_US SECONDS
 *
 * Each message thread hands a request to each of its WORKERS worker
 * threads at once (a timestamp and a futex wake), waits until all of them
 * are done, and hands out the next. A worker wakes, does WORK_US of CPU
 * work (its own CPU time, like frameloop: a preempted request does the
 * same work) and reports back. What a scheduler decides is how long a
 * woken worker waits for a CPU, and how many requests the machine gets
 * through. Prints one line:
 *
 *   requests=N requests_per_s=X wakeups=N wakeup_p50_us=A wakeup_p99_us=B wakeup_max_us=C
 *
 * where a request is one worker's answer and a wakeup latency is from
 * its request being handed out (just before its futex wake) to the
 * worker running (histogram of 1 us
 * buckets up to 100 ms; a longer wait counts at 100 ms for the
 * percentiles, the max is exact).
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define HIST_US 100000

struct msg;

struct worker {
	_Atomic unsigned	seq;		/* bumped per request */
	_Atomic long long	posted;		/* when its request went out, ns */
	struct msg		*m;
	long long		requests, max_ns;
	unsigned		*hist;		/* HIST_US + 1 buckets */
	pthread_t		t;
};

struct msg {
	_Atomic unsigned	pending;	/* workers still busy */
	int			nworkers;
	struct worker		*w;
	pthread_t		t;
};

static atomic_int stop;
static long long work_ns;

static long long ns_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Wait while *addr == val, for 100 ms at most (so that stop is seen). */
static void futex_wait(_Atomic unsigned *addr, unsigned val)
{
	struct timespec ts = { 0, 100000000 };

	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, &ts, NULL, 0);
}

static void futex_wake(_Atomic unsigned *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static void work(void)
{
	long long end = ns_of(CLOCK_THREAD_CPUTIME_ID) + work_ns;
	volatile unsigned x = 1;

	while (ns_of(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 1000; i++)
			x = x * 1664525u + 1013904223u;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned seen = 0, s;

	while (!atomic_load(&stop)) {
		long long lat;

		s = atomic_load(&w->seq);
		if (s == seen) {
			futex_wait(&w->seq, seen);
			continue;
		}
		seen = s;
		lat = ns_of(CLOCK_MONOTONIC) - atomic_load(&w->posted);
		if (lat < 0)
			lat = 0;
		w->hist[lat / 1000 < HIST_US ? lat / 1000 : HIST_US]++;
		if (lat > w->max_ns)
			w->max_ns = lat;
		work();
		w->requests++;
		if (atomic_fetch_sub(&w->m->pending, 1) == 1)
			futex_wake(&w->m->pending);
	}
	return NULL;
}

static void *msg_main(void *arg)
{
	struct msg *m = arg;
	unsigned p;

	while (!atomic_load(&stop)) {
		atomic_store(&m->pending, m->nworkers);
		for (int i = 0; i < m->nworkers; i++) {
			atomic_store(&m->w[i].posted, ns_of(CLOCK_MONOTONIC));
			atomic_fetch_add(&m->w[i].seq, 1);
			futex_wake(&m->w[i].seq);
		}
		while ((p = atomic_load(&m->pending)) != 0 && !atomic_load(&stop))
			futex_wait(&m->pending, p);
	}
	return NULL;
}

/* The value at fraction @q of @n samples in @hist, in us. */
static long long percentile(const unsigned long long *hist, unsigned long long n, double q)
{
	unsigned long long want = (unsigned long long)(q * (double)n), seen = 0;

	for (long long us = 0; us <= HIST_US; us++) {
		seen += hist[us];
		if (seen > want)
			return us;
	}
	return HIST_US;
}

int main(int argc, char **argv)
{
	int nmsg, nwork, secs;
	unsigned long long *hist, n = 0, requests = 0;
	long long max_ns = 0, start, elapsed;
	struct msg *msgs;

	if (argc != 5 || (nmsg = atoi(argv[1])) <= 0 || (nwork = atoi(argv[2])) <= 0 ||
	    (work_ns = atoll(argv[3]) * 1000) <= 0 || (secs = atoi(argv[4])) <= 0) {
		fprintf(stderr, "usage: wakebench MESSAGE_THREADS WORKERS WORK_US SECONDS\n");
		return 2;
	}
	msgs = calloc(nmsg, sizeof(*msgs));
	hist = calloc(HIST_US + 1, sizeof(*hist));
	if (!msgs || !hist)
		return 1;
	for (int i = 0; i < nmsg; i++) {
		msgs[i].nworkers = nwork;
		msgs[i].w = calloc(nwork, sizeof(struct worker));
		if (!msgs[i].w)
			return 1;
		for (int j = 0; j < nwork; j++) {
			msgs[i].w[j].m = &msgs[i];
			msgs[i].w[j].hist = calloc(HIST_US + 1, sizeof(unsigned));
			if (!msgs[i].w[j].hist ||
			    pthread_create(&msgs[i].w[j].t, NULL, worker_main, &msgs[i].w[j])) {
				perror("wakebench: worker");
				return 1;
			}
		}
	}
	start = ns_of(CLOCK_MONOTONIC);
	for (int i = 0; i < nmsg; i++)
		if (pthread_create(&msgs[i].t, NULL, msg_main, &msgs[i])) {
			perror("wakebench: message thread");
			return 1;
		}
	sleep(secs);
	atomic_store(&stop, 1);
	elapsed = ns_of(CLOCK_MONOTONIC) - start;
	for (int i = 0; i < nmsg; i++) {
		pthread_join(msgs[i].t, NULL);
		for (int j = 0; j < nwork; j++) {
			struct worker *w = &msgs[i].w[j];

			futex_wake(&w->seq);
			pthread_join(w->t, NULL);
			for (int us = 0; us <= HIST_US; us++) {
				hist[us] += w->hist[us];
				n += w->hist[us];
			}
			requests += w->requests;
			if (w->max_ns > max_ns)
				max_ns = w->max_ns;
		}
	}
	if (!n) {
		fprintf(stderr, "wakebench: no request was answered\n");
		return 1;
	}
	printf("requests=%llu requests_per_s=%.1f wakeups=%llu wakeup_p50_us=%lld "
	       "wakeup_p99_us=%lld wakeup_max_us=%lld\n",
	       requests, requests * 1e9 / (double)elapsed, n, percentile(hist, n, 0.50),
	       percentile(hist, n, 0.99), max_ns / 1000);
	return 0;
}
