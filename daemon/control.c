/* SPDX-License-Identifier: GPL-2.0 */
/*
 * control.c - the control socket server.
 *
 * One listening socket, one struct client per connection. Everything is
 * non-blocking and driven by sd-event:
 *
 *  - a client is read one chunk per wakeup, so a chatty client cannot
 *    starve the others; its input buffer never exceeds PROTO_MAX_REQUEST,
 *    and a full buffer without '\n' is answered "request too large" and
 *    the connection closed (there is no way to find the next request);
 *  - every complete line is answered in order; once more than
 *    CONTROL_MAX_OUTPUT bytes wait for a peer that does not read, the
 *    server stops reading (and answering) that client until it drains:
 *    backpressure instead of unbounded memory;
 *  - an idle timer closes a client that completes no request and takes
 *    no output for CONTROL_IDLE_USEC;
 *  - past max_clients, a new connection gets one "busy" line and is
 *    closed at once; when accept() runs out of descriptors the listener
 *    pauses briefly instead of spinning.
 *
 * Closing with unread input is safe on AF_UNIX: the peer still reads
 * what was queued for it before it sees the end of the stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "control.h"
#include "procfs.h"
#include "protocol.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

#define ACCEPT_BURST		32			/* accepts per wakeup */
#define ACCEPT_BACKOFF_USEC	(250 * 1000ULL)		/* after EMFILE and friends */
#define READ_CHUNK		4096

struct client {
	struct control	*control;
	struct client	*prev, *next;
	int		fd;
	sd_event_source	*io;
	sd_event_source	*timer;
	struct ucred	cred;
	uint64_t	id;		/* control_request.conn */

	char		*in;		/* unprocessed input: in[in_off .. in_len) */
	size_t		in_off, in_len, in_cap;
	char		*out;		/* queued output: out[out_off .. out_len) */
	size_t		out_off, out_len, out_cap;

	bool		eof;		/* peer shut down its side: answer, then close */
	bool		closing;	/* close as soon as the output is flushed */
};

struct control {
	sd_event		*event;
	sd_event_source		*listen_src;
	sd_event_source		*retry_src;
	int			listen_fd;
	char			*path;		/* set only if we created it */
	dev_t			path_dev;
	ino_t			path_ino;

	char			*admin_group;
	const control_fn	*handlers;	/* [PROTO_NR_METHODS] */
	void			*userdata;
	control_audit_fn	audit;
	control_hangup_fn	hangup;
	uint64_t		last_id;

	uint64_t		idle_usec;
	unsigned		max_clients;
	unsigned		n_clients;
	struct client		*clients;
};

/* ---- clients ----------------------------------------------------------- */

static void client_free(struct client *cl)
{
	struct control *c;

	if (!cl)
		return;
	c = cl->control;
	if (cl->prev)
		cl->prev->next = cl->next;
	else
		c->clients = cl->next;
	if (cl->next)
		cl->next->prev = cl->prev;
	c->n_clients--;
	if (c->hangup)
		c->hangup(c->userdata, cl->id);

	/* Safe from inside the sources' own callbacks: sd-event defers. */
	sd_event_source_disable_unref(cl->io);
	sd_event_source_disable_unref(cl->timer);
	close(cl->fd);
	free(cl->in);
	free(cl->out);
	free(cl);
}

static void client_touch(struct client *cl)
{
	sd_event_source_set_time_relative(cl->timer, cl->control->idle_usec);
	sd_event_source_set_enabled(cl->timer, SD_EVENT_ONESHOT);
}

static size_t client_pending(const struct client *cl)
{
	return cl->out_len - cl->out_off;
}

/* Queue a response line (malloc()ed, consumed). */
static int client_queue(struct client *cl, char *line)
{
	size_t n;

	if (!line)
		return -ENOMEM;
	n = strlen(line);
	if (cl->out_off == cl->out_len)
		cl->out_off = cl->out_len = 0;
	if (cl->out_len + n > cl->out_cap) {
		size_t cap = cl->out_cap ? cl->out_cap : 4096;
		char *p;

		/* Reclaim what was sent before growing. */
		if (cl->out_off) {
			memmove(cl->out, cl->out + cl->out_off, cl->out_len - cl->out_off);
			cl->out_len -= cl->out_off;
			cl->out_off = 0;
		}
		while (cap < cl->out_len + n)
			cap *= 2;
		if (cap != cl->out_cap) {
			p = realloc(cl->out, cap);
			if (!p) {
				free(line);
				return -ENOMEM;
			}
			cl->out = p;
			cl->out_cap = cap;
		}
	}
	memcpy(cl->out + cl->out_len, line, n);
	cl->out_len += n;
	free(line);
	return 0;
}

