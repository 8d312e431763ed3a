/*
 * test_control.c - the control socket server (daemon/control.c), run
 * in-process: the test is both the daemon's event loop and its clients.
 * Clients are plain sockets the test writes and reads between turns of the
 * loop, so every interleaving here is deterministic.
 *
 * The unit tests link only the pure objects, so the server is compiled
 * into this binary directly (as chrony's unit tests do).
 */
#include "control.c"

#include <sys/wait.h>
#include <time.h>

#include "test.h"

#define NOBODY	65534

struct ctx {
	int	calls;
	int	reloads;
	int	audits;
	int	audit_r;
	uid_t	audit_uid;
	uint64_t conn;		/* of the last status request */
	int	hangups;
	uint64_t hung;		/* the last connection reported closed */
};

static int m_status(void *ud, const struct control_request *req, cJSON **result,
		    char *errmsg, size_t errlen)
{
	struct ctx *x = ud;

	x->calls++;
	x->conn = req->conn;
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "state", "enabled");
	cJSON_AddNumberToObject(*result, "uid", req->uid);
	cJSON_AddNumberToObject(*result, "proto", req->proto);
	return 0;
}

static int m_reload(void *ud, const struct control_request *req, cJSON **result,
		    char *errmsg, size_t errlen)
{
	struct ctx *x = ud;

	x->calls++;
	x->reloads++;
	return 0;
}

/* A method open to users: it says whether the server found an admin. */
static int m_mine(void *ud, const struct control_request *req, cJSON **result,
		  char *errmsg, size_t errlen)
{
	struct ctx *x = ud;

	x->calls++;
	*result = cJSON_CreateObject();
	cJSON_AddBoolToObject(*result, "admin", req->admin);
	return 0;
}

static int m_busy(void *ud, const struct control_request *req, cJSON **result,
		  char *errmsg, size_t errlen)
{
	*result = cJSON_CreateObject();	/* dropped on error */
	snprintf(errmsg, errlen, "scheduler not attached");
	return -EBUSY;
}

static int m_fail(void *ud, const struct control_request *req, cJSON **result,
		  char *errmsg, size_t errlen)
{
	return -EIO;
}

#define BIG_LEN (100 * 1024)

static int m_big(void *ud, const struct control_request *req, cJSON **result,
		 char *errmsg, size_t errlen)
{
	char *s = malloc(BIG_LEN + 1);

	if (!s)
		return -ENOMEM;
	memset(s, 'b', BIG_LEN);
	s[BIG_LEN] = '\0';
	*result = cJSON_CreateObject();
	cJSON_AddStringToObject(*result, "blob", s);
	free(s);
	return 0;
}

static void audit(void *ud, const struct control_request *req, int r)
{
	struct ctx *x = ud;

	x->audits++;
	x->audit_r = r;
	x->audit_uid = req->uid;
}

static void hangup(void *ud, uint64_t conn)
{
	struct ctx *x = ud;

	x->hangups++;
	x->hung = conn;
}

/*
 * Handlers for real methods of the protocol, which decides who may call
 * them: status is read-only, reload admin-only, run open to users (the
 * method checks). The other read-only methods stand in for handlers that
 * fail or answer at length.
 */
#define MINE	"run"
#define BUSY	"topology"
#define FAIL	"explain"
#define BIG	"version"
static const control_fn methods[PROTO_NR_METHODS] = {
	[PROTO_METHOD_STATUS]	= m_status,
	[PROTO_METHOD_RELOAD]	= m_reload,
	[PROTO_METHOD_TOPOLOGY]	= m_busy,
	[PROTO_METHOD_RUN]	= m_mine,
	[PROTO_METHOD_EXPLAIN]	= m_fail,
	[PROTO_METHOD_VERSION]	= m_big,
};

/*
 * One server in a fresh directory, and the test's first client. down()
 * runs however the test returns, so a failed CHECK leaves nothing behind
 * for the next test to trip over.
 */
struct fixture {
	char		dir[64];
	char		path[128];
	sd_event	*e;
	struct control	*c;
	struct ctx	ctx;
	int		fd;		/* the first client, or -1 */
	struct proto_error err;		/* what the last response said */
};

/* Declares a test's fixture @f, which down() tears down as the test returns. */
#define DEFINE_FIXTURE(f) struct fixture f __attribute__((cleanup(down))) = { .fd = -1 }

