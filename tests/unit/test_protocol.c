/* test_protocol.c - the control protocol codec (lib/protocol.c). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"
#include "test.h"

/* Parse a NUL-terminated line; returns the error code (0 when accepted). */
static int parse_code(const char *line, struct proto_request *req, struct proto_error *err)
{
	int r = proto_request_parse(line, strlen(line), req, err);

	return r < 0 ? err->code : 0;
}

static int code_of(const char *line)
{
	struct proto_request req;
	struct proto_error err;
	int code = parse_code(line, &req, &err);

	proto_request_done(&req);
	return code;
}

TEST(a_well_formed_request_yields_id_method_params_and_version)
{
	struct proto_request req;
	struct proto_error err;
	int code = parse_code("{\"jsonrpc\":\"2.0\",\"id\":7,\"proto\":1,\"method\":\"status\","
			      "\"params\":{\"layer\":\"batch\"}}", &req, &err);

	CHECK_INT(code, 0);
	CHECK_STR(req.method, "status");
	CHECK(cJSON_IsNumber(req.id));
	CHECK_INT(req.id->valueint, 7);
	CHECK_INT(req.proto, 1);
	CHECK(cJSON_IsObject(req.params));
	CHECK_STR(cJSON_GetObjectItem(req.params, "layer")->valuestring, "batch");
	proto_request_done(&req);
}

TEST(a_request_without_proto_or_params_is_taken_as_the_current_version)
{
	struct proto_request req;
	struct proto_error err;
	int code = parse_code("  {\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"version\"}  \r",
			      &req, &err);

	CHECK_INT(code, 0);
	CHECK(cJSON_IsString(req.id));
	CHECK_STR(req.id->valuestring, "abc");
	CHECK(req.params == NULL);
	CHECK_INT(req.proto, SCXD_PROTO_VERSION);
	proto_request_done(&req);
}

TEST(a_request_is_read_within_its_length_without_a_terminating_nul)
{
	static const char text[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}";
	size_t len = sizeof(text) - 1;
	char *line = malloc(len);	/* exactly the bytes: valgrind sees any over-read */
	struct proto_request req;
	struct proto_error err;
	int r;

	CHECK(line);
	memcpy(line, text, len);
	r = proto_request_parse(line, len, &req, &err);
	free(line);
	CHECK_INT(r, 0);
	proto_request_done(&req);
}

TEST(text_that_is_not_json_is_a_parse_error)
{
	CHECK_INT(code_of("status please"), PROTO_ERR_PARSE);
	CHECK_INT(code_of(""), PROTO_ERR_PARSE);
	CHECK_INT(code_of("{\"jsonrpc\" \"2.0\"}"), PROTO_ERR_PARSE);
}

TEST(a_truncated_request_is_a_parse_error)
{
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sta"), PROTO_ERR_PARSE);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\""), PROTO_ERR_PARSE);
}

TEST(two_values_on_one_line_are_a_parse_error)
{
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"} {}"), PROTO_ERR_PARSE);
}

TEST(an_embedded_nul_byte_is_a_parse_error_even_after_valid_json)
{
	static const char line[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}\0junk";
	struct proto_request req;
	struct proto_error err;
	int r = proto_request_parse(line, sizeof(line) - 1, &req, &err);

	CHECK_INT(r, -EBADMSG);
	CHECK_INT(err.code, PROTO_ERR_PARSE);
	CHECK_CONTAINS(err.message, "NUL");
	proto_request_done(&req);
}

TEST(a_request_over_the_size_limit_is_too_large_before_anything_else)
{
	size_t n = PROTO_MAX_REQUEST + 100;
	char *line = malloc(n);
	struct proto_request req;
	struct proto_error err;
	int r;

	CHECK(line);
	memset(line, ' ', n);
	line[0] = '\0';		/* would be a parse error if looked at */
	r = proto_request_parse(line, n, &req, &err);
	free(line);
	proto_request_done(&req);
	CHECK_INT(r, -E2BIG);
	CHECK_INT(err.code, PROTO_ERR_TOO_LARGE);
}

TEST(a_request_of_exactly_the_limit_including_its_newline_is_accepted)
{
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"pad\":\"";
	size_t len = PROTO_MAX_REQUEST - 1;	/* + '\n' = the limit */
	char *line = malloc(len + 1);
	struct proto_request req;
	struct proto_error err;
	int r;

	CHECK(line);
	memset(line, 'x', len);
	memcpy(line, head, sizeof(head) - 1);
	memcpy(line + len - 2, "\"}", 2);
	line[len] = '\0';
	r = proto_request_parse(line, len, &req, &err);
	proto_request_done(&req);
	CHECK_INT(r, 0);
	r = proto_request_parse(line, len + 1, &req, &err);	/* one more byte */
	proto_request_done(&req);
	free(line);
	CHECK_INT(err.code, PROTO_ERR_TOO_LARGE);
}

TEST(json_that_is_not_an_object_is_an_invalid_request)
{
	CHECK_INT(code_of("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}]"),
		  PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("\"status\""), PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("42"), PROTO_ERR_INVALID_REQUEST);
}

TEST(a_missing_or_non_string_method_is_an_invalid_request)
{
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1}"), PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}"), PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":null}"), PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}"), PROTO_ERR_INVALID_REQUEST);
}

