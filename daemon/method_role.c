/* method_role.c - roles: list and show them (read-only), or run one
 * (role-set: root or the admin group). The files are roles.h's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "manager.h"
#include "methods.h"
#include "roles.h"

struct role_list {
	const char	*dir;
	cJSON		*list;
};

static int add_role(const char *name, void *data)
{
	struct role_list *rl = data;
	char path[PATH_MAX + 80], desc[256];
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.ini", rl->dir, name);
	role_description(path, desc, sizeof(desc));
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "description", desc);
	cJSON_AddItemToArray(rl->list, o);
	return 0;
}

METHOD(roles)
{
	struct manager *m = userdata;
	struct role_list rl = { .dir = m->roles_dir };

	*result = cJSON_CreateObject();
	if (!*result || !cJSON_AddStringToObject(*result, "current", m->config->role) ||
	    !cJSON_AddStringToObject(*result, "dir", m->roles_dir) ||
	    !(rl.list = cJSON_AddArrayToObject(*result, "roles")))
		return -ENOMEM;
	return roles_list(m->roles_dir, add_role, &rl);
}

/* Load role params.name into a new configuration (freed by the caller). */
static int load_role(struct manager *m, const cJSON *params, struct scxd_config **out,
		     char *path, size_t len, char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	const char *name;
	char buf[600];
	int r;

	r = param_string(params, "name", true, &name, errmsg, errlen);
	if (r < 0)
		return r;
	r = role_path(m->roles_dir, name, path, len);
	if (r == -EINVAL)
		snprintf(errmsg, errlen, "invalid role name '%s'", name);
	else if (r < 0)
		snprintf(errmsg, errlen, "no role '%s' (%s)", name, path);
	if (r < 0)
		return r;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	r = config_load_file(*out, path, &err);
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

	r = load_role(userdata, req->params, &c, path, sizeof(path), errmsg, errlen);
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

/* Run role NAME's configuration from now on; reload returns to the file. */
METHOD(role_set)
{
	struct manager *m = userdata;
	struct scxd_config *c = NULL;
	char path[PATH_MAX + 80];
	int r;

	r = need_no_compare(m, errmsg, errlen);
	if (!r)
		r = load_role(m, req->params, &c, path, sizeof(path), errmsg, errlen);
	if (r < 0)
		return r;
	r = manager_apply(m, c, errmsg, errlen);
	if (r == 0)
		log_notice("Running role %s from %s", m->config->role, path);
	return r;
}