static void down(struct fixture *f)
{
	char sub[160];

	if (!f->dir[0])
		return;		/* up() never ran: the test skipped itself */
	if (f->fd >= 0)
		close(f->fd);
	f->c = control_free(f->c);
	f->e = sd_event_unref(f->e);
	unlink(f->path);
	snprintf(sub, sizeof(sub), "%s/run", f->dir);
	rmdir(sub);
	rmdir(f->dir);
}

/* The server on the fixture's loop and path, with admin group @group. */
static int serve(struct fixture *f, const char *group, const control_fn *handlers)
{
	int r = control_new(&f->c, f->e, f->path, group, handlers, &f->ctx);

	if (r < 0)
		return r;
	control_set_audit(f->c, audit);
	control_set_hangup(f->c, hangup);
	return 0;
}

/* A server of methods[] whose admin group is @group (NULL: root only), and
 * a first client in f->fd made by @connect, unless that is NULL. */
static int up(struct fixture *f, const char *group, int (*connect)(const char *path))
{
	int r;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	strcpy(f->dir, "/tmp/scxd-control-XXXXXX");
	if (!mkdtemp(f->dir))
		return -errno;
	chmod(f->dir, 0755);	/* clients that dropped to nobody must reach it */
	snprintf(f->path, sizeof(f->path), "%s/run/control.sock", f->dir);
	r = sd_event_new(&f->e);
	if (r < 0)
		return r;
	r = serve(f, group, methods);
	if (r < 0 || !connect)
		return r;
	f->fd = connect(f->path);
	return f->fd < 0 ? f->fd : 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

/* One turn of the daemon's loop, waiting at most usec. */
static void pump(struct fixture *f, uint64_t usec)
{
	sd_event_run(f->e, usec);
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int send_all(struct fixture *f, int fd, const char *s, size_t n)
{
	uint64_t deadline = now_usec() + 5000000;

	while (n) {
		ssize_t k = send(fd, s, n, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (k < 0) {
			if (errno != EAGAIN)
				return -errno;
			if (now_usec() > deadline)
				return -ETIMEDOUT;
			pump(f, 10000);
			continue;
		}
		s += k;
		n -= k;
	}
	return 0;
}

static int send_str(struct fixture *f, int fd, const char *s)
{
	return send_all(f, fd, s, strlen(s));
}

/* Read one line (without '\n') into a malloc()ed *line while the loop runs.
 * Returns its length, 0 at the end of the stream, -ETIMEDOUT. */
static ssize_t recv_line(struct fixture *f, int fd, char **line, uint64_t timeout_usec)
{
	uint64_t deadline = now_usec() + timeout_usec;
	size_t len = 0, cap = 256;
	char *buf = malloc(cap);

	*line = NULL;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		char ch;
		ssize_t k = recv(fd, &ch, 1, MSG_DONTWAIT);

		if (k == 1) {
			if (ch == '\n') {
				buf[len] = '\0';
				*line = buf;
				return len ? (ssize_t)len : -EBADMSG;
			}
			if (len + 2 > cap) {
				char *p = realloc(buf, cap *= 2);

				if (!p) {
					free(buf);
					return -ENOMEM;
				}
				buf = p;
			}
			buf[len++] = ch;
			continue;
		}
		if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
			free(buf);
			return 0;
		}
		if (now_usec() > deadline) {
			free(buf);
			return -ETIMEDOUT;
		}
		pump(f, 10000);
	}
}

/* Wait for a response on fd; returns its error code (the error in f->err),
 * 0 for a result. */
static int response_code(struct fixture *f, int fd, cJSON **result)
{
	struct proto_error *err = &f->err;
	cJSON *res = NULL;
	char *line;
	ssize_t n = recv_line(f, fd, &line, 5000000);
	int r;

	memset(err, 0, sizeof(*err));
	if (result)
		*result = NULL;
	if (n <= 0) {
		snprintf(err->message, sizeof(err->message), "no response (%zd)", n);
		return 12345;
	}
	r = proto_response_parse(line, &res, err);
	free(line);
	if (r == 0) {
		if (result)
			*result = res;
		else
			cJSON_Delete(res);
		return 0;
	}
	return r == -EREMOTEIO ? err->code : 12346;
}

/* Send @line as it is on fd, and wait for the response's code. */
static int request(struct fixture *f, int fd, const char *line, cJSON **result)
{
	int r = send_str(f, fd, line);

	return r < 0 ? r : response_code(f, fd, result);
}

static int call(struct fixture *f, int fd, const char *method, cJSON **result)
{
	char *line = proto_request_build(1, method, NULL);
	int r = line ? request(f, fd, line, result) : -ENOMEM;

	free(line);
	return r;
}

/* True once the server has closed fd (whatever it still had queued is read). */
static bool closed_by_server(struct fixture *f, int fd, uint64_t timeout_usec)
{
	uint64_t deadline = now_usec() + timeout_usec;
	char buf[4096];

	for (;;) {
		ssize_t k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
			return true;
		if (k > 0)
			continue;
		if (now_usec() > deadline)
			return false;
		pump(f, 10000);
	}
}

/* A socket connected by a child that dropped to uid/gid NOBODY with the
 * given supplementary groups: the server sees those credentials. */
static int connect_as_nobody(const char *path, const gid_t *groups, size_t n)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr mh = { 0 };
	struct iovec iov;
	int sp[2], fd = -1, status;
	char byte = 0;
	pid_t pid;

	memset(&u, 0, sizeof(u));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	fflush(NULL);	/* or the child's exit may print our buffered lines again */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(sp[0]);
		if (setgroups(n, groups) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0)
			_exit(1);
		fd = connect_to(path);
		if (fd < 0)
			_exit(2);
		iov = (struct iovec){ &byte, 1 };
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
		_exit(sendmsg(sp[1], &mh, 0) == 1 ? 0 : 3);
	}
	close(sp[1]);
	iov = (struct iovec){ &byte, 1 };
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	if (recvmsg(sp[0], &mh, 0) == 1 && CMSG_FIRSTHDR(&mh) &&
	    CMSG_FIRSTHDR(&mh)->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	close(sp[0]);
	waitpid(pid, &status, 0);
	return fd >= 0 ? fd : -EIO;
}

