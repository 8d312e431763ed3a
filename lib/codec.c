/* SPDX-License-Identifier: GPL-2.0 */
/* codec.c - see codec.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "cpulist.h"

/* A JSON number that is an integer in [lo, hi]; both bounds are exactly
 * representable as doubles for every use below. */
bool json_number_in(const cJSON *j, double lo, double hi, double *out)
{
	double d;

	if (!cJSON_IsNumber(j))
		return false;
	d = j->valuedouble;
	if (!(d >= lo && d <= hi) || d != (double)(long long)d)
		return false;
	*out = d;
	return true;
}

/* A JSON number that is an integer in [0, 2^64]. Above 2^53 every double
 * is an integer, the sender's u64 rounded to one; 2^64 is what the
 * largest of them round to, and reads back as UINT64_MAX. */
bool json_number_u64(const cJSON *j, uint64_t *out)
{
	double d;

	if (!cJSON_IsNumber(j))
		return false;
	d = j->valuedouble;
	if (!(d >= 0 && d <= 18446744073709551616.0))
		return false;
	if (d < 9007199254740992.0 && d != (double)(long long)d)
		return false;
	*out = d < 18446744073709551616.0 ? (uint64_t)d : UINT64_MAX;
	return true;
}

/* cJSON_AddItemToObject() that always consumes item. */
bool json_add(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return false;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

#define N_FIELDS(t) (sizeof(t) / sizeof((t)[0]))

#define MAX_U32		4294967295.0

cJSON *encode_str(const char *buf, size_t size)
{
	size_t n = strnlen(buf, size - 1);
	char tmp[PROTO_EXIT_MSG_LEN];

	memcpy(tmp, buf, n);
	tmp[n] = '\0';
	return cJSON_CreateString(tmp);
}

/* A CPU list as a JSON string; nr_bits bits at p. */
static cJSON *encode_cpus(const void *p, unsigned nr_bits)
{
	u64 words[SCXD_CPUMASK_WORDS];
	char buf[CPULIST_LEN];

	/* Copied, so that p may be any field, of any alignment. */
	memcpy(words, p, (nr_bits + 63) / 64 * sizeof(u64));
	if (cpulist_format(words, nr_bits, buf, sizeof(buf)) < 0)
		return NULL;
	return cJSON_CreateString(buf);
}

bool encode_fields(cJSON *obj, const void *base, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++, f++) {
		const char *p = (const char *)base + f->off;
		cJSON *into = obj, *v = NULL;
		uint64_t u;
		double d;

		if (f->group) {
			into = cJSON_GetObjectItemCaseSensitive(obj, f->group);
			if (!into && !(into = cJSON_AddObjectToObject(obj, f->group)))
				return false;
		}
		switch (f->type) {
		case F_STR:
			v = encode_str(p, f->size);
			break;
		case F_BOOL:
			v = cJSON_CreateBool(*(const bool *)p);
			break;
		case F_U32:
			v = cJSON_CreateNumber(*(const uint32_t *)p);
			break;
		case F_S32:
			v = cJSON_CreateNumber(*(const int32_t *)p);
			break;
		case F_U64:
			v = cJSON_CreateNumber((double)*(const uint64_t *)p);
			break;
		case F_S64:
			v = cJSON_CreateNumber((double)*(const int64_t *)p);
			break;
		case F_DOUBLE:
			d = *(const double *)p;
			/* cJSON writes NaN and infinities as null. */
			v = cJSON_CreateNumber(isfinite(d) && d > 0 ? d : 0);
			break;
		case F_MEASURE:
			d = *(const double *)p;
			v = isnan(d) ? cJSON_CreateNull()
				     : cJSON_CreateNumber(isfinite(d) && d > 0 ? d : 0);
			break;
		case F_MEASURES:
			v = cJSON_CreateArray();
			for (size_t k = 0; v && k < f->size / sizeof(double); k++) {
				d = ((const double *)p)[k];
				if (!cJSON_AddItemToArray(v, isnan(d) ? cJSON_CreateNull() :
							  cJSON_CreateNumber(isfinite(d) && d > 0 ? d : 0))) {
					cJSON_Delete(v);
					v = NULL;
				}
			}
			break;
		case F_U64S:
			v = cJSON_CreateArray();
			for (size_t k = 0; v && k < f->size / sizeof(uint64_t); k++) {
				if (!cJSON_AddItemToArray(v, cJSON_CreateNumber(
						(double)((const uint64_t *)p)[k]))) {
					cJSON_Delete(v);
					v = NULL;
				}
			}
			break;
		case F_CPUS:
			v = encode_cpus(p, f->size * 8);
			break;
		case F_LLCS:
			memcpy(&u, p, sizeof(u));
			v = u ? encode_cpus(&u, 64) : cJSON_CreateString("auto");
			break;
		}
		if (!json_add(into, f->name, v))
			return false;
	}
	return true;
}