TEST(an_id_that_is_missing_or_neither_number_nor_string_is_an_invalid_request)
{
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"method\":\"status\"}"), PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
}

TEST(a_missing_or_wrong_jsonrpc_member_is_an_invalid_request)
{
	CHECK_INT(code_of("{\"id\":1,\"method\":\"status\"}"), PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":2,\"id\":1,\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
}

TEST(params_that_are_not_an_object_are_invalid_params_with_the_request_known)
{
	struct proto_request req;
	struct proto_error err;
	int code = parse_code("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"status\",\"params\":[1,2]}",
			      &req, &err);

	CHECK_INT(code, PROTO_ERR_INVALID_PARAMS);
	/* The server still needs these to check the method and the caller. */
	CHECK_STR(req.method, "status");
	CHECK(req.id && req.id->valueint == 3);
	proto_request_done(&req);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"status\",\"params\":\"x\"}"),
		  PROTO_ERR_INVALID_PARAMS);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"status\",\"params\":null}"),
		  PROTO_ERR_INVALID_PARAMS);
}

TEST(a_proto_newer_than_the_daemon_is_an_unsupported_version)
{
	struct proto_request req;
	struct proto_error err;
	static const char line[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"proto\":2,\"method\":\"status\"}";
	int r = proto_request_parse(line, strlen(line), &req, &err);

	CHECK_INT(r, -EPROTONOSUPPORT);
	CHECK_INT(err.code, PROTO_ERR_VERSION);
	CHECK(req.id != NULL);
	proto_request_done(&req);
}

TEST(a_proto_that_is_not_a_positive_integer_is_an_invalid_request)
{
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"proto\":0,\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"proto\":1.5,\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
	CHECK_INT(code_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"proto\":\"1\",\"method\":\"status\"}"),
		  PROTO_ERR_INVALID_REQUEST);
}

TEST(an_error_after_the_id_was_read_keeps_the_id_for_the_reply)
{
	struct proto_request req;
	struct proto_error err;
	char *line;
	int code = parse_code("{\"jsonrpc\":\"2.0\",\"id\":\"q9\"}", &req, &err);

	CHECK_INT(code, PROTO_ERR_INVALID_REQUEST);
	line = proto_response_error(req.id, err.code, err.message);
	proto_request_done(&req);
	CHECK(line);
	CHECK_CONTAINS(line, "\"id\":\"q9\"");
	CHECK_CONTAINS(line, "\"code\":-32600");
	free(line);
}

TEST(a_built_request_parses_back_with_the_current_version)
{
	cJSON *params = cJSON_CreateObject();
	struct proto_request req;
	struct proto_error err;
	char *line;
	size_t n;
	int r;

	cJSON_AddStringToObject(params, "layer", "batch");
	line = proto_request_build(42, "status", params);
	CHECK(line);
	n = strlen(line);
	CHECK(n > 0 && line[n - 1] == '\n');
	CHECK(memchr(line, '\n', n - 1) == NULL);
	r = proto_request_parse(line, n - 1, &req, &err);
	free(line);
	CHECK_INT(r, 0);
	CHECK_STR(req.method, "status");
	CHECK_INT(req.id->valueint, 42);
	CHECK_INT(req.proto, SCXD_PROTO_VERSION);
	CHECK_STR(cJSON_GetObjectItem(req.params, "layer")->valuestring, "batch");
	proto_request_done(&req);
}

TEST(a_result_response_round_trips_with_its_id)
{
	cJSON *id = cJSON_CreateNumber(5), *res = cJSON_CreateObject(), *got = NULL;
	struct proto_error err;
	char *line;
	int r;

	cJSON_AddNumberToObject(res, "answer", 42);
	line = proto_response_result(id, res);
	cJSON_Delete(id);
	CHECK(line);
	CHECK(line[strlen(line) - 1] == '\n');
	CHECK_CONTAINS(line, "\"id\":5");
	r = proto_response_parse(line, &got, &err);
	free(line);
	CHECK_INT(r, 0);
	CHECK(cJSON_IsObject(got));
	CHECK_INT(cJSON_GetObjectItem(got, "answer")->valueint, 42);
	cJSON_Delete(got);
}

TEST(a_null_result_is_sent_as_an_empty_object)
{
	cJSON *got = NULL;
	struct proto_error err;
	char *line = proto_response_result(NULL, NULL);
	int r;

	CHECK(line);
	CHECK_CONTAINS(line, "\"id\":null");
	r = proto_response_parse(line, &got, &err);
	free(line);
	CHECK_INT(r, 0);
	CHECK(cJSON_IsObject(got) && got->child == NULL);
	cJSON_Delete(got);
}

TEST(an_error_response_round_trips_code_fixed_message_and_detail)
{
	cJSON *got = NULL;
	struct proto_error err;
	char *line = proto_response_error(NULL, PROTO_ERR_PERMISSION, "\"reload\" needs root");
	int r;

	CHECK(line);
	CHECK_CONTAINS(line, "\"message\":\"permission denied\"");
	r = proto_response_parse(line, &got, &err);
	free(line);
	CHECK_INT(r, -EREMOTEIO);
	CHECK(got == NULL);
	CHECK_INT(err.code, PROTO_ERR_PERMISSION);
	CHECK_STR(err.message, "\"reload\" needs root");
}

