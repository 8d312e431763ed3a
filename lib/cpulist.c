/* SPDX-License-Identifier: GPL-2.0 */
/* cpulist.c - see cpulist.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cpulist.h"
#include "cpumask.h"

int cpulist_format(const u64 *words, unsigned nr_bits, char *buf, size_t size)
{
	size_t len = 0;
	unsigned b = 0, e;
	int n;

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	while (b < nr_bits) {
		if (!scxd_bit_test(words, b)) {
			b++;
			continue;
		}
		for (e = b; e + 1 < nr_bits && scxd_bit_test(words, e + 1); e++)
			;
		if (e > b)
			n = snprintf(buf + len, size - len, "%s%u-%u", len ? "," : "", b, e);
		else
			n = snprintf(buf + len, size - len, "%s%u", len ? "," : "", b);
		if (n < 0 || (size_t)n >= size - len) {
			buf[0] = '\0';
			return -ENOSPC;
		}
		len += n;
		b = e + 1;
	}
	return (int)len;
}

static const char *skip_blanks(const char *p, const char *end, unsigned flags)
{
	if (flags & CPULIST_BLANKS)
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
	return p;
}

/* Decimal digits at *p, at least one; no sign. Blanks around them when
 * the flags allow. */
static int parse_index(const char **p, const char *end, unsigned flags, unsigned *out)
{
	const char *s = skip_blanks(*p, end, flags);
	unsigned long v = 0;

	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > 1000000000UL)
			return -ERANGE;
	}
	*p = skip_blanks(s, end, flags);
	*out = (unsigned)v;
	return 0;
}

int cpulist_parse(const char *s, u64 *words, unsigned nr_bits, unsigned flags)
{
	size_t len = strlen(s);
	const char *p = s, *end;
	int count = 0, r;

	memset(words, 0, (size_t)(nr_bits + 63) / 64 * sizeof(*words));
	if (len && s[len - 1] == '\n')
		len--;
	end = s + len;
	if (p == end)
		return 0;
	for (;;) {
		unsigned a, b;

		r = parse_index(&p, end, flags, &a);
		if (r < 0)
			return r;
		b = a;
		if (p < end && *p == '-') {
			p++;
			r = parse_index(&p, end, flags, &b);
			if (r < 0)
				return r;
			if (b < a)
				return -EINVAL;
		}
		if (b >= nr_bits)
			return -ERANGE;
		for (unsigned i = a; i <= b; i++) {
			if (!scxd_bit_test(words, i))
				count++;
			scxd_bit_set(words, i);
		}
		if (p == end)
			return count;
		if (*p != ',')
			return -EINVAL;
		p++;
	}
}