int field_error(struct proto_error *err, const char *path, const char *name,
		       const char *why)
{
	return proto_fail(err, PROTO_ERR_PARSE, "%s%s%s: %s", path, path[0] ? "." : "", name, why);
}

/* A CPU list string into nr_bits bits at p; NULL, or why not. */
static const char *decode_cpus(const char *s, void *p, unsigned nr_bits)
{
	u64 words[SCXD_CPUMASK_WORDS];
	int r = cpulist_parse(s, words, nr_bits, 0);

	if (r == -ERANGE)
		return "index out of range";
	if (r < 0)
		return "not a CPU list";
	memcpy(p, words, (nr_bits + 63) / 64 * sizeof(u64));
	return NULL;
}

int decode_fields(const cJSON *obj, void *base, const struct field *f, size_t n,
			 const char *path, struct proto_error *err)
{
	for (size_t i = 0; i < n; i++, f++) {
		char *p = (char *)base + f->off;
		const cJSON *from = obj, *v;
		const char *why;
		char name[64];
		double d;

		snprintf(name, sizeof(name), "%s%s%s", f->group ?: "", f->group ? "." : "", f->name);
		if (f->group) {
			from = cJSON_GetObjectItemCaseSensitive(obj, f->group);
			if (!from && f->optional)
				continue;
			if (!cJSON_IsObject(from))
				return field_error(err, path, f->group,
						   from ? "not an object" : "missing");
		}
		v = cJSON_GetObjectItemCaseSensitive(from, f->name);
		if (!v && f->optional)
			continue;
		if (!v)
			return field_error(err, path, name, "missing");
		switch (f->type) {
		case F_STR:
			if (!cJSON_IsString(v))
				return field_error(err, path, name, "not a string");
			if (strlen(v->valuestring) >= f->size)
				return field_error(err, path, name, "too long");
			strcpy(p, v->valuestring);
			break;
		case F_BOOL:
			if (!cJSON_IsBool(v))
				return field_error(err, path, name, "not a boolean");
			*(bool *)p = cJSON_IsTrue(v);
			break;
		case F_U32:
			if (!json_number_in(v, 0, MAX_U32, &d))
				return field_error(err, path, name, "not an unsigned 32-bit integer");
			*(uint32_t *)p = (uint32_t)d;
			break;
		case F_S32:
			if (!json_number_in(v, -2147483648.0, 2147483647.0, &d))
				return field_error(err, path, name, "not a 32-bit integer");
			*(int32_t *)p = (int32_t)d;
			break;
		case F_U64:
			if (!json_number_u64(v, (uint64_t *)p))
				return field_error(err, path, name, "not an unsigned integer");
			break;
		case F_S64:
			if (!json_number_in(v, -9007199254740992.0, 9007199254740992.0, &d))
				return field_error(err, path, name, "not an integer");
			*(int64_t *)p = (int64_t)d;
			break;
		case F_DOUBLE:
			if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || !isfinite(v->valuedouble))
				return field_error(err, path, name, "not a number >= 0");
			*(double *)p = v->valuedouble;
			break;
		case F_MEASURE:
			if (cJSON_IsNull(v)) {
				*(double *)p = NAN;
				break;
			}
			if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) || !isfinite(v->valuedouble))
				return field_error(err, path, name, "not null or a number >= 0");
			*(double *)p = v->valuedouble;
			break;
		case F_MEASURES:
			if (!cJSON_IsArray(v) ||
			    (size_t)cJSON_GetArraySize(v) != f->size / sizeof(double))
				return field_error(err, path, name, "not an array of the right length");
			for (size_t k = 0; k < f->size / sizeof(double); k++) {
				const cJSON *x = cJSON_GetArrayItem(v, k);

				if (cJSON_IsNull(x))
					((double *)p)[k] = NAN;
				else if (cJSON_IsNumber(x) && x->valuedouble >= 0 && isfinite(x->valuedouble))
					((double *)p)[k] = x->valuedouble;
				else
					return field_error(err, path, name, "holds what is not null or a number >= 0");
			}
			break;
		case F_U64S:
			if (!cJSON_IsArray(v) ||
			    (size_t)cJSON_GetArraySize(v) != f->size / sizeof(uint64_t))
				return field_error(err, path, name, "not an array of the right length");
			for (size_t k = 0; k < f->size / sizeof(uint64_t); k++)
				if (!json_number_u64(cJSON_GetArrayItem(v, k), (uint64_t *)p + k))
					return field_error(err, path, name,
							   "holds what is not an unsigned integer");
			break;
		case F_CPUS:
			if (!cJSON_IsString(v))
				return field_error(err, path, name, "not a string");
			why = decode_cpus(v->valuestring, p, f->size * 8);
			if (why)
				return field_error(err, path, name, why);
			break;
		case F_LLCS:
			if (!cJSON_IsString(v))
				return field_error(err, path, name, "not a string");
			if (!strcmp(v->valuestring, "auto")) {
				memset(p, 0, sizeof(uint64_t));
				break;
			}
			/* "" would read as 0, which is "auto": refuse it. */
			why = v->valuestring[0] ? decode_cpus(v->valuestring, p, 64)
						: "not \"auto\" or an LLC list";
			if (why)
				return field_error(err, path, name, why);
			break;
		}
	}
	return 0;
}

