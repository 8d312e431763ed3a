/* SPDX-License-Identifier: GPL-2.0 */
/*
 * protocol.c - request/response codec and the status document.
 *
 * The status document is described once, by the field tables below, and
 * both proto_status_encode() and proto_status_decode() walk those tables:
 * a field cannot be written under one name and read under another.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

const struct proto_method proto_methods[] = {
	{ PROTO_METHOD_STATUS,	false, 1 },
	{ PROTO_METHOD_VERSION,	false, 1 },
};
const size_t proto_n_methods = sizeof(proto_methods) / sizeof(proto_methods[0]);

const struct proto_method *proto_method_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < proto_n_methods; i++)
		if (!strcmp(proto_methods[i].name, name))
			return &proto_methods[i];
	return NULL;
}

const char *proto_error_message(int code)
{
	switch (code) {
	case PROTO_OK:			return "ok";
	case PROTO_ERR_PARSE:		return "parse error";
	case PROTO_ERR_INVALID_REQUEST:	return "invalid request";
	case PROTO_ERR_METHOD_NOT_FOUND: return "method not found";
	case PROTO_ERR_INVALID_PARAMS:	return "invalid params";
	case PROTO_ERR_INTERNAL:	return "internal error";
	case PROTO_ERR_PERMISSION:	return "permission denied";
	case PROTO_ERR_NOT_FOUND:	return "not found";
	case PROTO_ERR_TOO_LARGE:	return "request too large";
	case PROTO_ERR_VERSION:		return "unsupported protocol version";
	case PROTO_ERR_INVALID_CONFIG:	return "invalid config";
	case PROTO_ERR_BUSY:		return "busy";
	}
	return "unknown error";
}

int proto_code_from_errno(int r)
{
	switch (r) {
	case 0:			return PROTO_OK;
	case -EPERM:
	case -EACCES:		return PROTO_ERR_PERMISSION;
	case -ENOENT:		return PROTO_ERR_NOT_FOUND;
	case -EINVAL:		return PROTO_ERR_INVALID_PARAMS;
	case -EBUSY:
	case -EAGAIN:
	case -ENOTCONN:		return PROTO_ERR_BUSY;
	case -EBADMSG:		return PROTO_ERR_INVALID_CONFIG;
	case -E2BIG:		return PROTO_ERR_TOO_LARGE;
	case -EPROTONOSUPPORT:	return PROTO_ERR_VERSION;
	}
	return PROTO_ERR_INTERNAL;
}

__attribute__((format(printf, 3, 4)))
static int fail(struct proto_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	switch (code) {
	case PROTO_ERR_TOO_LARGE:	return -E2BIG;
	case PROTO_ERR_PARSE:		return -EBADMSG;
	case PROTO_ERR_VERSION:		return -EPROTONOSUPPORT;
	case PROTO_ERR_INTERNAL:	return -ENOMEM;
	}
	return -EINVAL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A JSON number that is an integer in [lo, hi]; both bounds are exactly
 * representable as doubles for every use below. */
static bool number_in(const cJSON *j, double lo, double hi, double *out)
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

/* ---- requests ---------------------------------------------------------- */

int proto_request_parse(const char *line, size_t len, struct proto_request *req,
			struct proto_error *err)
{
	const cJSON *v, *id, *method;
	const char *end = NULL;
	double d;

	memset(req, 0, sizeof(*req));
	req->proto = SCXD_PROTO_VERSION;
	memset(err, 0, sizeof(*err));

	if (len >= PROTO_MAX_REQUEST)
		return fail(err, PROTO_ERR_TOO_LARGE, "request is %zu bytes, the limit is %d",
			    len + 1, PROTO_MAX_REQUEST);
	if (memchr(line, '\0', len))
		return fail(err, PROTO_ERR_PARSE, "NUL byte at offset %zu",
			    (size_t)((const char *)memchr(line, '\0', len) - line));

	req->doc = cJSON_ParseWithLengthOpts(line, len, &end, false);
	if (!req->doc) {
		const char *at = end ? end : cJSON_GetErrorPtr();

		if (at && at >= line && at <= line + len)
			return fail(err, PROTO_ERR_PARSE, "invalid JSON near offset %zu",
				    (size_t)(at - line));
		return fail(err, PROTO_ERR_PARSE, "invalid JSON");
	}
	while (end && end < line + len && is_space(*end))
		end++;
	if (!end || end != line + len)
		return fail(err, PROTO_ERR_PARSE, "trailing data at offset %zu",
			    end ? (size_t)(end - line) : (size_t)0);

