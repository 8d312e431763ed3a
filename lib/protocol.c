/* SPDX-License-Identifier: GPL-2.0 */
/*
 * protocol.c - request/response codec, CPU lists, and the status and
 * topology documents.
 *
 * Each document is described once, by the field tables below, and both
 * its encoder and its decoder walk those tables: a field cannot be
 * written under one name and read under another.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "protocol.h"

#define M(id, name, access)	[PROTO_METHOD_##id] = { name, PROTO_ACCESS_##access, 1 }
const struct proto_method proto_methods[PROTO_NR_METHODS] = {
	M(STATUS,	"status",	READ),
	M(VERSION,	"version",	READ),
	M(TOPOLOGY,	"topology",	READ),
	M(SET_LAYER,	"set-layer",	ADMIN),
	M(ADD_LAYER,	"add-layer",	ADMIN),
	M(REMOVE_LAYER,	"remove-layer",	ADMIN),
	M(MATCH_ADD,	"match-add",	ADMIN),
	M(MATCH_REMOVE,	"match-remove",	ADMIN),
	M(RELOAD,	"reload",	ADMIN),
	M(SAVE,		"save",		ADMIN),
	M(RUN,		"run",		SELF),
	M(MOVE,		"move",		SELF),
	M(UNPIN,	"unpin",	SELF),
	M(EXPLAIN,	"explain",	READ),
	M(STOP,		"stop",		ADMIN),
	M(ROLES,	"roles",	READ),
	M(ROLE_SHOW,	"role-show",	READ),
	M(ROLE_SET,	"role-set",	ADMIN),
	M(START,	"start",	ADMIN),
	M(COMPARE_START, "compare-start", ADMIN),
	M(COMPARE_STATUS, "compare-status", ADMIN),
	M(COMPARE_STEP,	"compare-step",	ADMIN),
	M(COMPARE_STOP,	"compare-stop",	ADMIN),
	M(COMPARE_RESULT, "compare-result", READ),
	M(PROCESSES,	"processes",	READ),
};
#undef M

int proto_method_find(const char *name)
{
	for (int i = 0; name && i < PROTO_NR_METHODS; i++)
		if (!strcmp(proto_methods[i].name, name))
			return i;
	return -ENOENT;
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

int proto_fail(struct proto_error *err, int code, const char *fmt, ...)
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
		return proto_fail(err, PROTO_ERR_TOO_LARGE, "request is %zu bytes, the limit is %d",
			    len + 1, PROTO_MAX_REQUEST);
	if (memchr(line, '\0', len))
		return proto_fail(err, PROTO_ERR_PARSE, "NUL byte at offset %zu",
			    (size_t)((const char *)memchr(line, '\0', len) - line));

	req->doc = cJSON_ParseWithLengthOpts(line, len, &end, false);
	if (!req->doc) {
		const char *at = end ? end : cJSON_GetErrorPtr();

		if (at && at >= line && at <= line + len)
			return proto_fail(err, PROTO_ERR_PARSE, "invalid JSON near offset %zu",
				    (size_t)(at - line));
		return proto_fail(err, PROTO_ERR_PARSE, "invalid JSON");
	}
	while (end && end < line + len && is_space(*end))
		end++;
	if (!end || end != line + len)
		return proto_fail(err, PROTO_ERR_PARSE, "trailing data at offset %zu",
			    end ? (size_t)(end - line) : (size_t)0);

	if (!cJSON_IsObject(req->doc))
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "request is not a JSON object");

	/* The id first, so that every later error can be answered with it. */
	id = cJSON_GetObjectItemCaseSensitive(req->doc, "id");
	if (!id)
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "missing \"id\"");
	if (!cJSON_IsNumber(id) && !cJSON_IsString(id))
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "\"id\" is not a number or string");
	req->id = id;

	v = cJSON_GetObjectItemCaseSensitive(req->doc, "jsonrpc");
	if (!v)
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "missing \"jsonrpc\"");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0"))
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "\"jsonrpc\" is not \"2.0\"");

	method = cJSON_GetObjectItemCaseSensitive(req->doc, "method");
	if (!method)
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "missing \"method\"");
	if (!cJSON_IsString(method))
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "\"method\" is not a string");
	if (!method->valuestring[0])
		return proto_fail(err, PROTO_ERR_INVALID_REQUEST, "\"method\" is empty");

	v = cJSON_GetObjectItemCaseSensitive(req->doc, "proto");
	if (v) {
		if (!json_number_in(v, 1, 1e9, &d))
			return proto_fail(err, PROTO_ERR_INVALID_REQUEST,
				    "\"proto\" is not an integer >= 1");
		if (d > SCXD_PROTO_VERSION)
			return proto_fail(err, PROTO_ERR_VERSION,
				    "client speaks protocol %.0f, scxd speaks %d",
				    d, SCXD_PROTO_VERSION);
		req->proto = (int)d;
	}
	req->method = method->valuestring;

	v = cJSON_GetObjectItemCaseSensitive(req->doc, "params");
	if (v && !cJSON_IsObject(v))
		return proto_fail(err, PROTO_ERR_INVALID_PARAMS, "\"params\" is not an object");
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