/* Append n records of stride bytes at base to a new array obj.key. */
bool encode_array(cJSON *obj, const char *key, const void *base, size_t stride,
			 size_t n, const struct field *f, size_t nf)
{
	cJSON *a = cJSON_AddArrayToObject(obj, key);

	if (!a)
		return false;
	for (size_t i = 0; i < n; i++) {
		cJSON *x = cJSON_CreateObject();

		if (!x || !cJSON_AddItemToArray(a, x)) {
			cJSON_Delete(x);
			return false;
		}
		if (!encode_fields(x, (const char *)base + i * stride, f, nf))
			return false;
	}
	return true;
}

/* obj.key, an array of at most max objects, into records of stride bytes
 * at base; *n is the number of entries. */
int decode_array(const cJSON *obj, const char *key, void *base, size_t stride,
			size_t max, const struct field *f, size_t nf, uint32_t *n,
			struct proto_error *err)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, key);
	int cnt, r;

	if (!cJSON_IsArray(a))
		return field_error(err, "", key, a ? "not an array" : "missing");
	cnt = cJSON_GetArraySize(a);
	if ((size_t)cnt > max)
		return proto_fail(err, PROTO_ERR_PARSE, "%s: %d entries, the limit is %zu", key, cnt, max);
	for (int i = 0; i < cnt; i++) {
		const cJSON *x = cJSON_GetArrayItem(a, i);
		char path[32];

		snprintf(path, sizeof(path), "%s[%d]", key, i);
		if (!cJSON_IsObject(x))
			return proto_fail(err, PROTO_ERR_PARSE, "%s: not an object", path);
		r = decode_fields(x, (char *)base + i * stride, f, nf, path, err);
		if (r < 0)
			return r;
	}
	*n = cnt;
	return 0;
}

/* Replace obj.key by n; consumes nothing on failure. */
static bool set_count(cJSON *obj, const char *key, uint32_t n)
{
	cJSON *v = cJSON_CreateNumber(n);

	if (!v || !cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v)) {
		cJSON_Delete(v);
		return false;
	}
	return true;
}

cJSON *encode_doc(const void *base, const struct field *f, size_t nf,
		  const struct doc_array *a, size_t na)
{
	cJSON *j = cJSON_CreateObject();

	if (!j || !encode_fields(j, base, f, nf))
		goto fail;
	for (size_t i = 0; i < na; i++) {
		uint32_t count = *(const uint32_t *)((const char *)base + a[i].count_off);
		uint32_t n = count < a[i].max ? count : a[i].max;

		/* The count says how many entries follow, so it must match them. */
		if ((n != count && !set_count(j, a[i].count_key, n)) ||
		    !encode_array(j, a[i].key, (const char *)base + a[i].off, a[i].stride, n,
				  a[i].f, a[i].nf))
			goto fail;
	}
	return j;
fail:
	cJSON_Delete(j);
	return NULL;
}

int decode_doc(const cJSON *j, void *base, const char *name, const struct field *f, size_t nf,
	       const struct doc_array *a, size_t na, struct proto_error *err)
{
	uint32_t n, count;
	int r;

	memset(err, 0, sizeof(*err));
	if (!cJSON_IsObject(j))
		return proto_fail(err, PROTO_ERR_PARSE, "%s: not an object", name);
	r = decode_fields(j, base, f, nf, "", err);
	for (size_t i = 0; r == 0 && i < na; i++) {
		r = decode_array(j, a[i].key, (char *)base + a[i].off, a[i].stride, a[i].max,
				 a[i].f, a[i].nf, &n, err);
		count = *(uint32_t *)((char *)base + a[i].count_off);
		if (r == 0 && n != count)
			r = proto_fail(err, PROTO_ERR_PARSE, "%s: %u, but %u %s follow",
				       a[i].count_key, count, n, a[i].what);
	}
	return r;
}
