/*
 * fuzz.h - what the libFuzzer targets share (tests/fuzz/fuzz_*.c). Each
 * target feeds one parser arbitrary bytes and checks, besides the
 * sanitizers' own checks, that what it accepts means what it says: an
 * accepted input, written back in canonical form, reads back the same.
 * A broken promise is an abort(), which libFuzzer reports as a crash.
 */
#ifndef SCXD_FUZZ_H
#define SCXD_FUZZ_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input as a NUL-terminated string (malloc()ed; NUL bytes kept, so
 * that a parser given the length sees them). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define FUZZ_ASSERT(cond, ...) do {						\
	if (!(cond)) {								\
		fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__);					\
		fputc('\n', stderr);						\
		abort();							\
	}									\
} while (0)

#endif