/* A client that is not an admin: as root, a child drops to nobody;
 * otherwise we are a non-admin already, as long as the admin group is not
 * one of ours (see group_without_us()). */
static int connect_non_admin(const char *path)
{
	return geteuid() == 0 ? connect_as_nobody(path, NULL, 0) : connect_to(path);
}

static const char *group_without_us(void)
{
	return geteuid() == 0 ? "root" : "nonexistent-scxd-group";
}

TEST(a_read_only_method_answers_with_its_result)
{
	DEFINE_FIXTURE(f);
	cJSON *res;

	CHECK_INT(up(&f, NULL, connect_to), 0);
	CHECK_INT(call(&f, f.fd, "status", &res), 0);
	CHECK_STR(cJSON_GetObjectItem(res, "state")->valuestring, "enabled");
	CHECK_INT(cJSON_GetObjectItem(res, "uid")->valueint, getuid());
	CHECK_INT(cJSON_GetObjectItem(res, "proto")->valueint, SCXD_PROTO_VERSION);
	cJSON_Delete(res);
	CHECK_INT(f.ctx.audits, 0);	/* read-only methods are not audited */
}

/* Calling @method is refused as not found, naming it, and runs no handler. */
static void check_not_found(int *failed, const char *method)
{
	DEFINE_FIXTURE(f);

	CHECK_INT(up(&f, NULL, connect_to), 0);
	CHECK_INT(call(&f, f.fd, method, NULL), PROTO_ERR_METHOD_NOT_FOUND);
	CHECK_CONTAINS(f.err.message, method);
	CHECK_INT(f.ctx.calls, 0);
}

TEST(an_unknown_method_is_method_not_found)
{
	check_not_found(failed, "frobnicate");
}

TEST(a_half_line_from_a_stalled_client_does_not_delay_another_client)
{
	DEFINE_FIXTURE(f);
	uint64_t t0;
	int fast;

	CHECK_INT(up(&f, NULL, connect_to), 0);	/* f.fd: the slow one */
	fast = connect_to(f.path);
	CHECK(fast >= 0);
	CHECK_INT(send_str(&f, f.fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"meth"), 0);
	pump(&f, 10000);
	t0 = now_usec();
	CHECK_INT(call(&f, fast, "status", NULL), 0);
	CHECK(now_usec() - t0 < 1000000);
	/* The stalled one finishes its line later and is answered too. */
	CHECK_INT(request(&f, f.fd, "od\":\"status\"}\n", NULL), 0);
	CHECK_INT(f.ctx.calls, 2);
	close(fast);
}