	if (!cJSON_IsObject(req->doc))
		return fail(err, PROTO_ERR_INVALID_REQUEST, "request is not a JSON object");

	/* The id first, so that every later error can be answered with it. */
	id = cJSON_GetObjectItemCaseSensitive(req->doc, "id");
	if (!id)
		return fail(err, PROTO_ERR_INVALID_REQUEST, "missing \"id\"");
	if (!cJSON_IsNumber(id) && !cJSON_IsString(id))
		return fail(err, PROTO_ERR_INVALID_REQUEST, "\"id\" is not a number or string");
	req->id = id;

	v = cJSON_GetObjectItemCaseSensitive(req->doc, "jsonrpc");
	if (!v)
		return fail(err, PROTO_ERR_INVALID_REQUEST, "missing \"jsonrpc\"");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0"))
		return fail(err, PROTO_ERR_INVALID_REQUEST, "\"jsonrpc\" is not \"2.0\"");

	method = cJSON_GetObjectItemCaseSensitive(req->doc, "method");
	if (!method)
		return fail(err, PROTO_ERR_INVALID_REQUEST, "missing \"method\"");
	if (!cJSON_IsString(method))
		return fail(err, PROTO_ERR_INVALID_REQUEST, "\"method\" is not a string");
	if (!method->valuestring[0])
		return fail(err, PROTO_ERR_INVALID_REQUEST, "\"method\" is empty");

	v = cJSON_GetObjectItemCaseSensitive(req->doc, "proto");
	if (v) {
		if (!number_in(v, 1, 1e9, &d))
			return fail(err, PROTO_ERR_INVALID_REQUEST,
				    "\"proto\" is not an integer >= 1");
		if (d > SCXD_PROTO_VERSION)
			return fail(err, PROTO_ERR_VERSION,
				    "client speaks protocol %.0f, scxd speaks %d",
				    d, SCXD_PROTO_VERSION);
		req->proto = (int)d;
	}
	req->method = method->valuestring;

	v = cJSON_GetObjectItemCaseSensitive(req->doc, "params");
	if (v && !cJSON_IsObject(v))
		return fail(err, PROTO_ERR_INVALID_PARAMS, "\"params\" is not an object");
	req->params = v;
	return 0;
}

void proto_request_done(struct proto_request *req)
{
	if (!req)
		return;
	cJSON_Delete(req->doc);
	memset(req, 0, sizeof(*req));
	req->proto = SCXD_PROTO_VERSION;
}

/* Print j compactly, append '\n', return a malloc()ed copy; consumes j. */
static char *print_line(cJSON *j)
{
	char *s, *line = NULL;
	size_t n;

	if (!j)
		return NULL;
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	if (!s)
		return NULL;
	n = strlen(s);
	line = malloc(n + 2);
	if (line) {
		memcpy(line, s, n);
		line[n] = '\n';
		line[n + 1] = '\0';
	}
	cJSON_free(s);
	return line;
}

