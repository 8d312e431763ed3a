/* SPDX-License-Identifier: GPL-2.0 */
/* verb_role.c - role list, role show, role set. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

int run_role(const struct opts *o, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	const cJSON *list, *r, *cur, *text;
	cJSON *params = NULL, *result;
	char done[160];
	int status;

	if (!strcmp(sub, "list") && argc == 2) {
		status = rpc_or_json(o, PROTO_METHOD_ROLES, NULL, &result);
		if (status != EXIT_OK || !result)
			return status;
		cur = cJSON_GetObjectItemCaseSensitive(result, "current");
		list = cJSON_GetObjectItemCaseSensitive(result, "roles");
		cJSON_ArrayForEach(r, list) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(r, "name");
			const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "description");

			if (!cJSON_IsString(n))
				continue;
			printf("%s %-10s %s\n",
			       cJSON_IsString(cur) && !strcmp(cur->valuestring, n->valuestring) ? "*"
											    : " ",
			       n->valuestring, cJSON_IsString(d) ? d->valuestring : "");
		}
		cJSON_Delete(result);
		return EXIT_OK;
	}
	if ((strcmp(sub, "show") && strcmp(sub, "set")) || argc != 3)
		return usage_error("scxctl role list | role show NAME | role set NAME");
	params = string_params("name", argv[2]);
	if (!params)
		return ctl_oom();
	if (!strcmp(sub, "set")) {
		snprintf(done, sizeof(done), "running role %.64s", argv[2]);
		return change(o, PROTO_METHOD_ROLE_SET, params, done);
	}
	status = rpc_or_json(o, PROTO_METHOD_ROLE_SHOW, params, &result);
	if (status != EXIT_OK || !result)
		return status;
	text = cJSON_GetObjectItemCaseSensitive(result, "text");
	fputs(cJSON_IsString(text) ? text->valuestring : "", stdout);
	cJSON_Delete(result);
	return EXIT_OK;
}
