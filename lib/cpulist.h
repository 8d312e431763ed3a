/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpulist.h - the one codec for sets of CPUs or LLC indexes as text, in
 * the kernel's cpulist format: ascending, runs of two or more as "a-b",
 * joined by ',': "0-3,6". The empty set is "". Used for the status and
 * topology documents, the llcs key of the configuration, and sysfs.
 *
 * A bit set of nr_bits bits is words[0..(nr_bits+63)/64), as in
 * cpumask.h. Pure: no I/O, no allocation.
 */
#ifndef SCXD_CPULIST_H
#define SCXD_CPULIST_H

#include <stddef.h>

#include "scxd.h"

/* The longest list of SCXD_MAX_CPUS CPUs ("0-1,3-4,...,509-510") is 1293
 * bytes; with its NUL it fits here with room to spare. */
#define CPULIST_LEN	1536

/* Writes the list to buf (size bytes). Returns its length, or -ENOSPC
 * with buf "" when it does not fit. */
int cpulist_format(const u64 *words, unsigned nr_bits, char *buf, size_t size);

/* cpulist_parse() flags */
enum {
	CPULIST_BLANKS	= 1 << 0,	/* blanks around numbers: "2, 3 - 4" (config files) */
};

/* Zeroes words, then sets the bits the list names; overlapping or
 * repeated entries are accepted, and one trailing '\n' (sysfs files end
 * with one). Returns the number of bits set, -EINVAL for text that is not
 * a list (empty entry, "3-1", sign, space without CPULIST_BLANKS, ...),
 * -ERANGE for a number >= nr_bits. */
int cpulist_parse(const char *s, u64 *words, unsigned nr_bits, unsigned flags);

#endif /* SCXD_CPULIST_H */
