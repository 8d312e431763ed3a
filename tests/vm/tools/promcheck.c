// SPDX-License-Identifier: GPL-2.0
/*
 * promcheck - read Prometheus text on stdin with the tests' strict
 * parser (tests/unit/promcheck.h); exit 0 when it is valid, else 1 with
 * the line and the reason on stderr. With SERIES arguments, print each
 * one's value, a line each (exit 1 when one is missing).
 *
 *   scxctl stats --prometheus | promcheck 'scxd_attached'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../unit/promcheck.h"

int main(int argc, char **argv)
{
	size_t len = 0, cap = 1 << 16, n;
	char *text = malloc(cap), err[512];
	int rc = 0;

	while (text && (n = fread(text + len, 1, cap - len - 1, stdin)) > 0) {
		len += n;
		if (len + 1 == cap && !(text = realloc(text, cap *= 2)))
			break;
	}
	if (!text) {
		fprintf(stderr, "promcheck: out of memory\n");
		return 1;
	}
	text[len] = '\0';
	if (prom_check(text, err, sizeof(err))) {
		fprintf(stderr, "promcheck: %s\n", err);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		double v;

		if (prom_value(text, argv[i], &v)) {
			fprintf(stderr, "promcheck: no series %s\n", argv[i]);
			rc = 1;
			continue;
		}
		printf("%.17g\n", v);
	}
	free(text);
	return rc;
}