TEST(an_error_response_without_detail_has_an_empty_detail)
{
	cJSON *got = NULL;
	struct proto_error err;
	char *line = proto_response_error(NULL, PROTO_ERR_BUSY, NULL);
	int r;

	CHECK(line);
	CHECK(strstr(line, "\"data\"") == NULL);
	r = proto_response_parse(line, &got, &err);
	free(line);
	CHECK_INT(r, -EREMOTEIO);
	CHECK_INT(err.code, PROTO_ERR_BUSY);
	CHECK_STR(err.message, "");
}

TEST(an_unknown_error_code_from_a_newer_daemon_keeps_its_message)
{
	cJSON *got = NULL;
	struct proto_error err;
	int r = proto_response_parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":"
				     "{\"code\":99,\"message\":\"frobnicated\"}}", &got, &err);

	CHECK_INT(r, -EREMOTEIO);
	CHECK_INT(err.code, 99);
	CHECK_STR(err.message, "frobnicated");
	CHECK_STR(proto_error_message(99), "unknown error");
}

TEST(a_malformed_response_is_a_parse_error)
{
	static const char *const bad[] = {
		"garbage",
		"[]",
		"{\"id\":1,\"result\":{}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"1\"}}",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":5}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *got = NULL;
		struct proto_error err;
		int r = proto_response_parse(bad[i], &got, &err);

		if (r != -EBADMSG || err.code != PROTO_ERR_PARSE || got)
			printf("  accepted: %s\n", bad[i]);
		cJSON_Delete(got);
		CHECK_INT(r, -EBADMSG);
		CHECK_INT(err.code, PROTO_ERR_PARSE);
	}
}

TEST(every_error_code_has_its_own_fixed_message)
{
	static const int codes[] = {
		PROTO_ERR_PARSE, PROTO_ERR_INVALID_REQUEST, PROTO_ERR_METHOD_NOT_FOUND,
		PROTO_ERR_INVALID_PARAMS, PROTO_ERR_INTERNAL, PROTO_ERR_PERMISSION,
		PROTO_ERR_NOT_FOUND, PROTO_ERR_TOO_LARGE, PROTO_ERR_VERSION,
		PROTO_ERR_INVALID_CONFIG, PROTO_ERR_BUSY,
	};
	size_t n = sizeof(codes) / sizeof(codes[0]);

	for (size_t i = 0; i < n; i++) {
		CHECK(strcmp(proto_error_message(codes[i]), "unknown error"));
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(proto_error_message(codes[i]), proto_error_message(codes[k])));
	}
}

TEST(handler_errnos_map_to_the_documented_codes)
{
	CHECK_INT(proto_code_from_errno(-EPERM), PROTO_ERR_PERMISSION);
	CHECK_INT(proto_code_from_errno(-ENOENT), PROTO_ERR_NOT_FOUND);
	CHECK_INT(proto_code_from_errno(-EINVAL), PROTO_ERR_INVALID_PARAMS);
	CHECK_INT(proto_code_from_errno(-EBUSY), PROTO_ERR_BUSY);
	CHECK_INT(proto_code_from_errno(-EBADMSG), PROTO_ERR_INVALID_CONFIG);
	CHECK_INT(proto_code_from_errno(-EIO), PROTO_ERR_INTERNAL);
	CHECK_INT(proto_code_from_errno(-ENOMEM), PROTO_ERR_INTERNAL);
}

TEST(status_version_and_topology_are_declared_read_only)
{
	CHECK_INT(proto_method_find("status"), PROTO_METHOD_STATUS);
	CHECK_INT(proto_methods[PROTO_METHOD_STATUS].access, PROTO_ACCESS_READ);
	CHECK_INT(proto_methods[proto_method_find("version")].access, PROTO_ACCESS_READ);
	CHECK_INT(proto_methods[proto_method_find("topology")].access, PROTO_ACCESS_READ);
	/* Added without a version bump: a version-1 request may call it. */
	CHECK_INT(proto_methods[PROTO_METHOD_TOPOLOGY].since, 1);
	CHECK_INT(proto_method_find("frobnicate"), -ENOENT);
	CHECK_INT(proto_method_find(NULL), -ENOENT);
}

TEST(every_method_id_has_a_unique_name_and_a_known_access_class)
{
	for (int i = 0; i < PROTO_NR_METHODS; i++) {
		const struct proto_method *m = &proto_methods[i];

		CHECK(m->name && m->name[0]);
		CHECK_INT(proto_method_find(m->name), i);
		CHECK(m->access == PROTO_ACCESS_READ || m->access == PROTO_ACCESS_SELF ||
		      m->access == PROTO_ACCESS_ADMIN);
		CHECK(m->since >= 1 && m->since <= SCXD_PROTO_VERSION);
	}
	/* The pins are the only methods any user may call to change things. */
	CHECK_INT(proto_methods[PROTO_METHOD_RUN].access, PROTO_ACCESS_SELF);
	CHECK_INT(proto_methods[PROTO_METHOD_MOVE].access, PROTO_ACCESS_SELF);
	CHECK_INT(proto_methods[PROTO_METHOD_UNPIN].access, PROTO_ACCESS_SELF);
	CHECK_INT(proto_methods[PROTO_METHOD_SET_LAYER].access, PROTO_ACCESS_ADMIN);
	CHECK_INT(proto_methods[PROTO_METHOD_STOP].access, PROTO_ACCESS_ADMIN);
}

