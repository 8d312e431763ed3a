/* SPDX-License-Identifier: GPL-2.0 */
/*
 * protocol.h - the scxd control protocol, shared by the daemon and scxctl.
 *
 * Newline-delimited JSON over a SOCK_STREAM Unix socket, shaped like
 * JSON-RPC 2.0. One request per line, one response line per request, in
 * order. docs/protocol.md is the reference; this header is its code.
 *
 *   -> {"jsonrpc":"2.0","id":1,"proto":1,"method":"status","params":{}}
 *   <- {"jsonrpc":"2.0","id":1,"result":{...}}
 *   <- {"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"permission denied","data":"..."}}
 *
 * This module is pure: no I/O, no logging, no global state. Failures come
 * back as -errno plus a struct proto_error that the caller may log or send.
 *
 * Protocol version history (SCXD_PROTO_VERSION). Adding a method, or a
 * field to a result, does not change the version: readers ignore fields
 * they do not know. Removing or renaming anything, changing a field's type
 * or meaning, or changing an error code does, and is written down here.
 *
 *   1  scxd 0.1. Framing, error codes, methods "status" and "version"
 *      (both read-only), the status document described below.
 */
#ifndef SCXD_PROTOCOL_H
#define SCXD_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "scxd.h"

#define SCXD_PROTO_VERSION	1

/* The daemon's release; the build may override it with -DSCXD_VERSION=... */
#ifndef SCXD_VERSION
#define SCXD_VERSION		"0.1.0"
#endif

#define SCXD_SOCKET_PATH	"/run/scxd/control.sock"

/* A request line may hold at most this many bytes, its '\n' included. */
#define PROTO_MAX_REQUEST	(64 * 1024)

/*
 * Stable error codes. The JSON-RPC ones keep their JSON-RPC meaning; the
 * positive ones are scxd's. Never renumber: scripts match on them.
 */
enum proto_code {
	PROTO_ERR_PARSE			= -32700, /* not JSON, truncated, NUL byte */
	PROTO_ERR_INVALID_REQUEST	= -32600, /* JSON, but not a request */
	PROTO_ERR_METHOD_NOT_FOUND	= -32601,
	PROTO_ERR_INVALID_PARAMS	= -32602,
	PROTO_ERR_INTERNAL		= -32603,
	PROTO_OK			= 0,
	PROTO_ERR_PERMISSION		= 1,	/* mutating method, caller not admin */
	PROTO_ERR_NOT_FOUND		= 2,	/* named object (layer, ...) absent */
	PROTO_ERR_TOO_LARGE		= 3,	/* request line over PROTO_MAX_REQUEST */
	PROTO_ERR_VERSION		= 4,	/* "proto" newer than the daemon's */
	PROTO_ERR_INVALID_CONFIG	= 5,	/* a config was rejected */
	PROTO_ERR_BUSY			= 6,	/* busy, or no scheduler attached */
};

struct proto_error {
	int	code;			/* enum proto_code */
	char	message[256];		/* detail; "" when there is none */
};

/* The fixed message of a code ("permission denied"); "unknown error" for
 * codes this build does not know. Never NULL. */
const char *proto_error_message(int code);

/*
 * -errno from a method handler -> code: -EPERM/-EACCES permission denied,
 * -ENOENT not found, -EINVAL invalid params, -EBUSY/-EAGAIN/-ENOTCONN busy,
 * -EBADMSG invalid config, -E2BIG too large, -EPROTONOSUPPORT version,
 * anything else internal.
 */
int proto_code_from_errno(int r);

/* The methods of this protocol version and their class. The server only
 * runs a mutating method for root or a member of the admin group. */
struct proto_method {
	const char	*name;
	bool		mutating;
	int		since;		/* protocol version that added it */
};

#define PROTO_METHOD_STATUS	"status"
#define PROTO_METHOD_VERSION	"version"

extern const struct proto_method proto_methods[];
extern const size_t proto_n_methods;

/* NULL when the protocol declares no such method. */
const struct proto_method *proto_method_find(const char *name);

/* ---- requests ---------------------------------------------------------- */

struct proto_request {
	cJSON		*doc;		/* the parsed line; owns everything below */
	const cJSON	*id;		/* number or string; NULL if unusable */
	const char	*method;	/* NULL until shape checks pass */
	const cJSON	*params;	/* an object, or NULL when absent */
	int		proto;		/* requested version; ours if absent */
};

/*
 * Parse one request line (len bytes, without its '\n'; a NUL byte inside
 * is an error). Checks in the server's order: size, JSON, request shape,
 * protocol version, and last the type of "params". Returns 0, or -errno
 * with err filled:
 *   -E2BIG    PROTO_ERR_TOO_LARGE       len + 1 > PROTO_MAX_REQUEST
 *   -EBADMSG  PROTO_ERR_PARSE           not one complete JSON value
 *   -EINVAL   PROTO_ERR_INVALID_REQUEST not an object, bad "jsonrpc", id
 *                                       missing or not number/string,
 *                                       method missing/not a string/empty,
 *                                       "proto" not an integer >= 1
 *   -EPROTONOSUPPORT PROTO_ERR_VERSION  "proto" > SCXD_PROTO_VERSION
 *   -EINVAL   PROTO_ERR_INVALID_PARAMS  "params" present but not an object;
 *                                       id, method and proto are valid then
 *   -ENOMEM   PROTO_ERR_INTERNAL
 * Whatever the result, release req with proto_request_done(); req->id is
 * set whenever the line had a usable id, so an error reply can carry it.
 */
