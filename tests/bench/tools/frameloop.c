// SPDX-License-Identifier: GPL-2.0
/*
 * frameloop - a game's or a compositor's main loop, for the benchmark:
 * every PERIOD_US it wakes, does WORK_US of CPU work, and sleeps until the
 * next frame. A frame whose work ends after its deadline (the start of
 * the next frame) is missed; a frame that starts later than its deadline
 * because the loop was still busy with an earlier one is missed too.
 *
 *   frameloop PERIOD_US WORK_US SECONDS [HOG_MS]
 *
 * prints one line:
 *
 *   frames=N missed=M missed_per_1000=X late_p99_us=Y late_max_us=Z wake_p50_us=A wake_p99_us=B
 *
 * where "late" is how long after its deadline a frame's work ended (0 for
 * a frame on time), and "wake" how long after its start a frame that
 * slept to it began its work (frames an earlier one ran into do not
 * count). With HOG_MS, the same thread first runs flat out for that long
 * and says "hogged" on stderr: a task that changes its behaviour. With
 * FRAMELOOP_WAITS=FILE in the environment, every wake time (us) is also
 * appended to FILE, one per line, so that runs can be pooled: a p99 of
 * one run's few hundred wakeups is its fourth-largest sample. With
 * FRAMELOOP_ALIGN=1, the frames start at multiples of PERIOD_US of
 * CLOCK_MONOTONIC (from the next one but one), so that loops started
 * within a period of each other share every deadline and whatever delays
 * the machine at a deadline delays them all. The work is measured in the
 * thread's own CPU time (CLOCK_THREAD_CPUTIME_ID), so a preempted frame
 * does the same work as one that ran through: what a slow machine or a
 * bad scheduler costs is wall time, not work.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long ns_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void work(long long ns)
{
	long long end = ns_of(CLOCK_THREAD_CPUTIME_ID) + ns;
	volatile unsigned x = 1;

	while (ns_of(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 1000; i++)
			x = x * 1664525u + 1013904223u;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long long period, work_ns, secs, start, frame, n, missed = 0, *late, *wake, woke = 0;
	long long hog_ns = argc == 5 ? atoll(argv[4]) * 1000000LL : 0;
	struct timespec next;

	if ((argc != 4 && argc != 5) || hog_ns < 0 || (period = atoll(argv[1]) * 1000) <= 0 ||
	    (work_ns = atoll(argv[2]) * 1000) <= 0 || (secs = atoll(argv[3])) <= 0 ||
	    work_ns >= period) {
		fprintf(stderr, "usage: frameloop PERIOD_US WORK_US SECONDS [HOG_MS] (WORK_US < PERIOD_US)\n");
		return 2;
	}
	n = secs * 1000000000LL / period;
	late = calloc(n, sizeof(*late));
	wake = calloc(n, sizeof(*wake));
	if (!late || !wake)
		return 1;
	if (hog_ns) {
		for (long long end = ns_of(CLOCK_MONOTONIC) + hog_ns; ns_of(CLOCK_MONOTONIC) < end;)
			work(1000000);
		fprintf(stderr, "hogged\n");
	}
	start = ns_of(CLOCK_MONOTONIC);
	if (getenv("FRAMELOOP_ALIGN") && atoi(getenv("FRAMELOOP_ALIGN")))
		start = (start / period + 2) * period;
	for (frame = 0; frame < n; frame++) {
		long long begin = start + frame * period, deadline = begin + period, done;

		/* Sleep to the frame's start, unless an earlier frame ran into it. */
		if (ns_of(CLOCK_MONOTONIC) < begin) {
			next.tv_sec = begin / 1000000000LL;
			next.tv_nsec = begin % 1000000000LL;
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
				;
			wake[woke++] = ns_of(CLOCK_MONOTONIC) - begin;
		}
		work(work_ns);
		done = ns_of(CLOCK_MONOTONIC);
		late[frame] = done > deadline ? done - deadline : 0;
		missed += late[frame] > 0;
	}
	if (getenv("FRAMELOOP_WAITS")) {
		FILE *f = fopen(getenv("FRAMELOOP_WAITS"), "a");

		if (!f) {
			perror(getenv("FRAMELOOP_WAITS"));
			return 1;
		}
		for (long long i = 0; i < woke; i++)
			fprintf(f, "%lld\n", wake[i] / 1000);
		if (fclose(f)) {
			perror(getenv("FRAMELOOP_WAITS"));
			return 1;
		}
	}
	qsort(late, n, sizeof(*late), cmp_ll);
	qsort(wake, woke, sizeof(*wake), cmp_ll);
	printf("frames=%lld missed=%lld missed_per_1000=%.1f late_p99_us=%lld late_max_us=%lld "
	       "wake_p50_us=%lld wake_p99_us=%lld\n",
	       n, missed, 1000.0 * missed / n, late[(n * 99) / 100] / 1000, late[n - 1] / 1000,
	       woke ? wake[woke / 2] / 1000 : -1, woke ? wake[(woke * 99) / 100] / 1000 : -1);
	free(late);
	free(wake);
	return 0;
}
