/* method_change.c - the methods that change the running scheduler:
 * set-layer, add-layer, remove-layer, match-add, match-remove (each an
 * edit of the configuration's text, committed whole or not at all),
 * reload, save, stop and start. Root or the admin group only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_edit.h"
#include "manager.h"
#include "methods.h"
#include "saved.h"

/* An edit's own refusal (before the text is parsed) -> the method's. */
static int edit_failed(int r, const struct config_error *err, char *errmsg, size_t errlen)
{
	snprintf(errmsg, errlen, "%s", err->msg);
	return r == -EEXIST ? -EINVAL : r;
}

/* Parse the edited text and make it the running configuration. */
static int commit_edit(struct manager *m, struct config_edit *e, char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	struct scxd_config *next = calloc(1, sizeof(*next));
	int r;

	if (!next)
		return -ENOMEM;
	r = config_edit_commit(e, next, m->config->source, &err);
	if (r < 0) {
		snprintf(errmsg, errlen, "%s", err.msg);
		free(next);
		return r == -ENOMEM ? r : -EBADMSG;
	}
	return manager_apply(m, next, errmsg, errlen);
}

/*
 * "set": {"key": value, ...} applied to @layer. Values are the INI
 * file's: strings, or numbers and booleans (yes/no) for convenience; ""
 * removes a key (back to its default).
 */
static int apply_settings(struct config_edit *e, const char *layer, const cJSON *set,
			  char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	const cJSON *kv;
	char num[32];
	int r;

	if (!set)
		return 0;
	if (!cJSON_IsObject(set)) {
		snprintf(errmsg, errlen, "\"set\" must be an object of key: value");
		return -EINVAL;
	}
	cJSON_ArrayForEach(kv, set) {
		const char *v;

		if (cJSON_IsString(kv)) {
			v = kv->valuestring;
		} else if (cJSON_IsBool(kv)) {
			v = cJSON_IsTrue(kv) ? "yes" : "no";
		} else if (cJSON_IsNumber(kv) && kv->valuedouble >= -1e15 &&
			   kv->valuedouble <= 1e15 &&
			   kv->valuedouble == (double)(long long)kv->valuedouble) {
			/* The range first: 1e300 cast to long long is undefined
			 * behaviour (UBSan's float-cast-overflow), not a refusal. */
			snprintf(num, sizeof(num), "%lld", (long long)kv->valuedouble);
			v = num;
		} else {
			snprintf(errmsg, errlen, "\"set\": the value of \"%s\" must be a string, "
				 "an integer or a boolean", kv->string);
			return -EINVAL;
		}
		r = config_edit_set(e, layer, kv->string, v, &err);
		if (r < 0)
			return edit_failed(r, &err, errmsg, errlen);
	}
	return 0;
}

/*
 * One change: fn edits the running configuration's text from the request's
 * params (returning -errno with errmsg set), then the result is committed
 * as a whole, or nothing changes.
 */
typedef int (*edit_fn)(struct manager *m, struct config_edit *e, const cJSON *params,
		       char *errmsg, size_t errlen);

static int run_change(struct manager *m, const struct control_request *req, edit_fn fn,
		      char *errmsg, size_t errlen)
{
	struct config_edit *e;
	int r;

	r = need_no_compare(m, errmsg, errlen);
	if (r < 0)
		return r;
	e = config_edit_new(m->config);
	if (!e)
		return -ENOMEM;
	r = fn(m, e, req->params, errmsg, errlen);
	if (!r)
		r = commit_edit(m, e, errmsg, errlen);
	config_edit_free(e);
	return r;
}

static int edit_set_layer(struct manager *m, struct config_edit *e, const cJSON *params,
			  char *errmsg, size_t errlen)
{
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(params, "set");
	const char *layer;
	int r;

	r = param_string(params, "layer", true, &layer, errmsg, errlen);
	if (r < 0)
		return r;
	if (!cJSON_IsObject(set) || !set->child) {
		snprintf(errmsg, errlen, "\"set\" must be an object with at least one key");
		return -EINVAL;
	}
	if (config_layer_find(m->config, layer) < 0) {
		snprintf(errmsg, errlen, "no layer '%s'", layer);
		return -ENOENT;
	}
	return apply_settings(e, layer, set, errmsg, errlen);
}