int proto_request_parse(const char *line, size_t len, struct proto_request *req,
			struct proto_error *err);
void proto_request_done(struct proto_request *req);

/* A request line for the client, '\n'-terminated and carrying
 * "proto": SCXD_PROTO_VERSION. params is consumed (NULL: no params).
 * Returns a malloc()ed string, NULL on ENOMEM. */
char *proto_request_build(int id, const char *method, cJSON *params);

/* ---- responses --------------------------------------------------------- */

/*
 * Response lines, malloc()ed, NUL- and '\n'-terminated; NULL on ENOMEM.
 * id is the request's id (NULL: "id":null). result is consumed; NULL
 * sends {}. An error's "message" is always proto_error_message(code);
 * detail (may be NULL or "") goes to "data".
 */
char *proto_response_result(const cJSON *id, cJSON *result);
char *proto_response_error(const cJSON *id, int code, const char *detail);

/*
 * Client side: parse one response line (NUL-terminated, '\n' optional).
 *   0          *result is the detached result (cJSON_Delete it)
 *   -EREMOTEIO the daemon answered with an error: err has its code and
 *              detail ("data", else its "message" if not the fixed one)
 *   -EBADMSG   not a response; err->code is PROTO_ERR_PARSE
 *   -ENOMEM
 */
int proto_response_parse(const char *line, cJSON **result, struct proto_error *err);

/* ---- the "status" document --------------------------------------------- */

#define PROTO_STR_LEN		64	/* short strings: state, role, ... */
#define PROTO_PATH_LEN		256	/* config source path */
#define PROTO_SOCKET_LEN	108	/* sizeof(sun_path) */
#define PROTO_OPS_LEN		128	/* SCX_OPS_NAME_LEN */
#define PROTO_EXIT_MSG_LEN	1024	/* sched_ext's exit msg buffer */
#define PROTO_RULE_LEN		256	/* one match line as text, NUL included */

struct proto_status_layer {
	char		name[SCXD_NAME_LEN];
	uint32_t	index;
	char		policy[16];		/* "latency", "throughput" */
	uint32_t	weight;
	uint64_t	slice_us;
	uint64_t	tasks;			/* tasks in the layer now */
	/* The layer's match lines are rules[first_rule .. first_rule+nr_rules)
	 * of struct proto_status; decode assigns them in layer order. */
	uint32_t	first_rule;
	uint32_t	nr_rules;
	uint64_t	enqueues;
	uint64_t	dispatches;
	uint64_t	direct;			/* placed straight on an idle CPU */
};

/* Plain old data: the daemon fills it in place, without allocating.
 * Strings are NUL-terminated; text longer than a field is an error on
 * decode and cut short on encode. */
struct proto_status {
	uint32_t	proto;			/* SCXD_PROTO_VERSION of the daemon */
	char		version[PROTO_STR_LEN];	/* SCXD_VERSION of the daemon */
	char		state[PROTO_STR_LEN];	/* /sys/kernel/sched_ext/state */
	char		ops[PROTO_OPS_LEN];	/* root scheduler's ops name, "" if none */
	bool		attached;		/* scxd's scheduler is the one running */
	char		config[PROTO_PATH_LEN];	/* config source path */
	char		role[PROTO_STR_LEN];
	uint64_t	uptime_s;		/* of the daemon */
	char		socket[PROTO_SOCKET_LEN];
	struct {				/* the last exit; kind "" if none */
		char	kind[PROTO_STR_LEN];
		int64_t	code;
		char	reason[PROTO_STR_LEN * 2];
		char	msg[PROTO_EXIT_MSG_LEN];
	} exit;
	uint32_t	nr_layers;
	struct proto_status_layer layers[SCXD_MAX_LAYERS];
	char		rules[SCXD_MAX_RULES][PROTO_RULE_LEN];
};

/* NULL on ENOMEM. Layers past SCXD_MAX_LAYERS and rule ranges past
 * SCXD_MAX_RULES are left out. Numbers above 2^53 lose precision. */
cJSON *proto_status_encode(const struct proto_status *s);

/* Zeroes *s, then fills it from j. Unknown fields are ignored; a missing
 * field, a wrong type, a number out of range or a string too long fails
 * with -EBADMSG, err->code PROTO_ERR_PARSE and err->message naming the
 * field as a path ("layers[1].counters.enqueues: not a number"). */
int proto_status_decode(const cJSON *j, struct proto_status *s, struct proto_error *err);

/* ---- the "version" result ---------------------------------------------- */

struct proto_version {
	uint32_t	proto;
	char		version[PROTO_STR_LEN];
};

/* {"proto": SCXD_PROTO_VERSION, "version": SCXD_VERSION}; NULL on ENOMEM. */
cJSON *proto_version_encode(void);
int proto_version_decode(const cJSON *j, struct proto_version *v, struct proto_error *err);

#endif /* SCXD_PROTOCOL_H */
