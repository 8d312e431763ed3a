/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verb_suggest.c - suggest: watch what every process does for a while,
 * through the scheduler's own counters (the "processes" method, asked at
 * the start and at the end), and propose a configuration that puts
 * processes that behave alike in a layer with the policy their behaviour
 * calls for (lib/suggest.h decides). It changes nothing: the text passes
 * scxctl check, and applying it is the user's step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "suggest.h"

#define DURATION_MAX_S	3600

static const char *const kind_names[] = {
	[SUGGEST_IDLE] = "idle", [SUGGEST_LATENCY] = "latency",
	[SUGGEST_THROUGHPUT] = "throughput", [SUGGEST_MIXED] = "mixed",
};

static int snapshot(const struct opts *o, struct proto_processes *p)
{
	struct proto_error err;
	cJSON *res;
	int status, r;

	status = rpc(o, PROTO_METHOD_PROCESSES, NULL, &res);
	if (status != EXIT_OK)
		return status;
	r = proto_processes_decode(res, p, &err);
	cJSON_Delete(res);
	if (r < 0)
		return ctl_fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	if (p->left_out)
		fprintf(stderr, "scxctl: suggest: %u processes past the first %d not seen\n",
			p->left_out, PROTO_MAX_PROCESSES);
	return EXIT_OK;
}

/* The role's configuration as the daemon reads it (role-show). */
static int load_role(const struct opts *o, const char *name, struct scxd_config *c)
{
	struct config_error cerr;
	const cJSON *text;
	cJSON *params = string_params("name", name), *res;
	char buf[600];
	int status;

	if (!params)
		return ctl_oom();
	status = rpc(o, PROTO_METHOD_ROLE_SHOW, params, &res);
	if (status != EXIT_OK)
		return status;
	text = cJSON_GetObjectItemCaseSensitive(res, "text");
	if (!cJSON_IsString(text)) {
		cJSON_Delete(res);
		return ctl_fail(EXIT_ERROR, MSG_RESPONSE, "role-show: no text");
	}
	status = config_load_string(c, text->valuestring, name, &cerr) < 0 ?
		 ctl_fail(EXIT_CONFIG, MSG_CONFIG, "%s", config_error_str(&cerr, buf, sizeof(buf))) :
		 EXIT_OK;
	cJSON_Delete(res);
	return status;
}

static int print_json_doc(const struct suggest_proc *s, size_t n, unsigned secs,
			  const char *key, const char *text)
{
	cJSON *j = cJSON_CreateObject(), *arr;
	int status;

	if (!j || !cJSON_AddNumberToObject(j, "duration_s", secs) ||
	    !cJSON_AddStringToObject(j, key, text) ||
	    !(arr = cJSON_AddArrayToObject(j, "processes")))
		goto oom;
	for (size_t i = 0; i < n; i++) {
		cJSON *p;

		if (s[i].kind == SUGGEST_IDLE)
			continue;
		if (!(p = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, p)) {
			cJSON_Delete(p);
			goto oom;
		}
		if (!cJSON_AddNumberToObject(p, "pid", s[i].p.pid) ||
		    !cJSON_AddStringToObject(p, "comm", s[i].p.comm) ||
		    !cJSON_AddStringToObject(p, "cgroup", s[i].p.cgroup) ||
		    !cJSON_AddStringToObject(p, "layer", s[i].p.layer) ||
		    !cJSON_AddStringToObject(p, "kind", kind_names[s[i].kind]) ||
		    !cJSON_AddNumberToObject(p, "wakeups_per_s", s[i].wakeups_per_s) ||
		    !cJSON_AddNumberToObject(p, "cpus", s[i].cpus) ||
		    !cJSON_AddNumberToObject(p, "short_runs", s[i].short_frac))
			goto oom;
	}
	status = print_json(j);
	cJSON_Delete(j);
	return status;
oom:
	cJSON_Delete(j);
	return ctl_oom();
}

int run_suggest(const struct opts *o, int argc, char **argv)
{
	static struct proto_processes before, after;
	static struct scxd_config role, check;
	struct suggest_proc *s = NULL;
	const char *role_name = NULL, *v;
	char header[512], when[32], buf[600];
	struct config_error cerr;
	unsigned secs = 30;
	struct utsname u;
	time_t now;
	size_t n = 0;
	char *text;
	int status;

	for (int i = 1; i < argc; i++) {
		if (opt_is(argv[i], "--duration")) {
			char *end;
			long d;

			if (!(v = opt_value(argc, argv, &i, "--duration")))
				return EXIT_USAGE;
			d = strtol(v, &end, 10);
			if (*end || end == v || d < 1 || d > DURATION_MAX_S)
				return usage_error("suggest: --duration wants 1..%d seconds, not '%.32s'",
						   DURATION_MAX_S, v);
			secs = d;
		} else if (opt_is(argv[i], "--role")) {
			if (!(role_name = opt_value(argc, argv, &i, "--role")))
				return EXIT_USAGE;
		} else {
			return usage_error("suggest: unknown argument '%.64s'", argv[i]);
		}
	}
	/* The role first: a typo costs no wait. */
	if (role_name && (status = load_role(o, role_name, &role)) != EXIT_OK)
		return status;
	if ((status = snapshot(o, &before)) != EXIT_OK)
		return status;
	fprintf(stderr, "scxctl: suggest: watching every process for %u s...\n", secs);
	sleep(secs);
	if ((status = snapshot(o, &after)) != EXIT_OK)
		return status;
	if (suggest_observe(&before, &after, secs, &s, &n) < 0)
		return ctl_oom();

	if (role_name) {
		text = suggest_diff(s, n, secs, &role);
	} else {
		now = time(NULL);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&now));
		if (uname(&u) < 0)
			snprintf(u.release, sizeof(u.release), "?");
		snprintf(header, sizeof(header), "scxctl suggest: %u s observed on %s, kernel %s\n"
			 "Check it (scxctl check FILE), then use it as a role or a configuration.",
			 secs, when, u.release);
		text = suggest_ini(s, n, secs, header);
	}
	if (!text) {
		free(s);
		return ctl_oom();
	}
	/* What it proposes must load: a defect here is ours, not the user's. */
	if (!role_name && config_load_string(&check, text, "(suggestion)", &cerr) < 0) {
		status = ctl_fail(EXIT_ERROR, "internal error", "the suggestion does not load: %s",
				  config_error_str(&cerr, buf, sizeof(buf)));
	} else if (o->json) {
		status = print_json_doc(s, n, secs, role_name ? "diff" : "ini", text);
	} else if (role_name && !text[0]) {
		printf("; role %s already serves every group of processes as its behaviour calls for\n",
		       role_name);
		status = EXIT_OK;
	} else {
		fputs(text, stdout);
		status = EXIT_OK;
	}
	free(text);
	free(s);
	return status;
}
