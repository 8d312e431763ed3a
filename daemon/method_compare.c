/*
 * method_compare.c - scxctl compare: start a comparison of scxd with the
 * kernel's default scheduler, follow it (each status renews the lease a
 * running compare needs once the connection that started it has closed), run the user's command in it, stop it (root or
 * the admin group); and read the last result (any user).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "comparison.h"
#include "manager.h"
#include "methods.h"

static int send_result(struct manager *m, cJSON **out)
{
	*out = compare_result_encode(comparison_last(m));
	return *out ? 0 : -ENOMEM;
}

/* params.@key, an integer in 1..@max, or @def when absent. */
static int param_uint(const cJSON *params, const char *key, unsigned def, unsigned max,
		      unsigned *out, char *errmsg, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);

	*out = def;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v) || v->valuedouble < 1 || v->valuedouble > max ||
	    v->valuedouble != (double)(unsigned)v->valuedouble) {
		snprintf(errmsg, errlen, "\"%s\" must be an integer in 1..%u", key, max);
		return -EINVAL;
	}
	*out = v->valuedouble;
	return 0;
}

METHOD(compare_start)
{
	struct compare_params p = {0};
	int r;

	if ((r = param_uint(req->params, "duration_s", 20, COMPARE_MAX_DURATION_S,
			    &p.duration_s, errmsg, errlen)) < 0 ||
	    (r = param_uint(req->params, "rounds", 3, COMPARE_MAX_ROUNDS, &p.rounds, errmsg,
			    errlen)) < 0 ||
	    (r = param_string(req->params, "command", false, &p.command, errmsg, errlen)) < 0)
		return r;
	r = comparison_begin(userdata, &p, req->conn, errmsg, errlen);
	return r < 0 ? r : send_result(userdata, result);
}

METHOD(compare_status)
{
	comparison_renew(userdata);
	return send_result(userdata, result);
}

METHOD(compare_step)
{
	const cJSON *wall = cJSON_GetObjectItemCaseSensitive(req->params, "wall_s");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(req->params, "exit");
	const char *event;
	bool begin;
	int r;

	r = param_string(req->params, "event", true, &event, errmsg, errlen);
	if (r < 0)
		return r;
	begin = !strcmp(event, "begin");
	if (!begin && (strcmp(event, "end") || !cJSON_IsNumber(wall) || !(wall->valuedouble >= 0) ||
		       !isfinite(wall->valuedouble) || !cJSON_IsNumber(status))) {
		snprintf(errmsg, errlen, "\"event\" is \"begin\", or \"end\" with \"wall_s\" "
			 "(seconds) and \"exit\" (the command's status)");
		return -EINVAL;
	}
	r = comparison_step(userdata, begin, begin ? 0 : wall->valuedouble,
			    begin ? 0 : status->valueint, errmsg, errlen);
	return r < 0 ? r : send_result(userdata, result);
}

METHOD(compare_stop)
{
	if (!comparison_running(userdata)) {
		snprintf(errmsg, errlen, "no compare is running");
		return -ENOENT;
	}
	comparison_abort(userdata, "stopped on request");
	return send_result(userdata, result);
}

METHOD(compare_result)
{
	return send_result(userdata, result);
}