static int edit_add_layer(struct manager *m, struct config_edit *e, const cJSON *params,
			  char *errmsg, size_t errlen)
{
	const cJSON *match = cJSON_GetObjectItemCaseSensitive(params, "match"), *rule;
	struct config_error err = {0};
	const char *layer, *before;
	int r;

	if ((r = param_string(params, "layer", true, &layer, errmsg, errlen)) < 0 ||
	    (r = param_string(params, "before", false, &before, errmsg, errlen)) < 0)
		return r;
	if (match && !cJSON_IsArray(match)) {
		snprintf(errmsg, errlen, "\"match\" must be an array of rules");
		return -EINVAL;
	}
	r = config_edit_add_layer(e, layer, before, &err);
	if (r < 0)
		return edit_failed(r, &err, errmsg, errlen);
	r = apply_settings(e, layer, cJSON_GetObjectItemCaseSensitive(params, "set"), errmsg,
			   errlen);
	cJSON_ArrayForEach(rule, match) {
		if (r < 0)
			break;
		if (!cJSON_IsString(rule)) {
			snprintf(errmsg, errlen, "\"match\" must be an array of rules");
			r = -EINVAL;
		} else if ((r = config_edit_add_match(e, layer, rule->valuestring, &err)) < 0) {
			r = edit_failed(r, &err, errmsg, errlen);
		}
	}
	return r;
}

static int edit_remove_layer(struct manager *m, struct config_edit *e, const cJSON *params,
			     char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	const char *layer;
	int r;

	r = param_string(params, "layer", true, &layer, errmsg, errlen);
	if (r < 0)
		return r;
	r = config_edit_remove_layer(e, layer, &err);
	return r < 0 ? edit_failed(r, &err, errmsg, errlen) : 0;
}

static int edit_match(struct config_edit *e, const cJSON *params, bool add, char *errmsg,
		      size_t errlen)
{
	struct config_error err = {0};
	const char *layer, *rule;
	int r;

	if ((r = param_string(params, "layer", true, &layer, errmsg, errlen)) < 0 ||
	    (r = param_string(params, "rule", true, &rule, errmsg, errlen)) < 0)
		return r;
	r = add ? config_edit_add_match(e, layer, rule, &err)
		: config_edit_remove_match(e, layer, rule, &err);
	return r < 0 ? edit_failed(r, &err, errmsg, errlen) : 0;
}

static int edit_match_add(struct manager *m, struct config_edit *e, const cJSON *params,
			  char *errmsg, size_t errlen)
{
	return edit_match(e, params, true, errmsg, errlen);
}

static int edit_match_remove(struct manager *m, struct config_edit *e, const cJSON *params,
			     char *errmsg, size_t errlen)
{
	return edit_match(e, params, false, errmsg, errlen);
}

#define CHANGE_METHOD(name)							\
	METHOD(name)								\
	{									\
		return run_change(userdata, req, edit_##name, errmsg, errlen);	\
	}
CHANGE_METHOD(set_layer)
CHANGE_METHOD(add_layer)
CHANGE_METHOD(remove_layer)
CHANGE_METHOD(match_add)
CHANGE_METHOD(match_remove)

METHOD(reload)
{
	return need_no_compare(userdata, errmsg, errlen) ?: manager_reload(userdata, errmsg, errlen);
}

/* Persist the running configuration: the next start uses it. */
METHOD(save)
{
	struct manager *m = userdata;
	int r;

	r = saved_write(m->saved_path, m->config_path, m->config, errmsg, errlen);
	return r < 0 ? r : result_string(result, "path", m->saved_path);
}

METHOD(stop)
{
	return need_no_compare(userdata, errmsg, errlen) ?: manager_stop(userdata, errmsg, errlen);
}

METHOD(start)
{
	return need_no_compare(userdata, errmsg, errlen) ?: manager_start(userdata, errmsg, errlen);
}