static int client_reply_error(struct client *cl, const cJSON *id, int code, const char *detail)
{
	return client_queue(cl, proto_response_error(id, code, detail));
}

/* Is gid among the peer's supplementary groups? SO_PEERGROUPS gives them
 * as they were at connect(), like SO_PEERCRED; /proc/PID/status is the
 * fallback for kernels before 4.13 and is only trusted if it still shows
 * the peer's uid (the pid may have been reused). */
static int peer_in_group(const struct client *cl, gid_t gid)
{
	socklen_t len = 64 * sizeof(gid_t);
	gid_t *groups = NULL;
	struct proc_ids ids;
	int r = 0;

	for (;;) {
		gid_t *p = realloc(groups, len ? len : sizeof(gid_t));

		if (!p) {
			free(groups);
			return -ENOMEM;
		}
		groups = p;
		if (getsockopt(cl->fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
			for (size_t i = 0; i < len / sizeof(gid_t); i++)
				if (groups[i] == gid)
					r = 1;
			free(groups);
			return r;
		}
		if (errno != ERANGE)
			break;
	}
	r = -errno;
	free(groups);
	if (r != -ENOPROTOOPT)
		return r;

	r = proc_ids_read(PROC_ROOT, cl->cred.pid, &ids);
	if (r == 0 && ids.uid[PROC_EFFECTIVE] == cl->cred.uid)
		for (size_t i = 0; i < ids.nr_groups; i++)
			if (ids.groups[i] == gid)
				r = 1;
	proc_ids_done(&ids);
	return r;
}

/* 1 if the peer is root or in the admin group, 0 if not, -errno on failure. */
static int client_is_admin(const struct client *cl)
{
	const char *name = cl->control->admin_group;
	struct group grp, *res = NULL;
	size_t size = 4096;
	char *buf = NULL;
	gid_t gid;
	int r;

	if (cl->cred.uid == 0)
		return 1;
	if (!name || !name[0])
		return 0;
	for (;;) {
		char *p = realloc(buf, size);

		if (!p) {
			free(buf);
			return -ENOMEM;
		}
		buf = p;
		r = getgrnam_r(name, &grp, buf, size, &res);
		if (r != ERANGE || size >= 1024 * 1024)
			break;
		size *= 2;
	}
	gid = res ? res->gr_gid : 0;
	free(buf);
	if (r)
		return -r;
	if (!res)
		return 0;	/* no such group (yet): root only */
	if (cl->cred.gid == gid)
		return 1;
	return peer_in_group(cl, gid);
}

/* Validate and run one request line; queue exactly one response. */
static int client_handle_line(struct client *cl, char *line, size_t len)
{
	struct control *c = cl->control;
	const struct proto_method *m;
	struct control_request creq;
	struct proto_request req;
	struct proto_error err;
	cJSON *result = NULL;
	char errmsg[256] = "";
	int r, pr, admin, id;

	pr = proto_request_parse(line, len, &req, &err);
	/* Size, shape, version: answered before anything else. A bad
	 * "params" waits until the method and the caller are known. */
	if (pr < 0 && err.code != PROTO_ERR_INVALID_PARAMS) {
		r = client_reply_error(cl, req.id, err.code, err.message);
		goto out;
	}

	id = proto_method_find(req.method);
	if (id < 0 || !c->handlers[id]) {
		snprintf(errmsg, sizeof(errmsg), "unknown method \"%.64s\"", req.method);
		r = client_reply_error(cl, req.id, PROTO_ERR_METHOD_NOT_FOUND, errmsg);
		goto out;
	}

	m = &proto_methods[id];
	creq = (struct control_request){
		.method = m->name,
		.params = req.params,
		.uid = cl->cred.uid,
		.gid = cl->cred.gid,
		.pid = cl->cred.pid,
		.proto = req.proto,
		.conn = cl->id,
	};

	if (m->access != PROTO_ACCESS_READ) {
		admin = client_is_admin(cl);
		creq.admin = admin > 0;
		if (admin < 0 || (!admin && m->access == PROTO_ACCESS_ADMIN)) {
			if (admin < 0)
				snprintf(errmsg, sizeof(errmsg),
					 "cannot check the caller's groups: %s", strerror(-admin));
			else if (c->admin_group && c->admin_group[0])
				snprintf(errmsg, sizeof(errmsg),
					 "\"%s\" needs root or group \"%s\"", m->name, c->admin_group);
			else
				snprintf(errmsg, sizeof(errmsg), "\"%s\" needs root", m->name);
			if (c->audit)
				c->audit(c->userdata, &creq, -EPERM);
			r = client_reply_error(cl, req.id, PROTO_ERR_PERMISSION, errmsg);
			goto out;
		}
	}

	if (pr < 0) {
		r = client_reply_error(cl, req.id, err.code, err.message);
		goto out;
	}

	r = c->handlers[id](c->userdata, &creq, &result, errmsg, sizeof(errmsg));
	if (m->access != PROTO_ACCESS_READ && c->audit)
		c->audit(c->userdata, &creq, r);
	if (r < 0) {
		int code = proto_code_from_errno(r);

		cJSON_Delete(result);
		errmsg[sizeof(errmsg) - 1] = '\0';
		if (!errmsg[0] && code == PROTO_ERR_INTERNAL)
			snprintf(errmsg, sizeof(errmsg), "%s", strerror(-r));
		r = client_reply_error(cl, req.id, code, errmsg);
	} else {
		r = client_queue(cl, proto_response_result(req.id, result));
	}
out:
	proto_request_done(&req);
	return r;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Answer every complete line while the peer keeps up with the output. */
static int client_process(struct client *cl)
{
	int r;

	while (!cl->closing && client_pending(cl) < CONTROL_MAX_OUTPUT) {
		char *start = cl->in + cl->in_off;
		size_t avail = cl->in_len - cl->in_off;
		char *nl = memchr(start, '\n', avail);
		size_t len;

		if (!nl) {
			if (cl->in_len - cl->in_off >= PROTO_MAX_REQUEST) {
				char msg[64];

				snprintf(msg, sizeof(msg), "request line exceeds %d bytes",
					 PROTO_MAX_REQUEST);
				cl->closing = true;
				cl->in_off = cl->in_len = 0;
				return client_reply_error(cl, NULL, PROTO_ERR_TOO_LARGE, msg);
			}
			if (!cl->eof || !avail)
				break;
			/* A last line without '\n' before the end of input. */
			nl = start + avail;
		}
		len = nl - start;
		cl->in_off += len + (nl < start + avail);
		if (len && start[len - 1] == '\r')
			len--;
		if (blank(start, len))
			continue;
		start[len] = '\0';	/* the '\n' or '\r', or in_cap > in_len */
		r = client_handle_line(cl, start, len);
		if (r < 0)
			return r;
		client_touch(cl);
	}

	/* Keep the unprocessed tail at the start of the buffer. */
	if (cl->in_off) {
		memmove(cl->in, cl->in + cl->in_off, cl->in_len - cl->in_off);
		cl->in_len -= cl->in_off;
		cl->in_off = 0;
	}
	return 0;
}

static int client_read(struct client *cl)
{
	ssize_t n;

	/* One byte more than a request may hold, for the terminating NUL
	 * that client_process() writes after an unterminated last line. */
	if (cl->in_cap - cl->in_len < READ_CHUNK && cl->in_cap < PROTO_MAX_REQUEST + 1) {
		size_t cap = cl->in_cap ? cl->in_cap * 2 : READ_CHUNK;
		char *p;

		if (cap > PROTO_MAX_REQUEST + 1)
			cap = PROTO_MAX_REQUEST + 1;
		p = realloc(cl->in, cap);
		if (!p)
			return -ENOMEM;
		cl->in = p;
		cl->in_cap = cap;
	}
	if (cl->in_len >= PROTO_MAX_REQUEST)
		return 0;	/* full: client_process() rejects it */

	n = read(cl->fd, cl->in + cl->in_len, PROTO_MAX_REQUEST - cl->in_len < cl->in_cap - cl->in_len
		 ? PROTO_MAX_REQUEST - cl->in_len : cl->in_cap - cl->in_len);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		cl->eof = true;
	cl->in_len += n;
	return 0;
}

static int client_flush(struct client *cl)
{
	while (client_pending(cl)) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, client_pending(cl),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		cl->out_off += n;
		client_touch(cl);
	}
	cl->out_off = cl->out_len = 0;
	return 0;
}

/* Is there input client_process() would act on now? */
static bool client_has_work(const struct client *cl)
{
	size_t avail = cl->in_len - cl->in_off;

	if (cl->closing || !avail)
		return false;
	return cl->eof || avail >= PROTO_MAX_REQUEST || memchr(cl->in + cl->in_off, '\n', avail);
}

/* Process, flush, and decide what to wait for next; frees cl when done. */
static void client_step(struct client *cl)
{
	uint32_t events = 0;

	/* Output backpressure may have stopped processing; if the peer took
	 * it all at once, carry on with the lines still buffered. */
	do {
		if (client_process(cl) < 0 || client_flush(cl) < 0) {
			client_free(cl);
			return;
		}
	} while (!client_pending(cl) && client_has_work(cl));
	if (!client_pending(cl) && (cl->closing || cl->eof)) {
		client_free(cl);
		return;
	}
	if (client_pending(cl))
		events |= EPOLLOUT;
	if (!cl->closing && !cl->eof && client_pending(cl) < CONTROL_MAX_OUTPUT)
		events |= EPOLLIN;
	if (sd_event_source_set_io_events(cl->io, events) < 0)
		client_free(cl);
}

static int on_client_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct client *cl = userdata;

	if (revents & EPOLLERR) {
		client_free(cl);
		return 0;
	}
	if ((revents & (EPOLLIN | EPOLLHUP)) && !cl->eof && !cl->closing) {
		if (client_read(cl) < 0) {
			client_free(cl);
			return 0;
		}
	}
	client_step(cl);
	return 0;
}

