/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpumask.h - bit sets of CPUs (struct scxd_cpumask, scxd.h) and of LLC
 * indexes (a u64), the one set of helpers for both sides: the scheduler,
 * the daemon's allocator, the protocol codec and scxctl.
 *
 * A bit set is an array of u64 words, bit b in words[b / 64] at (b % 64).
 * The cpumask helpers ignore CPUs at or above SCXD_MAX_CPUS; their index
 * is bounded twice over (checked and masked), which is what the BPF
 * verifier needs to accept the array access.
 */
#ifndef __SCXD_CPUMASK_H
#define __SCXD_CPUMASK_H

#include "scxd.h"

static inline int scxd_bit_test(const u64 *words, u32 b)
{
	return words[b / 64] >> (b % 64) & 1;
}

static inline void scxd_bit_set(u64 *words, u32 b)
{
	words[b / 64] |= 1ULL << (b % 64);
}

#define SCXD_CPU_MASK	(SCXD_MAX_CPUS - 1)
_Static_assert((SCXD_MAX_CPUS & SCXD_CPU_MASK) == 0, "SCXD_MAX_CPUS is a power of two");

static inline int scxd_cpumask_test(const struct scxd_cpumask *m, u32 cpu)
{
	if (cpu >= SCXD_MAX_CPUS)
		return 0;
	/* Hide the check from clang, which would drop the mask after it and
	 * test a copy of @cpu the verifier had not bounded (scxd_enqueue was
	 * refused once it had one kick fewer). */
	asm volatile("" : "+r"(cpu));
	return scxd_bit_test(m->bits, cpu & SCXD_CPU_MASK);
}

static inline void scxd_cpumask_set(struct scxd_cpumask *m, u32 cpu)
{
	if (cpu < SCXD_MAX_CPUS)
		scxd_bit_set(m->bits, cpu & SCXD_CPU_MASK);
}

static inline void scxd_cpumask_clear(struct scxd_cpumask *m, u32 cpu)
{
	if (cpu < SCXD_MAX_CPUS)
		m->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

static inline void scxd_cpumask_zero(struct scxd_cpumask *m)
{
	__builtin_memset(m, 0, sizeof(*m));
}

static inline u32 scxd_cpumask_count(const struct scxd_cpumask *m)
{
	u32 i, n = 0;

	for (i = 0; i < SCXD_CPUMASK_WORDS; i++)
		n += __builtin_popcountll(m->bits[i]);
	return n;
}

/* The lowest CPU in @m, or -1 if it is empty. */
static inline int scxd_cpumask_first(const struct scxd_cpumask *m)
{
	u32 i;

	for (i = 0; i < SCXD_CPUMASK_WORDS; i++)
		if (m->bits[i])
			return i * 64 + __builtin_ctzll(m->bits[i]);
	return -1;
}

/* The lowest CPU in @m above @cpu, or -1: for (c = first(m); c >= 0; c = next(m, c)). */
static inline int scxd_cpumask_next(const struct scxd_cpumask *m, int cpu)
{
	u32 i;
	u64 w;

	if (cpu < -1)
		cpu = -1;
	if (cpu + 1 >= SCXD_MAX_CPUS)
		return -1;
	i = (cpu + 1) / 64;
	w = m->bits[i] & (~0ULL << ((cpu + 1) % 64));
	for (;;) {
		if (w)
			return i * 64 + __builtin_ctzll(w);
		if (++i == SCXD_CPUMASK_WORDS)
			return -1;
		w = m->bits[i];
	}
}

#endif /* __SCXD_CPUMASK_H */
