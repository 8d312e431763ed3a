/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control.h - the daemon's control socket server (protocol.h on the wire).
 *
 * Runs inside the daemon's sd-event loop and never blocks it: every client
 * has its own non-blocking io source, bounded input and output buffers and
 * an idle timer, so a slow, silent or hostile client only ever costs its
 * own connection. Each request is checked in a fixed order before its
 * method runs: size, JSON shape, protocol version, method exists, caller
 * (by the method's access class in proto_methods[]), params type.
 *
 * The server does not log. Failures of control_new() come back as -errno;
 * per-request outcomes of methods that change something can be observed through the
 * audit hook (control_set_audit()), which is where the daemon logs them.
 */
#ifndef SCXD_CONTROL_H
#define SCXD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <cJSON.h>
#include <systemd/sd-event.h>

#include "protocol.h"

#define CONTROL_MAX_CLIENTS	256
#define CONTROL_IDLE_USEC	(30 * 1000000ULL)	/* without a complete request */
#define CONTROL_MAX_OUTPUT	(256 * 1024)		/* queued: stop reading above */

struct control;

/* Who asked what. The credentials are the peer's at connect() time
 * (SO_PEERCRED). params is NULL when the request had none. proto is the
 * protocol version the client speaks (<= SCXD_PROTO_VERSION), for the day
 * a method must answer an older client differently. */
struct control_request {
	const char	*method;
	const cJSON	*params;
	uid_t		uid;
	gid_t		gid;
	pid_t		pid;
	int		proto;
	uint64_t	conn;		/* the connection, never 0: the same for
					 * every request on it (control_hangup_fn) */
	bool		admin;		/* root or in the admin group (checked for
					 * every method that is not read-only) */
};

/*
 * A method handler. Returns 0 and sets *result (may stay NULL: the reply
 * is {}), or a negative errno; on error it may write a human message into
 * errmsg (errlen bytes), sent as the error's "data". *result is dropped on
 * error. Errno -> code (proto_code_from_errno()): -EPERM permission denied,
 * -ENOENT not found, -EINVAL invalid params, -EBUSY busy, -EBADMSG invalid
 * config, anything else internal.
 */
typedef int (*control_fn)(void *userdata, const struct control_request *req,
			  cJSON **result, char *errmsg, size_t errlen);

/*
 * Called once for every request to a method that is not read-only
 * (PROTO_ACCESS_SELF and _ADMIN), after it ran (r is its return value) or
 * the caller was refused (r = -EPERM). Not called for read-only methods,
 * nor for requests that failed another check (size, shape, version,
 * params type): those never reached the method.
 */
typedef void (*control_audit_fn)(void *userdata, const struct control_request *req, int r);

/*
 * Start serving on event. If systemd passed a listening socket
 * (sd_listen_fds(0) >= 1) the first one is used and must be a Unix stream
 * socket (else -ENOTSOCK); it is never unlinked. Otherwise socket_path is
 * created: parent directory made 0755 if missing, a stale socket removed,
 * -EADDRINUSE if a live server answers there, -EEXIST if the path is not
 * a socket, then bind, chmod 0666 (authorization is per request), listen.
 *
 * admin_group names the group whose members (primary or supplementary, at
 * connect time) may call PROTO_ACCESS_ADMIN methods besides root; NULL or
 * "" means root only. It is looked up per request, so it may be created
 * later.
 *
 * handlers[id] serves method id of proto_methods[], which says who may
 * call it; a NULL entry is answered "method not found". The array and
 * userdata must outlive the server.
 */
int control_new(struct control **ret, sd_event *event, const char *socket_path,
		const char *admin_group, const control_fn handlers[PROTO_NR_METHODS],
		void *userdata);

/* NULL-safe. Closes every client and the listening socket; unlinks the
 * socket file if control_new() created it and it is still ours. */
struct control *control_free(struct control *c);

void control_set_audit(struct control *c, control_audit_fn audit);

/* Called when connection @conn (control_request.conn) closes: the peer
 * went away, or the server closed it (idle, a request too large). Not
 * called by control_free(). For what a client holds while connected. */
typedef void (*control_hangup_fn)(void *userdata, uint64_t conn);

void control_set_hangup(struct control *c, control_hangup_fn hangup);

/* Tuning, mostly for tests; 0 restores the default. */
void control_set_idle_timeout(struct control *c, uint64_t usec);
void control_set_max_clients(struct control *c, unsigned max);

/* Connected clients right now. */
unsigned control_n_clients(const struct control *c);

#endif /* SCXD_CONTROL_H */
