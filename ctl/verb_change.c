/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verb_change.c - the changes: set-layer, add-layer, remove-layer, match,
 * reload, save, stop, start. The daemon checks every change exactly as it
 * checks a configuration file.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

/* start loads the scheduler through the kernel's verifier, which takes
 * seconds on a slow (or emulated) machine: it waits this long unless
 * --timeout says otherwise. */
#define START_TIMEOUT_MS	60000

/* Layer options -> "set": {key: value} in the config file's terms. The
 * daemon checks the values, exactly as it checks a file. */
static const struct {
	const char	*opt;
	const char	*key;
	const char	*value;		/* fixed value; NULL: takes one */
} layer_opts[] = {
	{ "--latency",		"policy",	"latency" },
	{ "--throughput",	"policy",	"throughput" },
	{ "--auto",		"policy",	"auto" },
	{ "--auto-latency-run-us", "auto_latency_run_us", NULL },
	{ "--auto-min-wakeups",	"auto_min_wakeups", NULL },
	{ "--weight",		"weight",	NULL },
	{ "--slice-us",		"slice_us",	NULL },
	{ "--llcs",		"llcs",		NULL },
	{ "--cpus",		"cpus",		NULL },
	{ "--kind",		"kind",		NULL },
	{ "--preempt",		"preempt",	"yes" },
	{ "--no-preempt",	"preempt",	"no" },
	{ "--users",		"users",	"yes" },
	{ "--no-users",		"users",	"no" },
};

/*
 * Parse argv[2..] of set-layer/add-layer into params: "set" always,
 * "before" and "match" only when @add. Returns EXIT_OK or a usage error
 * (already printed). @summary gets "key = value, ..." for the message.
 */
static int parse_layer_args(int argc, char **argv, bool add, cJSON *params, char *summary,
			    size_t len)
{
	cJSON *set = cJSON_AddObjectToObject(params, "set");
	cJSON *match = add ? cJSON_AddArrayToObject(params, "match") : NULL;

	if (!set || (add && !match))
		return ctl_oom();
	summary[0] = '\0';
	for (int i = 2; i < argc; i++) {
		const char *v = NULL;
		size_t k;

		for (k = 0; k < sizeof(layer_opts) / sizeof(layer_opts[0]); k++)
			if (layer_opts[k].value ? !strcmp(argv[i], layer_opts[k].opt)
						: opt_is(argv[i], layer_opts[k].opt))
				break;
		if (k < sizeof(layer_opts) / sizeof(layer_opts[0])) {
			v = layer_opts[k].value ?: opt_value(argc, argv, &i, layer_opts[k].opt);
			if (!v)
				return EXIT_USAGE;
			cJSON_DeleteItemFromObjectCaseSensitive(set, layer_opts[k].key);
			if (!cJSON_AddStringToObject(set, layer_opts[k].key, v))
				return ctl_oom();
			snprintf(summary + strlen(summary), len - strlen(summary), "%s%s = %s",
				 summary[0] ? ", " : "", layer_opts[k].key, v);
		} else if (add && opt_is(argv[i], "--before")) {
			if (!(v = opt_value(argc, argv, &i, "--before")))
				return EXIT_USAGE;
			cJSON_DeleteItemFromObjectCaseSensitive(params, "before");
			if (!cJSON_AddStringToObject(params, "before", v))
				return ctl_oom();
		} else if (add && opt_is(argv[i], "--match")) {
			if (!(v = opt_value(argc, argv, &i, "--match")))
				return EXIT_USAGE;
			if (!cJSON_AddItemToArray(match, cJSON_CreateString(v)))
				return ctl_oom();
		} else {
			return usage_error("%s: unknown option '%.64s'", argv[0], argv[i]);
		}
	}
	return EXIT_OK;
}

/* set-layer and add-layer */
int run_layer_change(const struct opts *o, int argc, char **argv)
{
	bool add = !strcmp(argv[0], "add-layer");
	char summary[512], done[700];
	cJSON *params;
	int status;

	if (argc < 2 || argv[1][0] == '-')
		return usage_error(add ? "add-layer needs a layer name" : "set-layer needs a layer name");
	params = string_params("layer", argv[1]);
	if (!params)
		return ctl_oom();
	status = parse_layer_args(argc, argv, add, params, summary, sizeof(summary));
	if (status == EXIT_OK && !add && !summary[0])
		status = usage_error("set-layer needs at least one setting");
	if (status != EXIT_OK) {
		cJSON_Delete(params);
		return status;
	}
	snprintf(done, sizeof(done), "%s layer %s%s%s", add ? "added" : "changed", argv[1],
		 summary[0] ? ": " : "", summary);
	return change(o, add ? PROTO_METHOD_ADD_LAYER : PROTO_METHOD_SET_LAYER, params, done);
}

int run_remove_layer(const struct opts *o, int argc, char **argv)
{
	char done[160];
	cJSON *params;

	if (argc != 2)
		return usage_error("remove-layer takes one layer name");
	params = string_params("layer", argv[1]);
	if (!params)
		return ctl_oom();
	snprintf(done, sizeof(done), "removed layer %.64s; its tasks were re-classified", argv[1]);
	return change(o, PROTO_METHOD_REMOVE_LAYER, params, done);
}

int run_match(const struct opts *o, int argc, char **argv)
{
	bool add = argc > 1 && !strcmp(argv[1], "add");
	char done[400];
	cJSON *params;

	if (argc != 4 || (!add && strcmp(argv[1], "remove")))
		return usage_error("scxctl match add|remove LAYER RULE");
	params = cJSON_CreateObject();
	if (!params || !cJSON_AddStringToObject(params, "layer", argv[2]) ||
	    !cJSON_AddStringToObject(params, "rule", argv[3])) {
		cJSON_Delete(params);
		return ctl_oom();
	}
	snprintf(done, sizeof(done), "%s layer %.64s: match = %.256s", add ? "added to" : "removed from",
		 argv[2], argv[3]);
	return change(o, add ? PROTO_METHOD_MATCH_ADD : PROTO_METHOD_MATCH_REMOVE, params, done);
}

int run_reload(const struct opts *o, int argc, char **argv)
{
	return change(o, PROTO_METHOD_RELOAD, NULL, "reloaded the configuration file");
}

int run_stop(const struct opts *o, int argc, char **argv)
{
	return change(o, PROTO_METHOD_STOP, NULL,
		      "detached: tasks run on the kernel's default scheduler");
}

int run_start(const struct opts *o, int argc, char **argv)
{
	struct opts slow = *o;

	if (!o->timeout_set)
		slow.timeout_ms = START_TIMEOUT_MS;
	return change(&slow, PROTO_METHOD_START, NULL, "attached");
}

int run_save(const struct opts *o, int argc, char **argv)
{
	const cJSON *path;
	cJSON *result;
	int status;

	status = rpc_or_json(o, PROTO_METHOD_SAVE, NULL, &result);
	if (status != EXIT_OK || !result)
		return status;
	path = cJSON_GetObjectItemCaseSensitive(result, "path");
	printf("saved the running configuration to %s\n",
	       cJSON_IsString(path) ? path->valuestring : "?");
	cJSON_Delete(result);
	return EXIT_OK;
}