static int on_client_idle(sd_event_source *s, uint64_t usec, void *userdata)
{
	client_free(userdata);
	return 0;
}

static void reject_busy(int fd)
{
	char *line = proto_response_error(NULL, PROTO_ERR_BUSY, "too many clients");

	if (line && send(fd, line, strlen(line), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* Best effort: the peer sees the connection close either way. */
	}
	free(line);
	close(fd);
}

static int client_new(struct control *c, int fd)
{
	socklen_t len = sizeof(struct ucred);
	struct client *cl;
	int r;

	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return -ENOMEM;
	}
	cl->control = c;
	cl->fd = fd;
	cl->id = ++c->last_id;
	cl->next = c->clients;
	if (c->clients)
		c->clients->prev = cl;
	c->clients = cl;
	c->n_clients++;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cl->cred, &len) < 0) {
		r = -errno;
		goto fail;
	}
	r = sd_event_add_io(c->event, &cl->io, fd, EPOLLIN, on_client_io, cl);
	if (r < 0)
		goto fail;
	r = sd_event_add_time_relative(c->event, &cl->timer, CLOCK_MONOTONIC, c->idle_usec, 0,
				       on_client_idle, cl);
	if (r < 0)
		goto fail;
	/* Input that waits when the timer fires (the daemon did not run for
	 * that long) is read first: it may complete a request. sd-event
	 * happens to dispatch io before a timer due in the same turn; this
	 * makes it a rule. */
	r = sd_event_source_set_priority(cl->timer, SD_EVENT_PRIORITY_NORMAL + 1);
	if (r < 0)
		goto fail;
	return 0;