TEST(pipelined_requests_on_one_connection_are_answered_in_order)
{
	static const char *const answers[] = {
		"\"id\":1,\"result\"", "\"id\":2,\"error\"", "\"id\":3,\"result\"",
	};
	DEFINE_FIXTURE(f);
	char *line;

	CHECK_INT(up(&f, NULL, connect_to), 0);
	CHECK_INT(send_str(&f, f.fd,
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}\n"
		"\n"
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}\r\n"
		"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"status\"}\n"), 0);
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		CHECK(recv_line(&f, f.fd, &line, 5000000) > 0);
		CHECK_CONTAINS(line, answers[i]);
		free(line);
	}
}

TEST(a_last_request_without_newline_before_shutdown_is_still_answered)
{
	DEFINE_FIXTURE(f);

	CHECK_INT(up(&f, NULL, connect_to), 0);
	CHECK_INT(send_str(&f, f.fd, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"status\"}"), 0);
	shutdown(f.fd, SHUT_WR);
	CHECK_INT(response_code(&f, f.fd, NULL), 0);
	CHECK(closed_by_server(&f, f.fd, 2000000));
	close(f.fd);
	f.fd = -1;
	pump(&f, 10000);
	CHECK_INT(control_n_clients(f.c), 0);
}

TEST(a_mutating_method_from_a_non_admin_is_denied_audited_and_not_run)
{
	DEFINE_FIXTURE(f);

	CHECK_INT(up(&f, group_without_us(), connect_non_admin), 0);
	CHECK_INT(call(&f, f.fd, "reload", NULL), PROTO_ERR_PERMISSION);
	CHECK_CONTAINS(f.err.message, "reload");
	CHECK_INT(f.ctx.reloads, 0);
	CHECK_INT(f.ctx.audits, 1);
	CHECK_INT(f.ctx.audit_r, -EPERM);
	CHECK_INT(f.ctx.audit_uid, geteuid() == 0 ? NOBODY : geteuid());
	/* Read-only methods stay open to the same caller. */
	CHECK_INT(call(&f, f.fd, "status", NULL), 0);
}

TEST(a_method_open_to_users_runs_for_a_non_admin_told_so_and_is_audited)
{
	DEFINE_FIXTURE(f);
	cJSON *res = NULL;
	int fd;

	CHECK_INT(up(&f, group_without_us(), connect_non_admin), 0);
	CHECK_INT(call(&f, f.fd, MINE, &res), 0);
	CHECK(res && cJSON_IsFalse(cJSON_GetObjectItem(res, "admin")));
	cJSON_Delete(res);
	CHECK_INT(f.ctx.audits, 1);
	CHECK_INT(f.ctx.audit_r, 0);
	if (geteuid() == 0) {
		fd = connect_to(f.path);
		CHECK(fd >= 0);
		res = NULL;
		CHECK_INT(call(&f, fd, MINE, &res), 0);
		CHECK(res && cJSON_IsTrue(cJSON_GetObjectItem(res, "admin")));
		cJSON_Delete(res);
		close(fd);
	}
}

TEST(the_caller_check_comes_before_the_params_check)
{
	DEFINE_FIXTURE(f);

	CHECK_INT(up(&f, NULL, connect_non_admin), 0);
	CHECK_INT(request(&f, f.fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"reload\","
			  "\"params\":[]}\n", NULL), PROTO_ERR_PERMISSION);
	CHECK_INT(request(&f, f.fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\","
			  "\"params\":[]}\n", NULL), PROTO_ERR_INVALID_PARAMS);
	CHECK_INT(f.ctx.calls, 0);
}

TEST(root_and_members_of_the_admin_group_may_call_mutating_methods)
{
	DEFINE_FIXTURE(f);
	struct group *g;
	gid_t gid;
	int fd;

	if (geteuid() != 0) {
		printf("  (not root: only the root-less half runs)\n");
		return;
	}
	g = getgrnam("adm") ?: getgrnam("daemon");
	CHECK(g != NULL);
	gid = g->gr_gid;
	CHECK_INT(up(&f, g->gr_name, connect_to), 0);	/* f.fd: root */
	CHECK_INT(call(&f, f.fd, "reload", NULL), 0);

	fd = connect_as_nobody(f.path, &gid, 1);	/* supplementary member */
	CHECK(fd >= 0);
	CHECK_INT(call(&f, fd, "reload", NULL), 0);
	close(fd);
	CHECK_INT(f.ctx.reloads, 2);
	CHECK_INT(f.ctx.audits, 2);
	CHECK_INT(f.ctx.audit_r, 0);
	CHECK_INT(f.ctx.audit_uid, NOBODY);
}

