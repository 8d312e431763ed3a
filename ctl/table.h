/* SPDX-License-Identifier: GPL-2.0 */
/*
 * table.h - scxctl's text tables: a title row, columns two spaces apart,
 * numbers aligned on the right, the last column not padded. Column 1 is
 * always the object's name and columns keep their order across releases,
 * so that `awk '$1 == "batch" {print $5}'` keeps working; new columns go
 * last.
 *
 *	table_init(&t, "LAYER >TASKS", nr);
 *	for each layer: table_row(&t); table_add(&t, "%s", name); ...
 *	table_flush(&t);
 */
#ifndef SCXCTL_TABLE_H
#define SCXCTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TABLE_MAX_COLS	32

struct table {
	size_t		nr_cols;
	bool		right[TABLE_MAX_COLS];	/* numbers line up on the right */
	size_t		nr_rows;	/* the title row included */
	size_t		max_rows;
	size_t		next;		/* the current row's next cell */
	char		**cells;	/* nr_rows x nr_cols, each malloc()ed */
	bool		oom;
};

/* @titles: the column titles, one word each, separated by spaces; a title
 * written ">TITLE" is a column of numbers. Room for @max_rows rows. */
int table_init(struct table *t, const char *titles, size_t max_rows);
/* Start a new row (ignored when the table is full: a caller bug). */
void table_row(struct table *t);
/* The current row's next cell (past the last column: ignored). */
__attribute__((format(printf, 2, 3)))
void table_add(struct table *t, const char *fmt, ...);
/* Print it and free it; -ENOMEM if a cell could not be made. */
int table_flush(struct table *t);

/* "3d 4h 5m", "4h 5m 6s", "5m 6s", "6s" */
void format_uptime(char *buf, size_t size, uint64_t s);
/* "20ms" for whole milliseconds, else "2500us"; "auto" for 0: an auto
 * layer's tasks get their class's slice */
void format_slice(char *buf, size_t size, uint64_t us);

#endif /* SCXCTL_TABLE_H */
