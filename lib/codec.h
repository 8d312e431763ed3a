/* SPDX-License-Identifier: GPL-2.0 */
/*
 * codec.h - the one JSON codec for the protocol's documents: a document
 * is described once, by a table of its fields, and both its encoder and
 * its decoder walk that table, so a field cannot be written under one
 * name and read under another. Used by protocol.c (status, topology,
 * version) and compare.c (the compare result).
 *
 * Pure: no I/O, no logging. Decode errors are PROTO_ERR_PARSE with the
 * field named as a path ("layers[1].counters.enqueues: not a number").
 */
#ifndef SCXD_CODEC_H
#define SCXD_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "protocol.h"

enum field_type {
	F_STR,
	F_BOOL,
	F_U32,
	F_S32,
	F_U64,
	F_S64,
	F_DOUBLE,	/* non-negative, finite */
	F_MEASURE,	/* a double that may be unknown: NaN <-> null, else >= 0 */
	F_MEASURES,	/* an array of them, exactly as long as the member */
	F_U64S,		/* an array of unsigned integers, exactly as long as the member */
	F_CPUS,		/* struct scxd_cpumask as a CPU list */
	F_LLCS,		/* u64 of LLC indexes as a list; 0 as "auto" */
};

struct field {
	const char	*group;		/* sub-object holding the field, or NULL */
	const char	*name;
	enum field_type	type;
	size_t		off;
	size_t		size;
	bool		optional;	/* added after 0.1: absent reads as zero */
};

#define FIELD(st, grp, member, key, t) \
	{ grp, key, t, offsetof(st, member), sizeof(((st *)0)->member), false }
#define FIELD_0_2(st, grp, member, key, t) \
	{ grp, key, t, offsetof(st, member), sizeof(((st *)0)->member), true }

#define N_FIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* Add each field of the record at @base to @obj; false on ENOMEM. */
bool encode_fields(cJSON *obj, const void *base, const struct field *f, size_t n);
/* Fill the record at @base from @obj; @path names @obj in errors ("" at
 * the top). Optional fields may be absent. -EBADMSG with *err filled. */
int decode_fields(const cJSON *obj, void *base, const struct field *f, size_t n,
		  const char *path, struct proto_error *err);
/* @n records of @stride bytes at @base as a new array obj.key. */
bool encode_array(cJSON *obj, const char *key, const void *base, size_t stride,
		  size_t n, const struct field *f, size_t nf);
/* obj.key, an array of at most @max objects, into records; *n entries. */
int decode_array(const cJSON *obj, const char *key, void *base, size_t stride,
		 size_t max, const struct field *f, size_t nf, uint32_t *n,
		 struct proto_error *err);
/*
 * A document: its fields, then arrays of records, each counted by a u32
 * field of the document (which the field table lists as well): encoded,
 * the count says how many entries follow (no more than @max); decoded, a
 * count other than the number of entries is an error ("nr_cpus: 4, but 3
 * CPUs follow").
 */
struct doc_array {
	const char		*key;		/* "cpus" */
	size_t			off;		/* of the first record in the document */
	size_t			stride;
	size_t			max;
	size_t			count_off;	/* of the u32 count in the document */
	const char		*count_key;	/* "nr_cpus" */
	const char		*what;		/* "CPUs" */
	const struct field	*f;
	size_t			nf;
};

#define DOC_ARRAY(st, key, member, count, what, fields)				\
	{ key, offsetof(st, member), sizeof(((st *)0)->member[0]),		\
	  sizeof(((st *)0)->member) / sizeof(((st *)0)->member[0]),		\
	  offsetof(st, count), #count, what, fields, N_FIELDS(fields) }

/* NULL on ENOMEM. */
cJSON *encode_doc(const void *base, const struct field *f, size_t nf,
		  const struct doc_array *a, size_t na);
/* Fills the document at @base (which the caller has initialized); @name
 * says what it is in errors ("topology: not an object"). */
int decode_doc(const cJSON *j, void *base, const char *name, const struct field *f, size_t nf,
	       const struct doc_array *a, size_t na, struct proto_error *err);

/* "PATH.NAME: WHY" as a parse error; -EBADMSG. */
int field_error(struct proto_error *err, const char *path, const char *name, const char *why);

/* A string of at most @size - 1 bytes at @buf (not necessarily NUL-terminated). */
cJSON *encode_str(const char *buf, size_t size);
/* cJSON_AddItemToObject() that always consumes @item (NULL: false). */
bool json_add(cJSON *obj, const char *key, cJSON *item);
/* A JSON number that is an integer in [lo, hi]. */
bool json_number_in(const cJSON *j, double lo, double hi, double *out);
/* A JSON number that is an integer in [0, 2^64] (UINT64_MAX for 2^64). */
bool json_number_u64(const cJSON *j, uint64_t *out);

#endif /* SCXD_CODEC_H */
