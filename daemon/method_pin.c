/*
 * method_pin.c - pins: run (the caller itself), move and unpin (a process
 * or a cgroup subtree). Any user may call them for their own processes
 * and layers open to users (users = yes); root and the admin group for
 * anything. A pin is written per thread; forks inherit it in BPF.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "loader.h"
#include "manager.h"
#include "methods.h"
#include "procfs.h"
#include "targets.h"

/* The processes params name: "pid", or every process in "cgroup" (a
 * path under the cgroup root) and its descendants. */
static int get_targets(const cJSON *params, struct targets *t, char *errmsg, size_t errlen)
{
	const char *cg;
	int r, pid;

	r = param_string(params, "cgroup", false, &cg, errmsg, errlen);
	if (r < 0)
		return r;
	if (!cg == !cJSON_GetObjectItemCaseSensitive(params, "pid")) {
		snprintf(errmsg, errlen, "give either \"pid\" or \"cgroup\"");
		return -EINVAL;
	}
	if (!cg) {
		r = param_pid(params, "pid", &pid, errmsg, errlen);
		return r < 0 ? r : targets_add(t, pid);
	}
	r = targets_add_cgroup(t, CGROUP_ROOT, cg);
	if (r == -EINVAL)
		snprintf(errmsg, errlen, "\"cgroup\" must be an absolute path such as "
			 "/user.slice/app.scope, not '%s'", cg);
	else if (r < 0)
		snprintf(errmsg, errlen, "cgroup %s: %s", cg, strerror(-r));
	return r;
}

/*
 * May the caller pin (or unpin) @t into @layer (NULL: unpin)? An admin
 * may do anything; any other user only their own processes, and only
 * into a layer the configuration opens to users (users = yes).
 */
static int may_pin(struct manager *m, const struct control_request *req, const struct targets *t,
		   const struct scxd_layer *layer, char *errmsg, size_t errlen)
{
	pid_t other = 0;
	int r;

	if (req->admin)
		return 0;
	if (layer && !layer->users) {
		snprintf(errmsg, errlen, "layer '%s' is not open to users (users = yes); "
			 "root or group \"%s\" can move tasks into it", layer->name,
			 m->config->socket_group);
		return -EPERM;
	}
	r = targets_owned_by(t, PROC_ROOT, req->uid, &other);
	if (r == -EPERM)
		snprintf(errmsg, errlen, "process %d is not yours", (int)other);
	return r;
}

struct pin_walk {
	struct loader	*loader;
	u32		layer_id;
	unsigned	done;
	char		*errmsg;
	size_t		errlen;
};

static int pin_thread(pid_t tid, void *data)
{
	struct pin_walk *w = data;
	int r = loader_pin(w->loader, tid, w->layer_id);

	if (r == 0)
		w->done++;
	else if (r != -ESRCH && r != -ENOENT) {
		snprintf(w->errmsg, w->errlen, "thread %d: %s", (int)tid, strerror(-r));
		return r;
	}
	return 0;
}

/* Pin (layer_id != 0) or unpin every thread of every target process. */
static int pin_targets(struct manager *m, const struct targets *t, u32 layer_id, char *errmsg,
		       size_t errlen, unsigned *done)
{
	struct pin_walk w = {
		.loader = m->loader, .layer_id = layer_id, .errmsg = errmsg, .errlen = errlen,
	};
	int r;

	*done = 0;
	r = need_attached(m, errmsg, errlen);
	if (r < 0)
		return r;
	r = targets_for_each_thread(t, PROC_ROOT, pin_thread, &w);
	*done = w.done;
	return r < 0 ? r : loader_refresh(m->loader);
}

/* run, move (layer given) and unpin (none): one path. */
static int pin_request(struct manager *m, const struct control_request *req, bool self,
		       bool unpin, cJSON **result, char *errmsg, size_t errlen)
{
	const struct scxd_layer *layer = NULL;
	struct targets t = {0};
	const char *name = NULL;
	unsigned done = 0;
	int r, i;

	if (!unpin) {
		r = param_string(req->params, "layer", true, &name, errmsg, errlen);
		if (r < 0)
			return r;
		i = config_layer_find(m->config, name);
		if (i < 0) {
			snprintf(errmsg, errlen, "no layer '%s'", name);
			return -ENOENT;
		}
		layer = &m->config->layers[i];
	}
	r = self ? targets_add(&t, req->pid) : get_targets(req->params, &t, errmsg, errlen);
	if (!r)
		r = may_pin(m, req, &t, layer, errmsg, errlen);
	if (!r)
		r = pin_targets(m, &t, layer ? layer->id : 0, errmsg, errlen, &done);
	targets_done(&t);
	if (r < 0)
		return r;
	if (!done) {
		snprintf(errmsg, errlen, unpin ? "no pinned thread found" : "no such process");
		return -ENOENT;
	}
	*result = cJSON_CreateObject();
	if (!*result || !cJSON_AddNumberToObject(*result, "threads", done))
		return -ENOMEM;
	return 0;
}

METHOD(run)
{
	return pin_request(userdata, req, true, false, result, errmsg, errlen);
}

METHOD(move)
{
	return pin_request(userdata, req, false, false, result, errmsg, errlen);
}

METHOD(unpin)
{
	return pin_request(userdata, req, false, true, result, errmsg, errlen);
}