/* A status with every field set, layers using rules in order. */
static void sample_status(struct proto_status *s)
{
	memset(s, 0, sizeof(*s));
	s->proto = SCXD_PROTO_VERSION;
	strcpy(s->version, "0.1.0");
	strcpy(s->state, "enabled");
	strcpy(s->ops, "scxd");
	s->attached = true;
	strcpy(s->config, "/usr/lib/scxd/roles/desktop.ini");
	strcpy(s->role, "desktop");
	s->uptime_s = 3723;
	strcpy(s->socket, SCXD_SOCKET_PATH);
	strcpy(s->exit.kind, "error");
	s->exit.code = -22;
	strcpy(s->exit.reason, "scx_bpf_error");
	strcpy(s->exit.msg, "runnable task stall (kworker/0:1[42] failed to run for 30.1s)");
	s->nr_layers = 3;
	for (uint32_t i = 0, rule = 0; i < s->nr_layers; i++) {
		struct proto_status_layer *l = &s->layers[i];

		snprintf(l->name, sizeof(l->name), "layer%u", i);
		l->index = i;
		strcpy(l->policy, i ? "throughput" : "latency");
		l->weight = 100 * (i + 1);
		l->slice_us = 3000 + i;
		l->tasks = 10 + i;
		l->first_rule = rule;
		l->nr_rules = i;	/* 0, 1, 2 rules */
		for (uint32_t k = 0; k < l->nr_rules; k++, rule++)
			snprintf(s->rules[rule], PROTO_RULE_LEN, "comm == \"job%u.%u\" && uid >= 1000", i, k);
		l->enqueues = 1234567890123ULL + i;
		l->dispatches = 9007199254740992ULL;	/* 2^53, the exact limit */
		l->direct = i;
		strcpy(l->kind, i == 1 ? "confined" : "open");
		l->preempt = i == 0;
		l->users = i == 1;
		l->cpus_min = i;
		l->cpus_max = i ? 4 * i : 0;
		l->llcs = i == 2 ? 0x3 : 0;		/* "0-1", or "auto" */
		l->owned.bits[0] = 0x4fULL << (4 * i);	/* "0-3,6" for layer 0 */
		l->owned.bits[SCXD_CPUMASK_WORDS - 1] = (uint64_t)i << 62;	/* CPU 510, 511 */
		l->nr_owned = 5 + (i != 0);
		l->nr_span = 8 * (i + 1);
		l->cpu_ns = 4000000000000ULL * (i + 1);
		l->preemptions = 11 + i;
		l->migrations = 22 + i;
		l->xllc_migrations = 3 + i;
		l->steals = 44 + i;
		l->wakeups = 55 + i;
		l->rescues = i;
		l->resumes = 66 + i;
		l->util = 1.25 + i / 3.0;		/* not a short decimal */
		l->lat_p50_us = 3.5 + i;
		l->lat_p99_us = 1536.123 * (i + 1);
		l->lat_samples = 100000 + i;
		for (uint32_t b = 0; b < SCXD_LAT_BUCKETS; b++)
			l->lat_hist[b] = b * 1000 + i;
		l->lat_hist[SCXD_LAT_BUCKETS - 1] = 9007199254740992ULL;
		l->lat_sum_ns = 123456789012ULL * (i + 1);
	}
	s->stats_interval_ms = 1000;
	s->nr_rivals = 2;
	strcpy(s->rivals[0].name, "sched_ext:rusty");
	strcpy(s->rivals[0].why, "another sched_ext scheduler is attached");
	strcpy(s->rivals[1].name, "ananicy-cpp");
	s->rivals[1].pid = 4242;
	strcpy(s->rivals[1].why, "renices \"by rules\"");
	s->nr_changes = 2;
	strcpy(s->changes[0], "- [layer.batch] weight = 100");
	strcpy(s->changes[1], "+ [layer.batch] weight = \"7\"");
}

/* 8 CPUs in 2 LLCs of 4 on one node, CPU 7 offline. */
static void sample_topology(struct proto_topology *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->source, proto_topo_source_name(SCXD_TOPO_KERNEL));
	t->nr_cpus = 8;
	t->nr_llcs = 2;
	for (uint32_t c = 0; c < t->nr_cpus; c++) {
		struct proto_topology_cpu *x = &t->cpus[c];

		x->cpu = c;
		x->online = c != 7;
		x->llc = c / 4;
		x->llc_id = c / 4 * 4;
		x->node = 0;
		x->llc_size = 4;
	}
	for (uint32_t i = 0; i < t->nr_llcs; i++) {
		t->llcs[i].index = i;
		t->llcs[i].id = i * 4;
		t->llcs[i].cpus.bits[0] = 0xfULL << (4 * i);
	}
}