TEST(a_handler_errno_becomes_its_stable_code_with_the_message_as_data)
{
	DEFINE_FIXTURE(f);

	CHECK_INT(up(&f, NULL, connect_to), 0);
	CHECK_INT(call(&f, f.fd, BUSY, NULL), PROTO_ERR_BUSY);
	CHECK_STR(f.err.message, "scheduler not attached");
	CHECK_INT(call(&f, f.fd, FAIL, NULL), PROTO_ERR_INTERNAL);
	CHECK_STR(f.err.message, strerror(EIO));
}

TEST(a_request_newer_than_the_protocol_is_refused_with_the_version_code)
{
	DEFINE_FIXTURE(f);

	CHECK_INT(up(&f, NULL, connect_to), 0);
	CHECK_INT(request(&f, f.fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"proto\":99,"
			  "\"method\":\"status\"}\n", NULL), PROTO_ERR_VERSION);
	CHECK_INT(f.ctx.calls, 0);
}

TEST(an_over_long_line_is_answered_too_large_and_the_connection_closed)
{
	DEFINE_FIXTURE(f);
	size_t n = PROTO_MAX_REQUEST + 4096;
	char *junk = malloc(n);
	int other;

	CHECK(junk);
	memset(junk, 'x', n);
	CHECK_INT(up(&f, NULL, connect_to), 0);
	other = connect_to(f.path);
	CHECK(other >= 0);
	CHECK_INT(send_all(&f, f.fd, junk, n), 0);
	free(junk);
	CHECK_INT(response_code(&f, f.fd, NULL), PROTO_ERR_TOO_LARGE);
	CHECK(closed_by_server(&f, f.fd, 2000000));
	CHECK_INT(call(&f, other, "status", NULL), 0);
	close(other);
}

static size_t max_pending(const struct control *c)
{
	size_t max = 0;

	for (const struct client *cl = c->clients; cl; cl = cl->next)
		if (client_pending(cl) > max)
			max = client_pending(cl);
	return max;
}

TEST(a_client_that_never_reads_its_answers_does_not_block_others_or_lose_requests)
{
	DEFINE_FIXTURE(f);
	char *req = proto_request_build(1, BIG, NULL), *line;
	int other, i;

	CHECK(req);
	CHECK_INT(up(&f, NULL, connect_to), 0);	/* f.fd: the hog */
	other = connect_to(f.path);
	CHECK(other >= 0);
	for (i = 0; i < 40; i++)	/* 4 MB of answers, nobody reading */
		CHECK_INT(send_str(&f, f.fd, req), 0);
	free(req);
	for (i = 0; i < 20; i++)
		pump(&f, 1000);
	/* Backpressure: the server holds only a bounded amount for it. */
	CHECK(f.ctx.calls < 40);
	CHECK(max_pending(f.c) < CONTROL_MAX_OUTPUT + 2 * BIG_LEN);
	CHECK_INT(call(&f, other, "status", NULL), 0);
	/* Once the hog reads, it gets every answer, in order. */
	for (i = 0; i < 40; i++) {
		ssize_t n = recv_line(&f, f.fd, &line, 5000000);

		CHECK(n > BIG_LEN);
		free(line);
	}
	close(other);
}

TEST(an_idle_client_is_disconnected_after_the_timeout)
{
	DEFINE_FIXTURE(f);
	uint64_t deadline;
	int idle;

	CHECK_INT(up(&f, NULL, NULL), 0);
	control_set_idle_timeout(f.c, 200000);
	idle = connect_to(f.path);
	CHECK(idle >= 0);
	CHECK_INT(send_str(&f, idle, "{\"jsonrpc\":"), 0);	/* and then nothing */
	CHECK(closed_by_server(&f, idle, 3000000));
	close(idle);
	/* sd-event coalesces timers: allow for its slack, then look again. */
	for (deadline = now_usec() + 3000000; control_n_clients(f.c) && now_usec() < deadline;)
		pump(&f, 10000);
	CHECK_INT(control_n_clients(f.c), 0);
	/* A client that keeps asking within the timeout stays connected. */
	f.fd = connect_to(f.path);
	CHECK(f.fd >= 0);
	for (int i = 0; i < 4; i++) {
		CHECK_INT(call(&f, f.fd, "status", NULL), 0);
		for (uint64_t t = now_usec() + 100000; now_usec() < t;)
			pump(&f, 10000);
	}
	CHECK_INT(call(&f, f.fd, "status", NULL), 0);
}