static cJSON *envelope(const cJSON *id)
{
	cJSON *j = cJSON_CreateObject();

	if (!j)
		return NULL;
	if (!cJSON_AddStringToObject(j, "jsonrpc", "2.0") ||
	    !json_add(j, "id", id ? cJSON_Duplicate(id, true) : cJSON_CreateNull())) {
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
		ok = json_add(j, "params", params);
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
	if (!j || !json_add(j, "result", result)) {
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

	if (!j || !json_add(j, "error", e) ||
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
		return proto_fail(err, PROTO_ERR_PARSE, "response is not JSON");
	if (!cJSON_IsObject(doc)) {
		r = proto_fail(err, PROTO_ERR_PARSE, "response is not a JSON object");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(doc, "jsonrpc");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0")) {
		r = proto_fail(err, PROTO_ERR_PARSE, "response has no \"jsonrpc\":\"2.0\"");
		goto out;
	}

	v = cJSON_GetObjectItemCaseSensitive(doc, "result");
	e = cJSON_GetObjectItemCaseSensitive(doc, "error");
	if (!!v == !!e) {
		r = proto_fail(err, PROTO_ERR_PARSE, "response needs exactly one of \"result\", \"error\"");
		goto out;
	}
	if (v) {
		*result = cJSON_DetachItemViaPointer(doc, v);
		r = 0;
		goto out;
	}

	if (!cJSON_IsObject(e) ||
	    !json_number_in(cJSON_GetObjectItemCaseSensitive(e, "code"), -2147483648.0, 2147483647.0, &d)) {
		r = proto_fail(err, PROTO_ERR_PARSE, "response error has no integer \"code\"");
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
	FIELD_0_2(struct proto_status, NULL, stats_interval_ms, "stats_interval_ms", F_U64),
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

#define L(grp, m, k, t)		FIELD(struct proto_status_layer, grp, m, k, t)
#define L2(grp, m, k, t)	FIELD_0_2(struct proto_status_layer, grp, m, k, t)
static const struct field layer_fields[] = {
	L(NULL,		name,		"name",		F_STR),
	L(NULL,		index,		"index",	F_U32),
	L(NULL,		policy,		"policy",	F_STR),
	L2(NULL,	kind,		"kind",		F_STR),
	L(NULL,		weight,		"weight",	F_U32),
	L(NULL,		slice_us,	"slice_us",	F_U64),
	L2(NULL,	preempt,	"preempt",	F_BOOL),
	L2(NULL,	users,		"users",	F_BOOL),
	L2(NULL,	cpus_min,	"cpus_min",	F_U32),
	L2(NULL,	cpus_max,	"cpus_max",	F_U32),
	L2(NULL,	llcs,		"llcs",		F_LLCS),
	L(NULL,		tasks,		"tasks",	F_U64),
	L2(NULL,	nr_owned,	"nr_owned",	F_U32),
	L2(NULL,	nr_span,	"nr_span",	F_U32),
	L2(NULL,	owned,		"owned",	F_CPUS),
	L2(NULL,	util,		"util",		F_DOUBLE),
	L(NULL,		nr_rules,	"nr_rules",	F_U32),
	L("counters",	enqueues,	"enqueues",	F_U64),
	L("counters",	dispatches,	"dispatches",	F_U64),
	L("counters",	direct,		"direct",	F_U64),
	L2("counters",	cpu_ns,		"cpu_ns",	F_U64),
	L2("counters",	preemptions,	"preemptions",	F_U64),
	L2("counters",	migrations,	"migrations",	F_U64),
	L2("counters",	xllc_migrations, "xllc_migrations", F_U64),
	L2("counters",	steals,		"steals",	F_U64),
	L2("counters",	rescues,	"rescues",	F_U64),
	L2("counters",	wakeups,	"wakeups",	F_U64),
	L2("counters",	resumes,	"resumes",	F_U64),
	L2("counters",	shortened,	"shortened",	F_U64),
	L2("counters",	kept,		"kept",		F_U64),
	L2("counters",	kernel_picks,	"kernel_picks",	F_U64),
	L2("counters",	busy,		"busy",		F_U64),
	L2("latency",	lat_p50_us,	"p50_us",	F_DOUBLE),
	L2("latency",	lat_p99_us,	"p99_us",	F_DOUBLE),
	L2("latency",	lat_samples,	"samples",	F_U64),
	L2("latency",	lat_hist,	"hist",		F_U64S),
	L2("latency",	lat_sum_ns,	"sum_ns",	F_U64),
	L2("served",	served_latency,	"latency",	F_U64),
	L2("served",	served_throughput, "throughput", F_U64),
	L2(NULL,	auto_latency_run_us, "auto_latency_run_us", F_U64),
	L2(NULL,	auto_min_wakeups, "auto_min_wakeups", F_U32),
	L2("counters",	class_changes,	"class_changes", F_U64),
};
#undef L2
#undef L

#define R(m, k, t)	FIELD(struct proto_rival, NULL, m, k, t)
static const struct field rival_fields[] = {
	R(name,		"name",		F_STR),
	R(pid,		"pid",		F_S32),
	R(why,		"why",		F_STR),
};
#undef R

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
	if (!(layers = cJSON_AddArrayToObject(j, "changes")))
		goto fail;
	for (uint32_t i = 0; i < s->nr_changes && i < PROTO_MAX_CHANGES; i++) {
		x = encode_str(s->changes[i], PROTO_CHANGE_LEN);
		if (!x || !cJSON_AddItemToArray(layers, x)) {
			cJSON_Delete(x);
			goto fail;
		}
	}
	if (!encode_array(j, "rivals", s->rivals, sizeof(s->rivals[0]),
			  s->nr_rivals < PROTO_MAX_RIVALS ? s->nr_rivals : PROTO_MAX_RIVALS,
			  rival_fields, N_FIELDS(rival_fields)))
		goto fail;
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
		return proto_fail(err, PROTO_ERR_PARSE, "status: not an object");

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
		return proto_fail(err, PROTO_ERR_PARSE, "layers: %d layers, the limit is %d",
			    n, SCXD_MAX_LAYERS);
	s->nr_layers = n;

	for (int i = 0; i < n; i++) {
		struct proto_status_layer *l = &s->layers[i];
		const cJSON *lj = cJSON_GetArrayItem(layers, i), *rules, *rj;
		char path[32];
		int nr;

		snprintf(path, sizeof(path), "layers[%d]", i);
		if (!cJSON_IsObject(lj))
			return proto_fail(err, PROTO_ERR_PARSE, "%s: not an object", path);
		r = decode_fields(lj, l, layer_fields, N_FIELDS(layer_fields), path, err);
		if (r < 0)
			return r;

		rules = cJSON_GetObjectItemCaseSensitive(lj, "rules");
		if (!cJSON_IsArray(rules))
			return field_error(err, path, "rules", rules ? "not an array" : "missing");
		nr = cJSON_GetArraySize(rules);
		if ((uint32_t)nr != l->nr_rules)
			return proto_fail(err, PROTO_ERR_PARSE, "%s.nr_rules: %u, but %d rules follow",
				    path, l->nr_rules, nr);
		if ((uint32_t)nr > SCXD_MAX_RULES - next_rule)
			return proto_fail(err, PROTO_ERR_PARSE, "%s.rules: more than %d rules in all",
				    path, SCXD_MAX_RULES);
		l->first_rule = next_rule;
		for (int k = 0; k < nr; k++) {
			char *dst = s->rules[next_rule++];

			rj = cJSON_GetArrayItem(rules, k);
			if (!cJSON_IsString(rj))
				return proto_fail(err, PROTO_ERR_PARSE, "%s.rules[%d]: not a string", path, k);
			if (strlen(rj->valuestring) >= PROTO_RULE_LEN)
				return proto_fail(err, PROTO_ERR_PARSE, "%s.rules[%d]: too long", path, k);
			strcpy(dst, rj->valuestring);
		}
	}

	/* 0.2: absent from a 0.1 daemon. */
	x = cJSON_GetObjectItemCaseSensitive(j, "changes");
	if (x) {
		const cJSON *c;

		if (!cJSON_IsArray(x))
			return field_error(err, "", "changes", "not an array");
		cJSON_ArrayForEach(c, x) {
			if (s->nr_changes == PROTO_MAX_CHANGES)
				break;
			if (!cJSON_IsString(c) || strlen(c->valuestring) >= PROTO_CHANGE_LEN)
				return proto_fail(err, PROTO_ERR_PARSE, "changes[%u]: not a string that fits",
					    s->nr_changes);
			strcpy(s->changes[s->nr_changes++], c->valuestring);
		}
	}
	/* 0.4: absent from an older daemon. */
	if (cJSON_GetObjectItemCaseSensitive(j, "rivals"))
		return decode_array(j, "rivals", s->rivals, sizeof(s->rivals[0]), PROTO_MAX_RIVALS,
				    rival_fields, N_FIELDS(rival_fields), &s->nr_rivals, err);
	return 0;
}

/* ---- the topology result ----------------------------------------------- */

const char *proto_topo_source_name(uint32_t source)
{
	switch (source) {
	case SCXD_TOPO_CID:	return "cid";
	case SCXD_TOPO_KERNEL:	return "kernel";
	case SCXD_TOPO_SYSFS:	return "sysfs";
	}
	return "none";
}

#define T(m, k, t)	FIELD(struct proto_topology, NULL, m, k, t)
static const struct field topology_fields[] = {
	T(source,	"source",	F_STR),
	T(nr_cpus,	"nr_cpus",	F_U32),
	T(nr_llcs,	"nr_llcs",	F_U32),
};
#undef T

#define C(m, k, t)	FIELD(struct proto_topology_cpu, NULL, m, k, t)
static const struct field topology_cpu_fields[] = {
	C(cpu,		"cpu",		F_U32),
	C(online,	"online",	F_BOOL),
	C(llc,		"llc",		F_U32),
	C(llc_id,	"llc_id",	F_S32),
	C(node,		"node",		F_S32),
	C(llc_size,	"llc_size",	F_U32),
};
#undef C

#define C(m, k, t)	FIELD(struct proto_topology_llc, NULL, m, k, t)
static const struct field topology_llc_fields[] = {
	C(index,	"index",	F_U32),
	C(id,		"id",		F_S32),
	C(cpus,		"cpus",		F_CPUS),
};
#undef C

static const struct doc_array topology_arrays[] = {
	DOC_ARRAY(struct proto_topology, "cpus", cpus, nr_cpus, "CPUs", topology_cpu_fields),
	DOC_ARRAY(struct proto_topology, "llcs", llcs, nr_llcs, "LLCs", topology_llc_fields),
};

cJSON *proto_topology_encode(const struct proto_topology *t)
{
	return encode_doc(t, topology_fields, N_FIELDS(topology_fields), topology_arrays,
			  N_FIELDS(topology_arrays));
}

int proto_topology_decode(const cJSON *j, struct proto_topology *t, struct proto_error *err)
{
	int r;

	memset(t, 0, sizeof(*t));
	r = decode_doc(j, t, "topology", topology_fields, N_FIELDS(topology_fields),
		       topology_arrays, N_FIELDS(topology_arrays), err);
	if (r < 0)
		return r;
	/* Entries in order, each in range. */
	for (uint32_t i = 0; i < t->nr_cpus; i++) {
		const struct proto_topology_cpu *c = &t->cpus[i];

		if (c->cpu >= SCXD_MAX_CPUS || (i && c->cpu <= t->cpus[i - 1].cpu))
			return proto_fail(err, PROTO_ERR_PARSE, "cpus[%u].cpu: %u %s", i, c->cpu,
				    c->cpu >= SCXD_MAX_CPUS ? "out of range" : "not ascending");
		if (c->llc >= SCXD_MAX_LLCS)
			return proto_fail(err, PROTO_ERR_PARSE, "cpus[%u].llc: %u out of range", i, c->llc);
	}

	for (uint32_t i = 0; i < t->nr_llcs; i++) {
		uint32_t idx = t->llcs[i].index;

		if (idx >= SCXD_MAX_LLCS || (i && idx <= t->llcs[i - 1].index))
			return proto_fail(err, PROTO_ERR_PARSE, "llcs[%u].index: %u %s", i, idx,
				    idx >= SCXD_MAX_LLCS ? "out of range" : "not ascending");
	}
	return 0;
}

/* ---- the processes result ---------------------------------------------- */

#define P(m, k, t)	FIELD(struct proto_process, NULL, m, k, t)
static const struct field process_fields[] = {
	P(pid,		"pid",		F_S32),
	P(ppid,		"ppid",		F_S32),
	P(uid,		"uid",		F_U32),
	P(gid,		"gid",		F_U32),
	P(nice,		"nice",		F_S32),
	P(kthread,	"kthread",	F_BOOL),
	P(comm,		"comm",		F_STR),
	P(cgroup,	"cgroup",	F_STR),
	P(layer,	"layer",	F_STR),
	P(threads,	"threads",	F_U32),
	P(served_latency, "served_latency", F_U32),
	P(wakeups,	"wakeups",	F_U64),
	P(cpu_ns,	"cpu_ns",	F_U64),
	P(runs,		"runs",		F_U64),
	P(short_runs,	"short_runs",	F_U64),
};
#undef P

static const struct field processes_fields[] = {
	FIELD(struct proto_processes, NULL, short_run_us, "short_run_us", F_U64),
	FIELD(struct proto_processes, NULL, nr_processes, "nr_processes", F_U32),
	FIELD(struct proto_processes, NULL, left_out, "left_out", F_U32),
};

static const struct doc_array processes_arrays[] = {
	DOC_ARRAY(struct proto_processes, "processes", processes, nr_processes, "processes",
		  process_fields),
};

cJSON *proto_processes_encode(const struct proto_processes *p)
{
	return encode_doc(p, processes_fields, N_FIELDS(processes_fields), processes_arrays,
			  N_FIELDS(processes_arrays));
}

int proto_processes_decode(const cJSON *j, struct proto_processes *p, struct proto_error *err)
{
	memset(p, 0, sizeof(*p));
	return decode_doc(j, p, "processes", processes_fields, N_FIELDS(processes_fields),
			  processes_arrays, N_FIELDS(processes_arrays), err);
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
		return proto_fail(err, PROTO_ERR_PARSE, "version: not an object");
	return decode_fields(j, v, fields, N_FIELDS(fields), "", err);
}

int proto_result_decode(enum proto_method_id m, const cJSON *j, void *out,
			struct proto_error *err)
{
	switch (m) {
	case PROTO_METHOD_STATUS:	return proto_status_decode(j, out, err);
	case PROTO_METHOD_TOPOLOGY:	return proto_topology_decode(j, out, err);
	case PROTO_METHOD_VERSION:	return proto_version_decode(j, out, err);
	case PROTO_METHOD_PROCESSES:	return proto_processes_decode(j, out, err);
	default:
		memset(err, 0, sizeof(*err));
		proto_fail(err, PROTO_ERR_INTERNAL, "no decoder for \"%s\"",
		     m < PROTO_NR_METHODS ? proto_methods[m].name : "?");
		return -EINVAL;
	}
}