/* @j as a client reads it off the socket: printed and parsed again. Frees @j. */
static cJSON *through_text(cJSON *j)
{
	char *text = j ? cJSON_PrintUnformatted(j) : NULL;

	cJSON_Delete(j);
	j = text ? cJSON_Parse(text) : NULL;
	cJSON_free(text);
	return j;
}

/* Decodes @j, a result of method @m, into @out and frees @j. Returns "ok",
 * the message of a parse error, or else what happened: a failed CHECK shows
 * what decoding said. */
static const char *decoded(enum proto_method_id m, cJSON *j, void *out)
{
	static struct proto_error err;
	static char other[80];
	int r = proto_result_decode(m, j, out, &err);

	cJSON_Delete(j);
	if (r == 0)
		return "ok";
	if (r == -EBADMSG && err.code == PROTO_ERR_PARSE)
		return err.message;
	snprintf(other, sizeof(other), "not a parse error: %d, code %d", r, err.code);
	return other;
}

/*
 * Sets what @path names ("exit.code", "layers[1].latency.p99_us",
 * "layers[2].rules[1]") in @j to the JSON text @json, or removes it when
 * @json is NULL; returns @j. A path that is not there changes nothing.
 */
static cJSON *set(cJSON *j, const char *path, const char *json)
{
	cJSON *parent = NULL, *cur = j;
	char name[64] = "";
	int index = -1;

	while (*path && cur) {
		parent = cur;
		if (*path == '[') {
			char *end;

			index = strtol(path + 1, &end, 10);
			path = end + (*end == ']');
			cur = cJSON_GetArrayItem(parent, index);
		} else {
			size_t n = strcspn(path, ".[");

			snprintf(name, sizeof(name), "%.*s", (int)n, path);
			index = -1;
			path += n;
			cur = cJSON_GetObjectItem(parent, name);
		}
		path += *path == '.';
	}
	if (!cur)
		return j;
	if (index >= 0 && json)
		cJSON_ReplaceItemInArray(parent, index, cJSON_Parse(json));
	else if (index >= 0)
		cJSON_DeleteItemFromArray(parent, index);
	else if (json)
		cJSON_ReplaceItemInObject(parent, name, cJSON_Parse(json));
	else
		cJSON_DeleteItemFromObject(parent, name);
	return j;
}

/* The sample status (or topology) with @path set to @json (see set()),
 * decoded: the message of the parse error that refuses it, if it does. */
static const char *status_error(const char *path, const char *json)
{
	static struct proto_status s;

	sample_status(&s);
	return decoded(PROTO_METHOD_STATUS, set(proto_status_encode(&s), path, json), &s);
}

static const char *topology_error(const char *path, const char *json)
{
	static struct proto_topology t;

	sample_topology(&t);
	return decoded(PROTO_METHOD_TOPOLOGY, set(proto_topology_encode(&t), path, json), &t);
}

TEST(a_status_survives_encode_and_decode_byte_for_byte)
{
	static struct proto_status in, out;

	sample_status(&in);
	memset(&out, 0xa5, sizeof(out));	/* decode must zero it */
	CHECK_STR(decoded(PROTO_METHOD_STATUS, proto_status_encode(&in), &out), "ok");
	CHECK(memcmp(&in, &out, sizeof(in)) == 0);
}

TEST(a_status_without_exit_or_layers_round_trips_with_exit_null)
{
	static struct proto_status in, out;
	cJSON *j;

	memset(&in, 0, sizeof(in));
	strcpy(in.state, "disabled");
	j = proto_status_encode(&in);
	CHECK(j);
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "exit")));
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(j, "layers")), 0);
	/* Through text, as the client sees it. */
	CHECK_STR(decoded(PROTO_METHOD_STATUS, through_text(j), &out), "ok");
	CHECK(memcmp(&in, &out, sizeof(in)) == 0);
}

TEST(a_status_field_of_the_wrong_type_is_named_in_the_error)
{
	CHECK_CONTAINS(status_error("layers[1].weight", "\"100\""), "layers[1].weight");
	CHECK_CONTAINS(status_error("attached", "1"), "attached");
	CHECK_CONTAINS(status_error("layers[2].rules[1]", "7"), "layers[2].rules[1]");
	CHECK_CONTAINS(status_error("exit.code", "1.5"), "exit.code");
}

TEST(a_missing_status_field_is_named_in_the_error)
{
	const char *message = status_error("layers[2].counters.enqueues", NULL);

	CHECK_CONTAINS(message, "layers[2].counters.enqueues");
	CHECK_CONTAINS(message, "missing");
}

TEST(a_status_value_out_of_range_or_too_long_is_named_in_the_error)
{
	char role[PROTO_STR_LEN + 3];	/* "rrr...r", one r more than fits */

	memset(role, 'r', sizeof(role) - 1);
	role[0] = role[sizeof(role) - 2] = '"';
	role[sizeof(role) - 1] = '\0';
	CHECK_CONTAINS(status_error("uptime_s", "-1"), "uptime_s");
	CHECK_CONTAINS(status_error("role", role), "role: too long");
	CHECK_CONTAINS(status_error("layers[1].nr_rules", "5"), "layers[1].nr_rules");
}