fail:
	client_free(cl);
	return r;
}

/* ---- listening --------------------------------------------------------- */

static int on_accept_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct control *c = userdata;

	sd_event_source_set_enabled(c->listen_src, SD_EVENT_ON);
	return 0;
}

/* Out of descriptors or memory: the listener stays readable, so pause it
 * instead of waking up for nothing until a client goes away. */
static void accept_backoff(struct control *c)
{
	sd_event_source_set_enabled(c->listen_src, SD_EVENT_OFF);
	if (!c->retry_src) {
		if (sd_event_add_time_relative(c->event, &c->retry_src, CLOCK_MONOTONIC,
					       ACCEPT_BACKOFF_USEC, 0, on_accept_retry, c) < 0)
			sd_event_source_set_enabled(c->listen_src, SD_EVENT_ON);
		return;
	}
	sd_event_source_set_time_relative(c->retry_src, ACCEPT_BACKOFF_USEC);
	sd_event_source_set_enabled(c->retry_src, SD_EVENT_ONESHOT);
}

static int on_accept(sd_event_source *s, int lfd, uint32_t revents, void *userdata)
{
	struct control *c = userdata;

	for (int i = 0; i < ACCEPT_BURST; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				accept_backoff(c);
			else if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			break;
		}
		if (c->n_clients >= c->max_clients) {
			reject_busy(fd);
			continue;
		}
		if (client_new(c, fd) == -ENOMEM)
			accept_backoff(c);
	}
	return 0;
}

