/* SPDX-License-Identifier: GPL-2.0 */
/* verb_explain.c - explain: which layer a process is in, why, and how it
 * behaves (what an auto layer serves it as). */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "stats.h"

int run_explain(const struct opts *o, int argc, char **argv)
{
	const cJSON *layer, *reason, *rule, *comm, *pinned, *policy, *served, *beh;
	cJSON *params, *result;
	int pid, status;

	if (argc != 2)
		return usage_error("scxctl explain PID");
	pid = parse_pid(argv[1]);
	if (!pid)
		return EXIT_USAGE;
	params = cJSON_CreateObject();
	if (!params || !cJSON_AddNumberToObject(params, "pid", pid)) {
		cJSON_Delete(params);
		return ctl_oom();
	}
	status = rpc_or_json(o, PROTO_METHOD_EXPLAIN, params, &result);
	if (status != EXIT_OK || !result)
		return status;
	layer = cJSON_GetObjectItemCaseSensitive(result, "layer");
	reason = cJSON_GetObjectItemCaseSensitive(result, "reason");
	rule = cJSON_GetObjectItemCaseSensitive(result, "rule");
	comm = cJSON_GetObjectItemCaseSensitive(result, "comm");
	pinned = cJSON_GetObjectItemCaseSensitive(result, "pinned");
	policy = cJSON_GetObjectItemCaseSensitive(result, "policy");
	served = cJSON_GetObjectItemCaseSensitive(result, "served_as");
	beh = cJSON_GetObjectItemCaseSensitive(result, "behavior");
	if (!cJSON_IsString(layer) || !cJSON_IsString(reason)) {
		cJSON_Delete(result);
		return ctl_fail(EXIT_ERROR, MSG_RESPONSE, "explain: no layer or reason");
	}
	printf("%d (%s): layer %s\n", pid, cJSON_IsString(comm) ? comm->valuestring : "?",
	       layer->valuestring);
	if (!strcmp(reason->valuestring, "pinned"))
		printf("  pinned (scxctl run/move; scxctl unpin %d undoes it)\n", pid);
	else if (!strcmp(reason->valuestring, "rule") && cJSON_IsString(rule))
		printf("  matched: match = %s\n", rule->valuestring);
	else
		printf("  no rule matched: the last layer takes every other task\n");
	if (cJSON_IsTrue(pinned) && strcmp(reason->valuestring, "pinned"))
		printf("  (pinned to a layer that no longer exists: rules decide)\n");
	/* 0.6: how it behaves, and as what its layer serves it. */
	if (cJSON_IsString(policy) && cJSON_IsString(served) && cJSON_IsObject(beh)) {
		const cJSON *w = cJSON_GetObjectItemCaseSensitive(beh, "wakeups_per_s");
		const cJSON *run = cJSON_GetObjectItemCaseSensitive(beh, "avg_run_us");
		char avg[32];

		stats_format_us(avg, sizeof(avg), cJSON_IsNumber(run) ? run->valuedouble : 0);
		printf("  layer %s (%s): served as %s: %.0f wakeups/s, %s average run\n",
		       layer->valuestring, policy->valuestring, served->valuestring,
		       cJSON_IsNumber(w) ? w->valuedouble : 0, avg);
	}
	cJSON_Delete(result);
	return EXIT_OK;
}
