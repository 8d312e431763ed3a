/* SPDX-License-Identifier: GPL-2.0 */
/* table.c - see table.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

int table_init(struct table *t, const char *titles, size_t max_rows)
{
	const char *p = titles;

	*t = (struct table){ .max_rows = max_rows + 1 };
	while (*p && t->nr_cols < TABLE_MAX_COLS) {
		size_t n = strcspn(p, " ");

		t->right[t->nr_cols++] = *p == '>';
		p += n + strspn(p + n, " ");
	}
	t->cells = calloc(t->max_rows * t->nr_cols, sizeof(*t->cells));
	if (!t->cells)
		return -ENOMEM;
	for (size_t c = 0; c < t->nr_cols; c++) {
		size_t n = strcspn(titles, " ");

		if (*titles == '>')
			titles++, n--;
		if (!(t->cells[c] = strndup(titles, n)))
			t->oom = true;
		titles += n + strspn(titles + n, " ");
	}
	t->nr_rows = 1;
	t->next = t->nr_cols;
	return 0;
}

void table_row(struct table *t)
{
	if (t->nr_rows < t->max_rows) {
		t->nr_rows++;
		t->next = 0;
	}
}

void table_add(struct table *t, const char *fmt, ...)
{
	char **cell;
	va_list ap;
	int r;

	if (t->next >= t->nr_cols)
		return;
	cell = &t->cells[(t->nr_rows - 1) * t->nr_cols + t->next++];
	va_start(ap, fmt);
	r = vasprintf(cell, fmt, ap);
	va_end(ap);
	if (r < 0) {
		*cell = NULL;
		t->oom = true;
	}
}

static void print_cells(const struct table *t)
{
	size_t width[TABLE_MAX_COLS] = { 0 };

	for (size_t i = 0; i < t->nr_rows; i++)
		for (size_t c = 0; c < t->nr_cols; c++) {
			const char *s = t->cells[i * t->nr_cols + c];
			size_t n = s ? strlen(s) : 0;

			if (n > width[c])
				width[c] = n;
		}
	for (size_t i = 0; i < t->nr_rows; i++) {
		for (size_t c = 0; c < t->nr_cols; c++) {
			const char *s = t->cells[i * t->nr_cols + c] ?: "";
			const char *sep = c ? "  " : "";

			if (t->right[c])
				printf("%s%*s", sep, (int)width[c], s);
			else if (c == t->nr_cols - 1)
				printf("%s%s", sep, s);
			else
				printf("%s%-*s", sep, (int)width[c], s);
		}
		putchar('\n');
	}
}

int table_flush(struct table *t)
{
	int r = t->oom || !t->cells ? -ENOMEM : 0;

	if (!r)
		print_cells(t);
	if (t->cells)
		for (size_t i = 0; i < t->nr_rows * t->nr_cols; i++)
			free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	return r;
}

void format_uptime(char *buf, size_t size, uint64_t s)
{
	uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;

	if (d)
		snprintf(buf, size, "%llud %lluh %llum", (unsigned long long)d,
			 (unsigned long long)h, (unsigned long long)m);
	else if (h)
		snprintf(buf, size, "%lluh %llum %llus", (unsigned long long)h,
			 (unsigned long long)m, (unsigned long long)(s % 60));
	else if (m)
		snprintf(buf, size, "%llum %llus", (unsigned long long)m,
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, size, "%llus", (unsigned long long)s);
}

void format_slice(char *buf, size_t size, uint64_t us)
{
	if (!us)
		snprintf(buf, size, "auto");
	else if (us >= 1000 && us % 1000 == 0)
		snprintf(buf, size, "%llums", (unsigned long long)(us / 1000));
	else
		snprintf(buf, size, "%lluus", (unsigned long long)us);
}

