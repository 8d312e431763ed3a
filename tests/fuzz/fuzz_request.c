/*
 * fuzz_request.c - the control protocol as the daemon reads it, up to the
 * method call: a request line (lib/protocol.c), the method it names and
 * the check of its version; and as scxctl reads the daemon's answers: a
 * response line and the documents in it.
 */
#include "fuzz.h"
#include "protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_request req = {0};
	struct proto_error err = {0};
	struct proto_status *st;
	cJSON *result = NULL;
	char *line = fuzz_string(data, size);
	int r, m;

	r = proto_request_parse(line, size, &req, &err);
	if (r == 0) {
		FUZZ_ASSERT(req.method && req.method[0], "accepted without a method");
		FUZZ_ASSERT(!req.params || cJSON_IsObject(req.params), "params not an object");
		m = proto_method_find(req.method);
		FUZZ_ASSERT(m == -ENOENT || (m >= 0 && m < PROTO_NR_METHODS), "method %d", m);
	}
	proto_request_done(&req);

	/* What a client makes of it as an answer. */
	r = proto_response_parse(line, &result, &err);
	if (r == 0 && result) {
		st = calloc(1, sizeof(*st));
		if (st) {
			for (m = 0; m < PROTO_NR_METHODS; m++) {
				/* Room for any method's result (proto_result_decode()). */
				union { struct proto_status s; struct proto_topology t;
					struct proto_version v; struct proto_processes p; }
					*out = calloc(1, sizeof(*out));

				if (out)
					proto_result_decode(m, result, out, &err);
				free(out);
			}
			proto_status_decode(result, st, &err);
			free(st);
		}
	}
	cJSON_Delete(result);
	free(line);
	return 0;
}