/* cJSON_AddItemToObject() that always consumes item. */
static bool add(cJSON *obj, const char *key, cJSON *item)
{
	if (!item)
		return false;
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

static cJSON *envelope(const cJSON *id)
{
	cJSON *j = cJSON_CreateObject();

	if (!j)
		return NULL;
	if (!cJSON_AddStringToObject(j, "jsonrpc", "2.0") ||
	    !add(j, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull())) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

char *proto_request_build(int id, const char *method, cJSON *params)
{
	cJSON *j = cJSON_CreateObject();
	bool ok;

	ok = j && cJSON_AddStringToObject(j, "jsonrpc", "2.0") &&
	     cJSON_AddNumberToObject(j, "id", id) &&
	     cJSON_AddNumberToObject(j, "proto", SCXD_PROTO_VERSION) &&
	     cJSON_AddStringToObject(j, "method", method);
	if (ok && params) {
		ok = add(j, "params", params);
		params = NULL;
	}
	cJSON_Delete(params);
	if (!ok) {
		cJSON_Delete(j);
		return NULL;
	}
	return print_line(j);
}

/* ---- responses --------------------------------------------------------- */

char *proto_response_result(const cJSON *id, cJSON *result)
{
	cJSON *j = envelope(id);

	if (!result)
		result = cJSON_CreateObject();
	if (!j || !add(j, "result", result)) {
		if (!j)
			cJSON_Delete(result);
		cJSON_Delete(j);
		return NULL;
	}
	return print_line(j);
}

char *proto_response_error(const cJSON *id, int code, const char *detail)
{
	cJSON *j = envelope(id), *e = cJSON_CreateObject();

	if (!j || !add(j, "error", e) ||
	    !cJSON_AddNumberToObject(e, "code", code) ||
	    !cJSON_AddStringToObject(e, "message", proto_error_message(code)) ||
	    (detail && detail[0] && !cJSON_AddStringToObject(e, "data", detail))) {
		if (!j)
			cJSON_Delete(e);
		cJSON_Delete(j);
		return NULL;
	}
	return print_line(j);
}

int proto_response_parse(const char *line, cJSON **result, struct proto_error *err)
{
	cJSON *doc, *v, *e;
	double d;
	int r;

	*result = NULL;
	memset(err, 0, sizeof(*err));

	doc = cJSON_Parse(line);
	if (!doc)
		return fail(err, PROTO_ERR_PARSE, "response is not JSON");
	if (!cJSON_IsObject(doc)) {
		r = fail(err, PROTO_ERR_PARSE, "response is not a JSON object");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(doc, "jsonrpc");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0")) {
		r = fail(err, PROTO_ERR_PARSE, "response has no \"jsonrpc\":\"2.0\"");
		goto out;
	}

	v = cJSON_GetObjectItemCaseSensitive(doc, "result");
	e = cJSON_GetObjectItemCaseSensitive(doc, "error");
	if (!!v == !!e) {
		r = fail(err, PROTO_ERR_PARSE, "response needs exactly one of \"result\", \"error\"");
		goto out;
	}
	if (v) {
		*result = cJSON_DetachItemViaPointer(doc, v);
		r = 0;
		goto out;
	}

	if (!cJSON_IsObject(e) ||
	    !number_in(cJSON_GetObjectItemCaseSensitive(e, "code"), -2147483648.0, 2147483647.0, &d)) {
		r = fail(err, PROTO_ERR_PARSE, "response error has no integer \"code\"");
		goto out;
	}
	err->code = (int)d;
	v = cJSON_GetObjectItemCaseSensitive(e, "data");
	if (!cJSON_IsString(v)) {
		/* No detail: keep the daemon's message only if it adds something. */
		v = cJSON_GetObjectItemCaseSensitive(e, "message");
		if (cJSON_IsString(v) && !strcmp(v->valuestring, proto_error_message(err->code)))
			v = NULL;
	}
	if (cJSON_IsString(v))
		snprintf(err->message, sizeof(err->message), "%s", v->valuestring);
	r = -EREMOTEIO;
out:
	cJSON_Delete(doc);
	return r;
}

/* ---- the status document ----------------------------------------------- */

enum field_type { F_STR, F_BOOL, F_U32, F_U64, F_S64 };

struct field {
	const char	*group;		/* sub-object holding the field, or NULL */
	const char	*name;
	enum field_type	type;
	size_t		off;
	size_t		size;
};

#define FIELD(st, grp, member, key, t) \
	{ grp, key, t, offsetof(st, member), sizeof(((st *)0)->member) }

#define S(m, k, t)	FIELD(struct proto_status, NULL, m, k, t)
static const struct field status_fields[] = {
	S(proto,	"proto",	F_U32),
	S(version,	"version",	F_STR),
	S(state,	"state",	F_STR),
	S(ops,		"ops",		F_STR),
	S(attached,	"attached",	F_BOOL),
	S(config,	"config",	F_STR),
	S(role,		"role",		F_STR),
	S(uptime_s,	"uptime_s",	F_U64),
	S(socket,	"socket",	F_STR),
};
#undef S

/* Offsets relative to struct proto_status, like the others: the record
 * lives inside it. */
#define E(m, k, t)	FIELD(struct proto_status, NULL, exit.m, k, t)
static const struct field exit_fields[] = {
	E(kind,		"kind",		F_STR),
	E(code,		"code",		F_S64),
	E(reason,	"reason",	F_STR),
	E(msg,		"msg",		F_STR),
};
#undef E

#define L(grp, m, k, t)	FIELD(struct proto_status_layer, grp, m, k, t)
static const struct field layer_fields[] = {
	L(NULL,		name,		"name",		F_STR),
	L(NULL,		index,		"index",	F_U32),
	L(NULL,		policy,		"policy",	F_STR),
	L(NULL,		weight,		"weight",	F_U32),
	L(NULL,		slice_us,	"slice_us",	F_U64),
	L(NULL,		tasks,		"tasks",	F_U64),
	L(NULL,		nr_rules,	"nr_rules",	F_U32),
	L("counters",	enqueues,	"enqueues",	F_U64),
	L("counters",	dispatches,	"dispatches",	F_U64),
	L("counters",	direct,		"direct",	F_U64),
};
#undef L

#define N_FIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* Largest integers a double holds exactly on the way back. */
#define MAX_U32		4294967295.0
#define MAX_EXACT	9007199254740992.0	/* 2^53 */

static cJSON *encode_str(const char *buf, size_t size)
{
	size_t n = strnlen(buf, size - 1);
	char tmp[PROTO_EXIT_MSG_LEN];

	memcpy(tmp, buf, n);
	tmp[n] = '\0';
	return cJSON_CreateString(tmp);
}

static bool encode_fields(cJSON *obj, const void *base, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++, f++) {
		const char *p = (const char *)base + f->off;
		cJSON *into = obj, *v = NULL;

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
		case F_U64:
			v = cJSON_CreateNumber((double)*(const uint64_t *)p);
			break;
		case F_S64:
			v = cJSON_CreateNumber((double)*(const int64_t *)p);
			break;
		}
		if (!add(into, f->name, v))
			return false;
	}
	return true;
}