TEST(a_status_with_more_layers_than_the_limit_is_rejected)
{
	static struct proto_status s;
	cJSON *j, *layers;

	sample_status(&s);
	j = proto_status_encode(&s);
	CHECK(j);
	layers = cJSON_GetObjectItem(j, "layers");
	while (cJSON_GetArraySize(layers) <= SCXD_MAX_LAYERS)
		cJSON_AddItemToArray(layers, cJSON_Duplicate(cJSON_GetArrayItem(layers, 0), true));
	CHECK_CONTAINS(decoded(PROTO_METHOD_STATUS, j, &s), "layers");
}

TEST(encoding_cuts_an_unterminated_string_instead_of_overrunning_it)
{
	static struct proto_status in, out;

	sample_status(&in);
	memset(in.role, 'x', sizeof(in.role));	/* no NUL */
	CHECK_STR(decoded(PROTO_METHOD_STATUS, proto_status_encode(&in), &out), "ok");
	CHECK_INT(strlen(out.role), sizeof(out.role) - 1);
}

static const cJSON *item(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

TEST(a_layer_is_sent_with_its_cpus_as_lists_and_its_latency_as_an_object)
{
	static struct proto_status in;
	const cJSON *l0, *l2, *lat, *cnt;
	cJSON *j;

	sample_status(&in);
	j = proto_status_encode(&in);
	CHECK(j);
	l0 = cJSON_GetArrayItem(item(j, "layers"), 0);
	l2 = cJSON_GetArrayItem(item(j, "layers"), 2);
	CHECK_INT(item(j, "stats_interval_ms")->valuedouble, 1000);
	CHECK_STR(item(l0, "kind")->valuestring, "open");
	CHECK(cJSON_IsTrue(item(l0, "preempt")));
	CHECK_STR(item(l0, "owned")->valuestring, "0-3,6");
	CHECK_INT(item(l0, "nr_owned")->valuedouble, 5);
	CHECK_INT(item(l0, "nr_span")->valuedouble, 8);
	CHECK_STR(item(l0, "llcs")->valuestring, "auto");
	CHECK_STR(item(l2, "llcs")->valuestring, "0-1");
	CHECK(item(l0, "util")->valuedouble == 1.25);
	cnt = item(l0, "counters");
	CHECK_INT(item(cnt, "cpu_ns")->valuedouble, 4000000000000LL);
	CHECK_INT(item(cnt, "preemptions")->valuedouble, 11);
	CHECK_INT(item(cnt, "migrations")->valuedouble, 22);
	CHECK_INT(item(cnt, "xllc_migrations")->valuedouble, 3);
	CHECK_INT(item(cnt, "steals")->valuedouble, 44);
	CHECK_INT(item(cnt, "rescues")->valuedouble, 0);
	lat = item(l0, "latency");
	CHECK(cJSON_IsObject(lat));
	CHECK(item(lat, "p50_us")->valuedouble == 3.5);
	CHECK(item(lat, "p99_us")->valuedouble == 1536.123);
	CHECK_INT(item(lat, "samples")->valuedouble, 100000);
	cJSON_Delete(j);
}

/* What a scxd 0.1 daemon sends: none of the fields added in 0.2. */
static void strip_0_2_fields(cJSON *j)
{
	static const char *const top[] = {
		"kind", "preempt", "users", "cpus_min", "cpus_max", "llcs", "nr_owned", "nr_span",
		"owned", "util", "latency",
	};
	static const char *const counters[] = {
		"cpu_ns", "preemptions", "migrations", "xllc_migrations", "steals", "rescues",
		"wakeups", "resumes", "shortened", "kept", "kernel_picks", "busy",
	};
	cJSON *l;

	cJSON_DeleteItemFromObject(j, "stats_interval_ms");
	cJSON_DeleteItemFromObject(j, "changes");
	cJSON_ArrayForEach(l, cJSON_GetObjectItem(j, "layers")) {
		for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
			cJSON_DeleteItemFromObject(l, top[i]);
		for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
			cJSON_DeleteItemFromObject(cJSON_GetObjectItem(l, "counters"), counters[i]);
	}
}

TEST(a_status_from_a_0_1_daemon_decodes_with_the_new_fields_zero)
{
	static struct proto_status in, out;
	cJSON *j;

	sample_status(&in);
	j = proto_status_encode(&in);
	CHECK(j);
	strip_0_2_fields(j);
	CHECK_STR(decoded(PROTO_METHOD_STATUS, j, &out), "ok");
	CHECK_STR(out.layers[2].name, "layer2");
	CHECK_INT(out.layers[2].enqueues, 1234567890125LL);
	CHECK_STR(out.layers[2].kind, "");
	CHECK_INT(out.layers[2].nr_owned, 0);
	CHECK_INT(out.layers[2].cpu_ns, 0);
	CHECK_INT(out.layers[2].lat_samples, 0);
	CHECK(out.layers[2].util == 0);
	CHECK_INT(out.stats_interval_ms, 0);
}

TEST(a_status_from_a_0_3_daemon_decodes_without_the_latency_histogram_or_rivals)
{
	static struct proto_status in, out;
	cJSON *j, *l;

	sample_status(&in);
	j = proto_status_encode(&in);
	CHECK(j);
	cJSON_ArrayForEach(l, cJSON_GetObjectItem(j, "layers")) {
		cJSON_DeleteItemFromObject(cJSON_GetObjectItem(l, "latency"), "hist");
		cJSON_DeleteItemFromObject(cJSON_GetObjectItem(l, "latency"), "sum_ns");
	}
	cJSON_DeleteItemFromObject(j, "rivals");
	CHECK_STR(decoded(PROTO_METHOD_STATUS, j, &out), "ok");
	CHECK_INT(out.layers[1].lat_samples, 100001);
	CHECK_INT(out.nr_rivals, 0);
	CHECK_INT(out.layers[1].lat_hist[3], 0);
	CHECK_INT(out.layers[1].lat_sum_ns, 0);
}

TEST(a_new_status_field_that_is_present_but_wrong_is_still_an_error)
{
	static const struct {
		const char *path, *json, *names;
	} cases[] = {
		{ "layers[1].owned", "\"0-3,,6\"", "layers[1].owned: not a CPU list" },
		{ "layers[0].owned", "\"0-512\"", "layers[0].owned: index out of range" },
		{ "layers[0].llcs", "\"\"", "layers[0].llcs" },
		{ "layers[0].llcs", "\"1,64\"", "layers[0].llcs: index out of range" },
		{ "layers[2].util", "-0.5", "layers[2].util" },
		{ "layers[1].latency", "3", "layers[1].latency: not an object" },
		{ "layers[1].latency.p99_us", "\"fast\"", "layers[1].latency.p99_us" },
		{ "layers[0].preempt", "1", "layers[0].preempt: not a boolean" },
		{ "layers[0].latency.hist", "[1,2,3]",
		  "layers[0].latency.hist: not an array of the right length" },
		{ "layers[2].latency.hist[5]", "-1",
		  "layers[2].latency.hist: holds what is not an unsigned integer" },
		{ "layers[1].latency.sum_ns", "1.5", "layers[1].latency.sum_ns" },
		{ "rivals[1].pid", "\"4242\"", "rivals[1].pid: not a 32-bit integer" },
		{ "rivals", "{}", "rivals: not an array" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_CONTAINS(status_error(cases[i].path, cases[i].json), cases[i].names);
}

TEST(a_util_or_latency_that_is_not_finite_is_sent_as_zero)
{
	static struct proto_status in, out;

	sample_status(&in);
	in.layers[0].util = NAN;
	in.layers[1].lat_p99_us = INFINITY;
	in.layers[2].lat_p50_us = -1;
	CHECK_STR(decoded(PROTO_METHOD_STATUS, through_text(proto_status_encode(&in)), &out), "ok");
	CHECK(out.layers[0].util == 0);
	CHECK(out.layers[1].lat_p99_us == 0);
	CHECK(out.layers[2].lat_p50_us == 0);
}

TEST(a_counter_past_2_to_the_53_decodes_rounded_instead_of_failing)
{
	static struct proto_status in, out;

	/* cpu_ns of a big machine passes 2^53 within hours of attaching. */
	sample_status(&in);
	in.layers[0].cpu_ns = (1ULL << 60) + 1;
	in.layers[1].cpu_ns = UINT64_MAX;
	CHECK_STR(decoded(PROTO_METHOD_STATUS, proto_status_encode(&in), &out), "ok");
	CHECK(out.layers[0].cpu_ns == 1ULL << 60);
	/* Its double is 2^64, one past the largest u64: read as that. */
	CHECK(out.layers[1].cpu_ns == UINT64_MAX);
}

/* ---- topology ---- */

TEST(a_topology_survives_encode_and_decode_byte_for_byte)
{
	static struct proto_topology in, out;

	sample_topology(&in);
	in.cpus[3].node = -1;			/* unknown */
	memset(&out, 0xa5, sizeof(out));
	CHECK_STR(decoded(PROTO_METHOD_TOPOLOGY, through_text(proto_topology_encode(&in)), &out),
		  "ok");
	CHECK(memcmp(&in, &out, sizeof(in)) == 0);
}

TEST(the_processes_result_survives_encode_and_decode_byte_for_byte)
{
	static struct proto_processes in, out;
	cJSON *j;

	memset(&in, 0, sizeof(in));
	in.short_run_us = SCXD_SHORT_RUN_NS / 1000;
	in.left_out = 3;
	in.nr_processes = 2;
	in.processes[0] = (struct proto_process){ .pid = 300, .ppid = 1, .uid = 1000, .gid = 100,
		.nice = -5, .comm = "frameloop", .cgroup = "/user.slice/app", .layer = "default",
		.threads = 3, .served_latency = 1, .wakeups = 10000, .cpu_ns = 5000000000ULL,
		.runs = 9000, .short_runs = 8800 };
	in.processes[1] = (struct proto_process){ .pid = 2, .kthread = true, .comm = "kthreadd",
		.cgroup = "/", .layer = "default", .threads = 1 };
	memset(&out, 0xa5, sizeof(out));
	CHECK_STR(decoded(PROTO_METHOD_PROCESSES, through_text(proto_processes_encode(&in)), &out),
		  "ok");
	CHECK(memcmp(&in, &out, sizeof(in)) == 0);
	/* The count must say how many follow. */
	j = proto_processes_encode(&in);
	CHECK(j);
	cJSON_ReplaceItemInObject(j, "nr_processes", cJSON_CreateNumber(3));
	CHECK_CONTAINS(decoded(PROTO_METHOD_PROCESSES, j, &out), "nr_processes: 3, but 2 processes follow");
}

TEST(a_topology_is_sent_as_documented)
{
	static struct proto_topology t;
	const cJSON *c7, *l1;
	cJSON *j;

	sample_topology(&t);
	j = proto_topology_encode(&t);
	CHECK(j);
	CHECK_STR(item(j, "source")->valuestring, "kernel");
	CHECK_INT(item(j, "nr_cpus")->valuedouble, 8);
	CHECK_INT(item(j, "nr_llcs")->valuedouble, 2);
	CHECK_INT(cJSON_GetArraySize(item(j, "cpus")), 8);
	c7 = cJSON_GetArrayItem(item(j, "cpus"), 7);
	CHECK_INT(item(c7, "cpu")->valuedouble, 7);
	CHECK(cJSON_IsFalse(item(c7, "online")));
	CHECK_INT(item(c7, "llc")->valuedouble, 1);
	CHECK_INT(item(c7, "llc_id")->valuedouble, 4);
	CHECK_INT(item(c7, "node")->valuedouble, 0);
	CHECK_INT(item(c7, "llc_size")->valuedouble, 4);
	l1 = cJSON_GetArrayItem(item(j, "llcs"), 1);
	CHECK_INT(item(l1, "index")->valuedouble, 1);
	CHECK_INT(item(l1, "id")->valuedouble, 4);
	CHECK_STR(item(l1, "cpus")->valuestring, "4-7");
	cJSON_Delete(j);
}

TEST(topology_sources_have_names)
{
	CHECK_STR(proto_topo_source_name(SCXD_TOPO_CID), "cid");
	CHECK_STR(proto_topo_source_name(SCXD_TOPO_KERNEL), "kernel");
	CHECK_STR(proto_topo_source_name(SCXD_TOPO_SYSFS), "sysfs");
	CHECK_STR(proto_topo_source_name(SCXD_TOPO_NONE), "none");
	CHECK_STR(proto_topo_source_name(77), "none");
}

TEST(a_topology_with_more_entries_than_the_arrays_is_cut_with_its_counts)
{
	static struct proto_topology in, out;

	sample_topology(&in);
	in.nr_cpus = SCXD_MAX_CPUS + 5;
	in.nr_llcs = SCXD_MAX_LLCS + 1;
	for (uint32_t c = 0; c < SCXD_MAX_CPUS; c++)
		in.cpus[c].cpu = c;
	for (uint32_t i = 0; i < SCXD_MAX_LLCS; i++)
		in.llcs[i].index = i;
	CHECK_STR(decoded(PROTO_METHOD_TOPOLOGY, proto_topology_encode(&in), &out), "ok");
	CHECK_INT(out.nr_cpus, SCXD_MAX_CPUS);
	CHECK_INT(out.nr_llcs, SCXD_MAX_LLCS);
}

TEST(a_bad_topology_field_is_named_in_the_error)
{
	CHECK_CONTAINS(topology_error("nr_cpus", "9"), "nr_cpus: 9, but 8 CPUs follow");
	CHECK_CONTAINS(topology_error("cpus[3].cpu", "1"), "cpus[3].cpu: 1 not ascending");
	/* 512 and 64: SCXD_MAX_CPUS and SCXD_MAX_LLCS, one past the last index */
	CHECK_CONTAINS(topology_error("cpus[7].cpu", "512"), "cpus[7].cpu: 512 out of range");
	CHECK_CONTAINS(topology_error("cpus[2].llc", "64"), "cpus[2].llc");
	CHECK_CONTAINS(topology_error("llcs[1].cpus", "\"4..7\""), "llcs[1].cpus: not a CPU list");
	CHECK_CONTAINS(topology_error("cpus[0].node", "0.5"), "cpus[0].node");
	CHECK_CONTAINS(topology_error("llcs", NULL), "llcs: missing");
	CHECK_CONTAINS(topology_error("llcs[1].index", "0"), "llcs[1].index: 0 not ascending");
}

TEST(the_version_result_round_trips)
{
	struct proto_version v;
	struct proto_error err;
	cJSON *j = proto_version_encode();
	int r;

	CHECK(j);
	r = proto_version_decode(j, &v, &err);
	cJSON_Delete(j);
	CHECK_INT(r, 0);
	CHECK_INT(v.proto, SCXD_PROTO_VERSION);
	CHECK_STR(v.version, SCXD_VERSION);
}

TEST(results_decode_by_method_and_a_method_without_a_result_struct_is_refused)
{
	struct proto_version v;
	struct proto_error err;
	cJSON *j = proto_version_encode();

	CHECK(j);
	CHECK_INT(proto_result_decode(PROTO_METHOD_VERSION, j, &v, &err), 0);
	CHECK_STR(v.version, SCXD_VERSION);
	CHECK_INT(proto_result_decode(PROTO_METHOD_SAVE, j, &v, &err), -EINVAL);
	CHECK_CONTAINS(err.message, "save");
	cJSON_Delete(j);
}

TEST_MAIN
