/*
 * fuzz_dispatch.c - the daemon's control server (daemon/control.c) from a
 * request line to the call of its method, compiled in as the unit test of
 * control.c does. The first input byte picks the caller (even: root, odd:
 * an unprivileged user), the rest is the line. Every line gets exactly
 * one response, which parses as one and carries the request's id when it
 * had a usable one; a method runs only when the caller may call it, and
 * its params are an object or absent.
 */
#include "control.c"

#include "fuzz.h"

static int calls;
static int last_access;

static int handler(void *userdata, const struct control_request *req, cJSON **result,
		   char *errmsg, size_t errlen)
{
	int id = proto_method_find(req->method);

	(void)userdata;
	(void)errmsg;
	(void)errlen;
	FUZZ_ASSERT(id >= 0, "a handler called for '%s'", req->method);
	FUZZ_ASSERT(!req->params || cJSON_IsObject(req->params), "params not an object");
	last_access = proto_methods[id].access;
	FUZZ_ASSERT(req->uid == 0 || last_access != PROTO_ACCESS_ADMIN,
		    "'%s' (admin) ran for uid %u", req->method, (unsigned)req->uid);
	calls++;
	*result = NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static control_fn handlers[PROTO_NR_METHODS];
	struct control c = { .handlers = handlers, .listen_fd = -1 };
	struct client cl = { .control = &c, .fd = -1 };
	struct proto_error err = {0};
	cJSON *result = NULL;
	char *line, *nl;
	int r;

	if (!size)
		return 0;
	for (int i = 0; i < PROTO_NR_METHODS; i++)
		handlers[i] = handler;
	cl.cred.uid = cl.cred.gid = data[0] & 1 ? 1000 : 0;
	cl.cred.pid = 1;
	line = fuzz_string(data + 1, size - 1);
	calls = 0;
	r = client_handle_line(&cl, line, size - 1);
	FUZZ_ASSERT(r >= 0, "client_handle_line: %d", r);
	FUZZ_ASSERT(calls <= 1, "%d calls", calls);
	FUZZ_ASSERT(cl.out_len > 0 && cl.out[cl.out_len - 1] == '\n', "no response line");
	nl = memchr(cl.out, '\n', cl.out_len);
	FUZZ_ASSERT(nl == cl.out + cl.out_len - 1, "more than one response line");
	*nl = '\0';
	r = proto_response_parse(cl.out, &result, &err);
	FUZZ_ASSERT(r == 0 || r == -EREMOTEIO, "response does not parse (%d): %s", r, cl.out);
	FUZZ_ASSERT((r == 0) == (calls == 1), "%d calls, response %s", calls, cl.out);
	cJSON_Delete(result);
	free(cl.out);
	free(line);
	return 0;
}