/* Pump until @n closes were reported, or a few seconds went by. */
static void pump_hangups(struct fixture *f, int n)
{
	for (uint64_t deadline = now_usec() + 3000000; f->ctx.hangups < n && now_usec() < deadline;)
		pump(f, 10000);
}

TEST(a_connection_is_one_id_for_all_its_requests_and_its_close_is_reported)
{
	DEFINE_FIXTURE(f);
	uint64_t a, b;
	int other;

	CHECK_INT(up(&f, NULL, NULL), 0);
	control_set_idle_timeout(f.c, 500000);
	f.fd = connect_to(f.path);
	other = connect_to(f.path);
	CHECK(f.fd >= 0 && other >= 0);
	CHECK_INT(call(&f, f.fd, "status", NULL), 0);
	a = f.ctx.conn;
	CHECK(a != 0);
	CHECK_INT(call(&f, other, "status", NULL), 0);
	b = f.ctx.conn;
	CHECK(b != 0 && b != a);
	CHECK_INT(call(&f, f.fd, "status", NULL), 0);
	CHECK(f.ctx.conn == a);
	CHECK_INT(f.ctx.hangups, 0);
	/* The peer goes: reported once, with its id. */
	close(f.fd);
	f.fd = -1;
	pump_hangups(&f, 1);
	CHECK_INT(f.ctx.hangups, 1);
	CHECK(f.ctx.hung == a);
	/* The server closes one (idle): reported too. */
	CHECK(closed_by_server(&f, other, 3000000));
	pump_hangups(&f, 2);
	CHECK_INT(f.ctx.hangups, 2);
	CHECK(f.ctx.hung == b);
	close(other);
	/* A new connection never reuses an id; stopping the server reports none. */
	f.fd = connect_to(f.path);
	CHECK(f.fd >= 0);
	CHECK_INT(call(&f, f.fd, "status", NULL), 0);
	CHECK(f.ctx.conn != a && f.ctx.conn != b && f.ctx.conn != 0);
	f.c = control_free(f.c);
	CHECK_INT(f.ctx.hangups, 2);
}

TEST(a_request_waiting_when_the_idle_timer_fires_is_answered_first)
{
	DEFINE_FIXTURE(f);
	char *line;

	CHECK_INT(up(&f, NULL, NULL), 0);
	control_set_idle_timeout(f.c, 100000);
	f.fd = connect_to(f.path);
	CHECK(f.fd >= 0);
	pump(&f, 0);	/* accepted: its idle timer runs */
	/* The daemon does not run past the timeout (a starved machine)
	 * while the request is already there. */
	CHECK_INT(send_str(&f, f.fd, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"status\"}\n"), 0);
	usleep(300000);
	CHECK(recv_line(&f, f.fd, &line, 5000000) > 0);
	CHECK_CONTAINS(line, "\"id\":7,\"result\"");
	free(line);
}

TEST(a_client_beyond_the_limit_is_told_busy_and_closed)
{
	DEFINE_FIXTURE(f);
	int a, b, extra;

	CHECK_INT(up(&f, NULL, NULL), 0);
	control_set_max_clients(f.c, 2);
	a = connect_to(f.path);
	b = connect_to(f.path);
	CHECK(a >= 0 && b >= 0);
	pump(&f, 10000);
	pump(&f, 10000);
	CHECK_INT(control_n_clients(f.c), 2);
	extra = connect_to(f.path);
	CHECK(extra >= 0);
	CHECK_INT(response_code(&f, extra, NULL), PROTO_ERR_BUSY);
	CHECK(closed_by_server(&f, extra, 2000000));
	CHECK_INT(call(&f, a, "status", NULL), 0);
	CHECK_INT(call(&f, b, "status", NULL), 0);
	close(a);
	close(b);
	close(extra);
}

