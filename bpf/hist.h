/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - the latency histogram of the compare instrument (scxd_trace.bpf.c),
 * shared by BPF, which counts into it, and the host, which reads
 * percentiles out of it (lib/stats.c).
 *
 * Log-linear buckets: four per power of two, so a percentile read from it
 * is within 12.5% of the sample (a log2 histogram's buckets are 100%
 * wide, too coarse to tell 0.8x from 1.2x). Bucket b < 4 holds b ns; from
 * there, bucket 4 (m - 1) + s holds [2^m + s 2^(m-2), 2^m + (s+1) 2^(m-2))
 * ns; the last bucket also holds everything longer (2^40 ns, 18 min).
 */
#ifndef __SCXD_HIST_H
#define __SCXD_HIST_H

#include "scxd.h"

static inline u32 scxd_hist_bucket(u64 ns)
{
	u32 m, b;

	if (ns < 4)
		return ns;
	m = 63 - __builtin_clzll(ns);
	b = 4 * (m - 1) + ((ns >> (m - 2)) & 3);
	return b < SCXD_HIST_BUCKETS ? b : SCXD_HIST_BUCKETS - 1;
}

/* The smallest latency bucket @b holds. */
static inline u64 scxd_hist_lower(u32 b)
{
	u32 m = b / 4 + 1;

	if (b < 4)
		return b;
	return (1ULL << m) + (u64)(b % 4) * (1ULL << (m - 2));
}

/* Count one latency of @ns into @hist (SCXD_HIST_BUCKETS long). The
 * bound is checked again, where the verifier can see it: the compiler,
 * knowing the index of an array of 160 cannot be larger, would drop both
 * checks unless the index is made opaque to it first. */
static inline void scxd_hist_add(u64 *hist, u64 ns)
{
	u32 b = scxd_hist_bucket(ns);

#ifdef __bpf__
	asm volatile("" : "+r"(b));
#endif
	if (b < SCXD_HIST_BUCKETS)
		hist[b]++;
}

#endif /* __SCXD_HIST_H */