static int field_error(struct proto_error *err, const char *path, const char *name,
		       const char *why)
{
	return fail(err, PROTO_ERR_PARSE, "%s%s%s: %s", path, path[0] ? "." : "", name, why);
}

static int decode_fields(const cJSON *obj, void *base, const struct field *f, size_t n,
			 const char *path, struct proto_error *err)
{
	for (size_t i = 0; i < n; i++, f++) {
		char *p = (char *)base + f->off;
		const cJSON *from = obj, *v;
		char name[64];
		double d;

		snprintf(name, sizeof(name), "%s%s%s", f->group ?: "", f->group ? "." : "", f->name);
		if (f->group) {
			from = cJSON_GetObjectItemCaseSensitive(obj, f->group);
			if (!cJSON_IsObject(from))
				return field_error(err, path, f->group,
						   from ? "not an object" : "missing");
		}
		v = cJSON_GetObjectItemCaseSensitive(from, f->name);
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
			if (!number_in(v, 0, MAX_U32, &d))
				return field_error(err, path, name, "not an unsigned 32-bit integer");
			*(uint32_t *)p = (uint32_t)d;
			break;
		case F_U64:
			if (!number_in(v, 0, MAX_EXACT, &d))
				return field_error(err, path, name, "not an unsigned integer");
			*(uint64_t *)p = (uint64_t)d;
			break;
		case F_S64:
			if (!number_in(v, -MAX_EXACT, MAX_EXACT, &d))
				return field_error(err, path, name, "not an integer");
			*(int64_t *)p = (int64_t)d;
			break;
		}
	}
	return 0;
}

cJSON *proto_status_encode(const struct proto_status *s)
{
	cJSON *j = cJSON_CreateObject(), *layers, *x;
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;

	if (!j || !encode_fields(j, s, status_fields, N_FIELDS(status_fields)))
		goto fail;

	if (!s->exit.kind[0]) {
		if (!cJSON_AddNullToObject(j, "exit"))
			goto fail;
	} else if (!(x = cJSON_AddObjectToObject(j, "exit")) ||
		   !encode_fields(x, s, exit_fields, N_FIELDS(exit_fields))) {
		goto fail;
	}

	if (!(layers = cJSON_AddArrayToObject(j, "layers")))
		goto fail;
	for (uint32_t i = 0; i < nr; i++) {
		const struct proto_status_layer *l = &s->layers[i];
		uint32_t first = l->first_rule < SCXD_MAX_RULES ? l->first_rule : SCXD_MAX_RULES;
		uint32_t cnt = l->nr_rules < SCXD_MAX_RULES - first ? l->nr_rules
								   : SCXD_MAX_RULES - first;
		struct proto_status_layer shown = *l;
		cJSON *lj = cJSON_CreateObject(), *rules;

		/* nr_rules says how many lines follow, so it must match them. */
		shown.nr_rules = cnt;
		if (!lj || !cJSON_AddItemToArray(layers, lj)) {
			cJSON_Delete(lj);
			goto fail;
		}
		if (!encode_fields(lj, &shown, layer_fields, N_FIELDS(layer_fields)) ||
		    !(rules = cJSON_AddArrayToObject(lj, "rules")))
			goto fail;
		for (uint32_t r = first; r < first + cnt; r++) {
			x = encode_str(s->rules[r], PROTO_RULE_LEN);
			if (!x || !cJSON_AddItemToArray(rules, x)) {
				cJSON_Delete(x);
				goto fail;
			}
		}
	}
	return j;
fail:
	cJSON_Delete(j);
	return NULL;
}