TEST(the_socket_is_world_connectable_and_removed_when_the_server_stops)
{
	DEFINE_FIXTURE(f);
	struct stat st;

	CHECK_INT(up(&f, NULL, NULL), 0);
	CHECK_INT(lstat(f.path, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0666);
	f.c = control_free(f.c);
	CHECK(lstat(f.path, &st) < 0 && errno == ENOENT);
}

TEST(a_live_socket_is_never_taken_over_and_a_stale_one_is_replaced)
{
	DEFINE_FIXTURE(f);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control *second = NULL;
	int fd;

	CHECK_INT(up(&f, NULL, NULL), 0);
	CHECK_INT(control_new(&second, f.e, f.path, NULL, methods, NULL), -EADDRINUSE);
	CHECK(second == NULL);

	/* Leave a dead socket file behind, as a crashed daemon would. */
	f.c = control_free(f.c);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, f.path);
	CHECK_INT(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	CHECK_INT(serve(&f, NULL, methods), 0);
	f.fd = connect_to(f.path);
	CHECK(f.fd >= 0);
	CHECK_INT(call(&f, f.fd, "status", NULL), 0);

	/* Something that is not a socket is not ours to delete. */
	f.c = control_free(f.c);
	fd = open(f.path, O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0);
	close(fd);
	CHECK_INT(control_new(&second, f.e, f.path, NULL, methods, NULL), -EEXIST);
}

/* The server has no say in who may call what: proto_methods[] decides,
 * for every method, whatever handler serves it. */
TEST(every_admin_method_of_the_protocol_is_refused_to_a_non_admin)
{
	static control_fn all[PROTO_NR_METHODS];
	DEFINE_FIXTURE(f);
	int admin = 0, reads = 0;

	for (int i = 0; i < PROTO_NR_METHODS; i++)
		all[i] = m_reload;
	CHECK_INT(up(&f, NULL, NULL), 0);
	f.c = control_free(f.c);
	CHECK_INT(serve(&f, "nonexistent-scxd-group", all), 0);
	f.fd = connect_non_admin(f.path);
	CHECK(f.fd >= 0);
	for (int i = 0; i < PROTO_NR_METHODS; i++) {
		int want = proto_methods[i].access == PROTO_ACCESS_ADMIN ? PROTO_ERR_PERMISSION : 0;

		admin += want != 0;
		reads += proto_methods[i].access == PROTO_ACCESS_READ;
		CHECK_INT(call(&f, f.fd, proto_methods[i].name, NULL), want);
	}
	CHECK(admin >= 10);
	/* Only the methods the caller may call ran; all but reads were audited. */
	CHECK_INT(f.ctx.reloads, PROTO_NR_METHODS - admin);
	CHECK_INT(f.ctx.audits, PROTO_NR_METHODS - reads);
}

TEST(a_method_without_a_handler_is_not_found)
{
	check_not_found(failed, "set-layer");
}

TEST(a_socket_passed_by_systemd_is_used_and_left_in_place)
{
	DEFINE_FIXTURE(f);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	char env[32];
	int lfd;

	if (fcntl(SD_LISTEN_FDS_START, F_GETFD) >= 0) {
		printf("  (fd %d in use: skipped)\n", SD_LISTEN_FDS_START);
		return;
	}
	/* Hold fd 3 so that the event loop's own descriptors land elsewhere. */
	CHECK_INT(open("/dev/null", O_RDONLY), SD_LISTEN_FDS_START);
	CHECK_INT(up(&f, NULL, NULL), 0);
	f.c = control_free(f.c);	/* keep the loop and directory only */
	mkdir_parents(f.path, 0755);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(sa.sun_path, f.path);
	CHECK_INT(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_INT(listen(lfd, 8), 0);
	CHECK_INT(dup2(lfd, SD_LISTEN_FDS_START), SD_LISTEN_FDS_START);
	close(lfd);
	snprintf(env, sizeof(env), "%d", (int)getpid());
	setenv("LISTEN_PID", env, 1);
	setenv("LISTEN_FDS", "1", 1);

	CHECK_INT(control_new(&f.c, f.e, "/nonexistent/dir/ignored.sock", NULL, methods, &f.ctx), 0);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	f.fd = connect_to(f.path);
	CHECK(f.fd >= 0);
	CHECK_INT(call(&f, f.fd, "status", NULL), 0);
	close(f.fd);
	f.fd = -1;
	f.c = control_free(f.c);	/* closes fd 3 */
	CHECK_INT(lstat(f.path, &st), 0);	/* systemd's, not ours to unlink */
	CHECK(fcntl(SD_LISTEN_FDS_START, F_GETFD) < 0);
}

TEST_MAIN
