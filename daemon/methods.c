/* methods.c - the table of control methods and their shared helpers; see
 * methods.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "comparison.h"
#include "manager.h"
#include "methods.h"

const control_fn manager_methods[PROTO_NR_METHODS] = {
	[PROTO_METHOD_STATUS]		= method_status,
	[PROTO_METHOD_VERSION]		= method_version,
	[PROTO_METHOD_TOPOLOGY]		= method_topology,
	[PROTO_METHOD_EXPLAIN]		= method_explain,
	[PROTO_METHOD_SET_LAYER]	= method_set_layer,
	[PROTO_METHOD_ADD_LAYER]	= method_add_layer,
	[PROTO_METHOD_REMOVE_LAYER]	= method_remove_layer,
	[PROTO_METHOD_MATCH_ADD]	= method_match_add,
	[PROTO_METHOD_MATCH_REMOVE]	= method_match_remove,
	[PROTO_METHOD_RELOAD]		= method_reload,
	[PROTO_METHOD_SAVE]		= method_save,
	[PROTO_METHOD_STOP]		= method_stop,
	[PROTO_METHOD_START]		= method_start,
	[PROTO_METHOD_ROLES]		= method_roles,
	[PROTO_METHOD_ROLE_SHOW]	= method_role_show,
	[PROTO_METHOD_ROLE_SET]		= method_role_set,
	[PROTO_METHOD_RUN]		= method_run,
	[PROTO_METHOD_MOVE]		= method_move,
	[PROTO_METHOD_UNPIN]		= method_unpin,
	[PROTO_METHOD_COMPARE_START]	= method_compare_start,
	[PROTO_METHOD_COMPARE_STATUS]	= method_compare_status,
	[PROTO_METHOD_COMPARE_STEP]	= method_compare_step,
	[PROTO_METHOD_COMPARE_STOP]	= method_compare_stop,
	[PROTO_METHOD_COMPARE_RESULT]	= method_compare_result,
	[PROTO_METHOD_PROCESSES]	= method_processes,
};

int param_string(const cJSON *params, const char *key, bool required, const char **out,
		 char *errmsg, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);

	*out = NULL;
	if (!v && !required)
		return 0;
	if (!cJSON_IsString(v) || !v->valuestring[0]) {
		snprintf(errmsg, errlen, "\"%s\" must be a non-empty string", key);
		return -EINVAL;
	}
	*out = v->valuestring;
	return 0;
}

int param_pid(const cJSON *params, const char *key, int *out, char *errmsg, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > INT32_MAX ||
	    v->valuedouble != (double)(int)v->valuedouble) {
		snprintf(errmsg, errlen, "\"%s\" must be a process id", key);
		return -EINVAL;
	}
	*out = v->valueint;
	return 0;
}

int need_attached(const struct manager *m, char *errmsg, size_t errlen)
{
	if (manager_attached(m))
		return 0;
	snprintf(errmsg, errlen, "the scheduler is not attached");
	return -EBUSY;
}

int need_no_compare(const struct manager *m, char *errmsg, size_t errlen)
{
	if (!comparison_running(m))
		return 0;
	snprintf(errmsg, errlen, "a compare is running: wait for it to end, or scxctl compare --stop");
	return -EBUSY;
}

int result_string(cJSON **result, const char *key, const char *value)
{
	*result = cJSON_CreateObject();
	if (!*result || !cJSON_AddStringToObject(*result, key, value))
		return -ENOMEM;
	return 0;
}
