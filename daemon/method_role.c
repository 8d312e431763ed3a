/* method_role.c - roles: list and show them (read-only), or run one
 * (role-set: root or the admin group). The files are roles.h's, stacked
 * as config_stack.h says. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manager.h"
#include "methods.h"
#include "config_stack.h"
#include "roles.h"

static int add_role(const char *name, const char *path, void *data)
{
	cJSON *list = data, *o = cJSON_CreateObject();
	char desc[256];

	if (!o)
		return 0;
	role_description(path, desc, sizeof(desc));
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "description", desc);
	cJSON_AddStringToObject(o, "path", path);
	cJSON_AddItemToArray(list, o);
	return 0;
}

METHOD(roles)
{
	struct manager *m = userdata;
	cJSON *list, *dirs;

	*result = cJSON_CreateObject();
	if (!*result || !cJSON_AddStringToObject(*result, "current", m->config->role) ||
	    !cJSON_AddStringToObject(*result, "dir", m->role_dirs[0] ?: "") ||
	    !(dirs = cJSON_AddArrayToObject(*result, "dirs")) ||
	    !(list = cJSON_AddArrayToObject(*result, "roles")))
		return -ENOMEM;
	for (size_t i = 0; m->role_dirs[i]; i++)
		cJSON_AddItemToArray(dirs, cJSON_CreateString(m->role_dirs[i]));
	return roles_list(m->role_dirs, add_role, list);
}

/*
 * Role params.name into a new configuration (freed by the caller): alone
 * (@with_files false, what role-show shows) or as the files would make it
 * with that role selected (role-set).
 */
static int load_role(struct manager *m, const cJSON *params, bool with_files,
		     struct scxd_config **out, char *path, size_t len, char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	struct config_stack s = { .role_dirs = m->role_dirs };
	const char *name;
	char buf[600];
	int r;

	r = param_string(params, "name", true, &name, errmsg, errlen);
	if (r < 0)
		return r;
	r = role_find(m->role_dirs, name, path, len);
	if (r == -EINVAL)
		snprintf(errmsg, errlen, "invalid role name '%s'", name);
	else if (r < 0)
		snprintf(errmsg, errlen, "no role '%s' (in %s)", name,
			 role_dirs_str(m->role_dirs, buf, sizeof(buf)));
	if (r < 0)
		return r;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	s.role = name;
	if (with_files)
		r = manager_load(m, name, *out, &err);
	else
		r = config_stack_load(*out, &s, NULL, &err);
	if (r < 0) {
		snprintf(errmsg, errlen, "%s", config_error_str(&err, buf, sizeof(buf)));
		free(*out);
		*out = NULL;
		return r == -ENOMEM ? r : -EBADMSG;
	}
	return 0;
}

METHOD(role_show)
{
	struct scxd_config *c = NULL;
	char path[PATH_MAX + 80], *text;
	int r;

	r = load_role(userdata, req->params, false, &c, path, sizeof(path), errmsg, errlen);
	if (r < 0)
		return r;
	text = config_format(c);
	free(c);
	*result = cJSON_CreateObject();
	if (!text || !*result || !cJSON_AddStringToObject(*result, "path", path) ||
	    !cJSON_AddStringToObject(*result, "text", text)) {
		free(text);
		return -ENOMEM;
	}
	free(text);
	return 0;
}

/* Run role NAME from now on, with the files' changes to it (as if the
 * main file selected it); reload returns to the files' role. */
METHOD(role_set)
{
	struct manager *m = userdata;
	struct scxd_config *c = NULL;
	char path[PATH_MAX + 80];
	int r;

	r = need_no_compare(m, errmsg, errlen);
	if (!r)
		r = load_role(m, req->params, true, &c, path, sizeof(path), errmsg, errlen);
	if (r < 0)
		return r;
	r = manager_apply(m, c, errmsg, errlen);
	if (r == 0)
		log_notice("Running role %s from %s", m->config->role, path);
	return r;
}