int proto_status_decode(const cJSON *j, struct proto_status *s, struct proto_error *err)
{
	const cJSON *x, *layers;
	uint32_t next_rule = 0;
	int r, n;

	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	if (!cJSON_IsObject(j))
		return fail(err, PROTO_ERR_PARSE, "status: not an object");

	r = decode_fields(j, s, status_fields, N_FIELDS(status_fields), "", err);
	if (r < 0)
		return r;

	x = cJSON_GetObjectItemCaseSensitive(j, "exit");
	if (!x)
		return field_error(err, "", "exit", "missing");
	if (!cJSON_IsNull(x)) {
		if (!cJSON_IsObject(x))
			return field_error(err, "", "exit", "not an object or null");
		r = decode_fields(x, s, exit_fields, N_FIELDS(exit_fields), "exit", err);
		if (r < 0)
			return r;
		if (!s->exit.kind[0])
			return field_error(err, "exit", "kind", "empty");
	}

	layers = cJSON_GetObjectItemCaseSensitive(j, "layers");
	if (!cJSON_IsArray(layers))
		return field_error(err, "", "layers", layers ? "not an array" : "missing");
	n = cJSON_GetArraySize(layers);
	if (n > SCXD_MAX_LAYERS)
		return fail(err, PROTO_ERR_PARSE, "layers: %d layers, the limit is %d",
			    n, SCXD_MAX_LAYERS);
	s->nr_layers = n;

	for (int i = 0; i < n; i++) {
		struct proto_status_layer *l = &s->layers[i];
		const cJSON *lj = cJSON_GetArrayItem(layers, i), *rules, *rj;
		char path[32];
		int nr;

		snprintf(path, sizeof(path), "layers[%d]", i);
		if (!cJSON_IsObject(lj))
			return fail(err, PROTO_ERR_PARSE, "%s: not an object", path);
		r = decode_fields(lj, l, layer_fields, N_FIELDS(layer_fields), path, err);
		if (r < 0)
			return r;

		rules = cJSON_GetObjectItemCaseSensitive(lj, "rules");
		if (!cJSON_IsArray(rules))
			return field_error(err, path, "rules", rules ? "not an array" : "missing");
		nr = cJSON_GetArraySize(rules);
		if ((uint32_t)nr != l->nr_rules)
			return fail(err, PROTO_ERR_PARSE, "%s.nr_rules: %u, but %d rules follow",
				    path, l->nr_rules, nr);
		if ((uint32_t)nr > SCXD_MAX_RULES - next_rule)
			return fail(err, PROTO_ERR_PARSE, "%s.rules: more than %d rules in all",
				    path, SCXD_MAX_RULES);
		l->first_rule = next_rule;
		for (int k = 0; k < nr; k++) {
			char *dst = s->rules[next_rule++];

			rj = cJSON_GetArrayItem(rules, k);
			if (!cJSON_IsString(rj))
				return fail(err, PROTO_ERR_PARSE, "%s.rules[%d]: not a string", path, k);
			if (strlen(rj->valuestring) >= PROTO_RULE_LEN)
				return fail(err, PROTO_ERR_PARSE, "%s.rules[%d]: too long", path, k);
			strcpy(dst, rj->valuestring);
		}
	}
	return 0;
}

/* ---- the version result ------------------------------------------------ */

cJSON *proto_version_encode(void)
{
	cJSON *j = cJSON_CreateObject();

	if (!j || !cJSON_AddNumberToObject(j, "proto", SCXD_PROTO_VERSION) ||
	    !cJSON_AddStringToObject(j, "version", SCXD_VERSION)) {
		cJSON_Delete(j);
		return NULL;
	}
	return j;
}

int proto_version_decode(const cJSON *j, struct proto_version *v, struct proto_error *err)
{
	static const struct field fields[] = {
		FIELD(struct proto_version, NULL, proto, "proto", F_U32),
		FIELD(struct proto_version, NULL, version, "version", F_STR),
	};

	memset(v, 0, sizeof(*v));
	memset(err, 0, sizeof(*err));
	if (!cJSON_IsObject(j))
		return fail(err, PROTO_ERR_PARSE, "version: not an object");
	return decode_fields(j, v, fields, N_FIELDS(fields), "", err);
}
