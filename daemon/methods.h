/*
 * methods.h - the control methods: what each request of the protocol does
 * to the manager. proto_methods[] (protocol.h) says which methods exist
 * and who may call them; manager_methods[] says which function serves
 * each, and nothing else.
 *
 * Every method is a control_fn (control.h): it returns 0 with *result set,
 * or -errno with a message in errmsg. They live beside the manager, by
 * what they do:
 *   method_read.c    status, version, topology, explain (read-only)
 *   method_change.c  set-layer, add-layer, remove-layer, match-add,
 *                    match-remove, reload, save, stop, start
 *   method_role.c    roles, role-show (read-only), role-set
 *   method_pin.c     run, move, unpin (open to users, for their own tasks)
 *   method_compare.c compare-start, -status, -step, -stop (admin), -result
 */
#ifndef SCXD_METHODS_H
#define SCXD_METHODS_H

#include <stdbool.h>
#include <stddef.h>
#include <cJSON.h>

#include "control.h"
#include "protocol.h"

struct manager;

extern const control_fn manager_methods[PROTO_NR_METHODS];

#define METHOD(name)								\
	int method_##name(void *userdata, const struct control_request *req,	\
			  cJSON **result, char *errmsg, size_t errlen)

METHOD(status);
METHOD(version);
METHOD(topology);
METHOD(explain);
METHOD(set_layer);
METHOD(add_layer);
METHOD(remove_layer);
METHOD(match_add);
METHOD(match_remove);
METHOD(reload);
METHOD(save);
METHOD(stop);
METHOD(start);
METHOD(roles);
METHOD(role_show);
METHOD(role_set);
METHOD(run);
METHOD(move);
METHOD(unpin);
METHOD(compare_start);
METHOD(compare_status);
METHOD(compare_step);
METHOD(compare_stop);
METHOD(compare_result);
METHOD(processes);

/* ---- helpers shared by the methods ---- */

/* params.@key: *out is NULL when absent (and not @required); -EINVAL
 * when not a non-empty string. */
int param_string(const cJSON *params, const char *key, bool required, const char **out,
		 char *errmsg, size_t errlen);

/* params.@key as a process id (1..INT32_MAX): -EINVAL when absent or not one. */
int param_pid(const cJSON *params, const char *key, int *out, char *errmsg, size_t errlen);

/* -EBUSY ("the scheduler is not attached") unless it is. */
int need_attached(const struct manager *m, char *errmsg, size_t errlen);

/* -EBUSY while a compare runs: the configuration and the scheduler it
 * compares must stay as they are until it ends. */
int need_no_compare(const struct manager *m, char *errmsg, size_t errlen);

/* The status document of @m into *st (zeroed by the caller): -errno when
 * the scheduler's counters cannot be read. */
int status_fill(struct manager *m, struct proto_status *st);

/* *result = {"@key": "@value"}. */
int result_string(cJSON **result, const char *key, const char *value);

#endif
