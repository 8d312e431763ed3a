/* SPDX-License-Identifier: GPL-2.0 */
/*
 * transport.c - talking to the daemon: connect, send one line, read one
 * line; a connection per request, or one held for a verb's whole run
 * (opts.conn). The socket stays blocking; poll() bounds every wait by one
 * deadline for the whole exchange, so a wedged daemon costs at most
 * --timeout.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

#define MAX_RESPONSE	(16 * 1024 * 1024)

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline: 1 ready, 0 timed out, -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		long long left = deadline - now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int connect_daemon(const struct opts *o, long long deadline, int *ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long left = deadline - now_ms();
	struct timeval tv = { .tv_sec = left / 1000, .tv_usec = (left % 1000) * 1000 };
	int fd, err;

	if (strlen(o->socket) >= sizeof(sa.sun_path))
		return ctl_fail(EXIT_USAGE, MSG_USAGE, "socket path too long: %s", o->socket);
	strcpy(sa.sun_path, o->socket);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ctl_fail(EXIT_ERROR, MSG_CONNECT, "socket: %m");
	/* connect() on AF_UNIX waits for backlog room up to SO_SNDTIMEO. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*ret = fd;
		return EXIT_OK;
	}
	err = errno;
	close(fd);
	errno = err;
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
	case ENOTDIR:
		return ctl_fail(EXIT_NOT_RUNNING, MSG_NOT_RUNNING, "%s: %m", o->socket);
	case EACCES:
	case EPERM:
		return ctl_fail(EXIT_PERMISSION, MSG_PERMISSION, "%s: %m", o->socket);
	case EAGAIN:
	case ETIMEDOUT:
		return ctl_fail(EXIT_ERROR, MSG_TIMEOUT, "connecting to %s after %d ms",
			    o->socket, o->timeout_ms);
	}
	return ctl_fail(EXIT_ERROR, MSG_CONNECT, "%s: %m", o->socket);
}

static int send_line(const struct opts *o, int fd, const char *line, long long deadline)
{
	size_t len = strlen(line), off = 0;

	while (off < len) {
		int r = wait_fd(fd, POLLOUT, deadline);
		ssize_t n;

		if (r == 0)
			return ctl_fail(EXIT_ERROR, MSG_TIMEOUT, "sending to %s after %d ms",
				    o->socket, o->timeout_ms);
		if (r < 0) {
			errno = -r;
			return ctl_fail(EXIT_ERROR, MSG_CONNECT, "poll: %m");
		}
		n = send(fd, line + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return ctl_fail(EXIT_ERROR, MSG_CONNECT, "sending to %s: %m", o->socket);
		}
		off += n;
	}
	return EXIT_OK;
}

/* Read up to the first '\n'; *ret is a malloc()ed NUL-terminated line. */
static int recv_line(const struct opts *o, int fd, long long deadline, char **ret)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nl = NULL;

	if (!buf)
		return ctl_oom();
	while (!nl) {
		int r = wait_fd(fd, POLLIN, deadline);
		ssize_t n;

		if (r <= 0) {
			free(buf);
			if (r == 0)
				return ctl_fail(EXIT_ERROR, MSG_TIMEOUT, "waiting for %s after %d ms",
					    o->socket, o->timeout_ms);
			errno = -r;
			return ctl_fail(EXIT_ERROR, MSG_CONNECT, "poll: %m");
		}
		if (cap - len < 4096) {
			char *p;

			if (cap >= MAX_RESPONSE) {
				free(buf);
				return ctl_fail(EXIT_ERROR, MSG_RESPONSE, "response over %d bytes",
					    MAX_RESPONSE);
			}
			p = realloc(buf, cap *= 2);
			if (!p) {
				free(buf);
				return ctl_oom();
			}
			buf = p;
		}
		n = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			free(buf);
			return ctl_fail(EXIT_ERROR, MSG_CONNECT, "reading from %s: %m", o->socket);
		}
		if (n == 0) {
			free(buf);
			return ctl_fail(EXIT_ERROR, MSG_CONNECT, "%s closed the connection", o->socket);
		}
		nl = memchr(buf + len, '\n', n);
		len += n;
	}
	*nl = '\0';
	*ret = buf;
	return EXIT_OK;
}

/* The exit status for an error the daemon answered with. */
static int remote_error(const struct proto_error *err)
{
	int status = EXIT_ERROR;

	if (err->code == PROTO_ERR_PERMISSION)
		status = EXIT_PERMISSION;
	else if (err->code == PROTO_ERR_INVALID_CONFIG)
		status = EXIT_CONFIG;
	if (err->message[0])
		return ctl_fail(status, proto_error_message(err->code), "%s", err->message);
	return ctl_fail(status, proto_error_message(err->code), NULL);
}

int rpc_connect(const struct opts *o, int *fd)
{
	return connect_daemon(o, now_ms() + o->timeout_ms, fd);
}

int rpc(const struct opts *o, enum proto_method_id method, cJSON *params, cJSON **result)
{
	long long deadline = now_ms() + o->timeout_ms;
	struct proto_error err;
	char *line;
	int fd = o->conn, status = EXIT_OK, r;

	*result = NULL;
	line = proto_request_build(1, proto_methods[method].name, params);
	if (!line)
		return ctl_oom();
	if (fd < 0)
		status = connect_daemon(o, deadline, &fd);
	if (status == EXIT_OK)
		status = send_line(o, fd, line, deadline);
	free(line);
	if (status == EXIT_OK)
		status = recv_line(o, fd, deadline, &line);
	if (fd >= 0 && o->conn < 0)
		close(fd);
	if (status != EXIT_OK)
		return status;

	r = proto_response_parse(line, result, &err);
	free(line);
	if (r == -EREMOTEIO)
		return remote_error(&err);
	if (r == -ENOMEM)
		return ctl_oom();
	if (r < 0)
		return ctl_fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	return EXIT_OK;
}

int print_json(const cJSON *j)
{
	char *s = cJSON_Print(j);

	if (!s)
		return ctl_oom();
	puts(s);
	cJSON_free(s);
	return EXIT_OK;
}

int rpc_decode(const struct opts *o, enum proto_method_id method, void *out, bool *printed)
{
	struct proto_error err;
	cJSON *result;
	int status, r;

	status = rpc_or_json(o, method, NULL, &result);
	*printed = status == EXIT_OK && !result;
	if (!result)
		return status;
	r = proto_result_decode(method, result, out, &err);
	cJSON_Delete(result);
	if (r < 0)
		return ctl_fail(EXIT_ERROR, MSG_RESPONSE, "%s", err.message);
	return EXIT_OK;
}

int rpc_or_json(const struct opts *o, enum proto_method_id method, cJSON *params,
		cJSON **result)
{
	int status = rpc(o, method, params, result);

	if (status != EXIT_OK || !o->json)
		return status;
	status = print_json(*result);
	cJSON_Delete(*result);
	*result = NULL;
	return status;
}

cJSON *string_params(const char *key, const char *value)
{
	cJSON *params = cJSON_CreateObject();

	if (params && !cJSON_AddStringToObject(params, key, value)) {
		cJSON_Delete(params);
		return NULL;
	}
	return params;
}

int change(const struct opts *o, enum proto_method_id method, cJSON *params, const char *done)
{
	cJSON *result;
	int status;

	status = rpc_or_json(o, method, params, &result);
	if (status == EXIT_OK && result && done)
		printf("%s\n", done);
	cJSON_Delete(result);
	return status;
}