static int mkdir_parents(const char *path, mode_t mode)
{
	char *dir = strdup(path), *p;
	int r = 0;

	if (!dir)
		return -ENOMEM;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		goto out;
	*p = '\0';
	for (p = dir + 1;; p++) {
		bool last = !*p;

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST) {
			r = -errno;
			goto out;
		}
		if (last)
			break;
		*p = '/';
	}
out:
	free(dir);
	return r;
}

static int socket_open(struct control *c, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, r;

	if (!path || !path[0])
		return -EINVAL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);

	r = mkdir_parents(path, 0755);
	if (r < 0)
		return r;

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		/* Someone answering there is another daemon: leave it alone. */
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		r = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
		close(fd);
		if (r == 0 || r == -EAGAIN || r == -EINPROGRESS)
			return -EADDRINUSE;
		if (r != -ECONNREFUSED)
			return r;
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
	} else if (errno != ENOENT) {
		return -errno;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	c->path = strdup(path);
	if (!c->path || chmod(path, 0666) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    lstat(path, &st) < 0) {
		r = c->path ? -errno : -ENOMEM;
		unlink(path);
		free(c->path);
		c->path = NULL;
		close(fd);
		return r;
	}
	c->path_dev = st.st_dev;
	c->path_ino = st.st_ino;
	c->listen_fd = fd;
	return 0;
}

static int socket_inherit(struct control *c)
{
	int fd = SD_LISTEN_FDS_START, fl, r;

	r = sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0);
	if (r < 0)
		return r;
	if (r == 0)
		return -ENOTSOCK;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return -errno;
	c->listen_fd = fd;
	return 0;
}

int control_new(struct control **ret, sd_event *event, const char *socket_path,
		const char *admin_group, const control_fn handlers[PROTO_NR_METHODS],
		void *userdata)
{
	struct control *c;
	int r;

	*ret = NULL;
	if (!event || !handlers)
		return -EINVAL;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->event = sd_event_ref(event);
	c->listen_fd = -1;
	c->userdata = userdata;
	c->idle_usec = CONTROL_IDLE_USEC;
	c->max_clients = CONTROL_MAX_CLIENTS;
	c->handlers = handlers;
	if (admin_group && !(c->admin_group = strdup(admin_group))) {
		r = -ENOMEM;
		goto fail;
	}

	r = sd_listen_fds(0);
	if (r < 0)
		goto fail;
	r = r >= 1 ? socket_inherit(c) : socket_open(c, socket_path);
	if (r < 0)
		goto fail;

	r = sd_event_add_io(event, &c->listen_src, c->listen_fd, EPOLLIN, on_accept, c);
	if (r < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	control_free(c);
	return r;
}

struct control *control_free(struct control *c)
{
	struct stat st;

	if (!c)
		return NULL;
	c->hangup = NULL;
	while (c->clients)
		client_free(c->clients);
	sd_event_source_disable_unref(c->listen_src);
	sd_event_source_disable_unref(c->retry_src);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	/* Only our own socket: a successor may have bound the path since. */
	if (c->path && lstat(c->path, &st) == 0 && st.st_dev == c->path_dev &&
	    st.st_ino == c->path_ino)
		unlink(c->path);
	free(c->path);
	free(c->admin_group);
	sd_event_unref(c->event);
	free(c);
	return NULL;
}

void control_set_audit(struct control *c, control_audit_fn audit)
{
	c->audit = audit;
}

void control_set_hangup(struct control *c, control_hangup_fn hangup)
{
	c->hangup = hangup;
}

void control_set_idle_timeout(struct control *c, uint64_t usec)
{
	c->idle_usec = usec ? usec : CONTROL_IDLE_USEC;
}

void control_set_max_clients(struct control *c, unsigned max)
{
	c->max_clients = max ? max : CONTROL_MAX_CLIENTS;
}

unsigned control_n_clients(const struct control *c)
{
	return c->n_clients;
}
