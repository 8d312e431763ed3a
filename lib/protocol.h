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
 *      scxd 0.2, same version: method "topology" (read-only); in
 *      "status", "stats_interval_ms" and per layer "kind", "preempt",
 *      "cpus_min", "cpus_max", "llcs", "nr_owned", "nr_span", "owned",
 *      "util", "counters.{cpu_ns,preemptions,migrations,xllc_migrations,
 *      steals,rescues,wakeups,resumes}" and "latency". A 0.2 reader takes a 0.1 document
 *      without them as zeroes and empty strings.
 *      scxd 0.3, same version: methods "compare-start", "compare-status",
 *      "compare-step", "compare-stop", "compare-result"; in "status", per
 *      layer "counters.{shortened,kept,kernel_picks,busy}" (absent: zero);
 *      "topology" source "cid".
 *      scxd 0.4, same version: in "status", per layer "latency.hist" (the
 *      wakeup-latency histogram since attach, SCXD_LAT_BUCKETS counts) and
 *      "latency.sum_ns" (absent: zero); "rivals" (absent: none).
 *      scxd 0.6, same version: layer policy "auto" (slice_us 0: its tasks
 *      get their class's slice); in "status", per layer "served.{latency,
 *      throughput}", "auto_latency_run_us", "auto_min_wakeups" and
 *      "counters.class_changes" (absent: zero); in "explain", "policy",
 *      "served_as" and "behavior" (absent: none); method "processes"
 *      (read-only).
 */
#ifndef SCXD_PROTOCOL_H
#define SCXD_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

#include "defaults.h"
#include "scxd.h"

#define SCXD_PROTO_VERSION	1

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
	PROTO_ERR_PERMISSION		= 1,	/* not allowed: not admin, or not the caller's */
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

/* Set *err to @code and a message; returns the -errno that goes with the
 * code (-EBADMSG for a parse error, -EINVAL for a bad request, ...). */
__attribute__((format(printf, 3, 4)))
int proto_fail(struct proto_error *err, int code, const char *fmt, ...);

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

/*
 * Who may call a method. The server checks it before the method runs;
 * every call to a method that changes something is audited.
 */
enum proto_access {
	PROTO_ACCESS_READ,	/* any user; changes nothing */
	PROTO_ACCESS_SELF,	/* any user, for what is theirs: the method checks
				 * what the caller may do (pins of own processes) */
	PROTO_ACCESS_ADMIN,	/* root or a member of the admin group */
};

/* Every method of the protocol, by id: the index into proto_methods[]
 * and into the daemon's table of handlers. */
enum proto_method_id {
	PROTO_METHOD_STATUS,
	PROTO_METHOD_VERSION,
	PROTO_METHOD_TOPOLOGY,
	PROTO_METHOD_SET_LAYER,
	PROTO_METHOD_ADD_LAYER,
	PROTO_METHOD_REMOVE_LAYER,
	PROTO_METHOD_MATCH_ADD,
	PROTO_METHOD_MATCH_REMOVE,
	PROTO_METHOD_RELOAD,
	PROTO_METHOD_SAVE,
	PROTO_METHOD_RUN,
	PROTO_METHOD_MOVE,
	PROTO_METHOD_UNPIN,
	PROTO_METHOD_EXPLAIN,
	PROTO_METHOD_STOP,
	PROTO_METHOD_ROLES,
	PROTO_METHOD_ROLE_SHOW,
	PROTO_METHOD_ROLE_SET,
	PROTO_METHOD_START,
	PROTO_METHOD_COMPARE_START,
	PROTO_METHOD_COMPARE_STATUS,
	PROTO_METHOD_COMPARE_STEP,
	PROTO_METHOD_COMPARE_STOP,
	PROTO_METHOD_COMPARE_RESULT,
	PROTO_METHOD_PROCESSES,
	PROTO_NR_METHODS,
};

struct proto_method {
	const char		*name;		/* on the wire: "set-layer" */
	enum proto_access	access;
	int			since;		/* protocol version that added it */
};

/* The one table of methods: name, access and version of each id. */
extern const struct proto_method proto_methods[PROTO_NR_METHODS];

/* The id of the method called @name, or -ENOENT. */
int proto_method_find(const char *name);

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
#define PROTO_MAX_CHANGES	64	/* status.changes: more are cut */
#define PROTO_CHANGE_LEN	(PROTO_RULE_LEN + 96)
#define PROTO_MAX_RIVALS	8

/* Something that would fight scxd (0.4): another sched_ext scheduler
 * ("sched_ext:OPS", pid 0) or a tuner that runs (its first process). */
struct proto_rival {
	char		name[PROTO_STR_LEN];
	int32_t		pid;
	char		why[PROTO_STR_LEN * 2];
};

struct proto_status_layer {
	char		name[SCXD_NAME_LEN];
	uint32_t	index;
	char		policy[16];		/* "latency", "throughput", "auto" (0.6) */
	uint32_t	weight;
	uint64_t	slice_us;		/* 0: per class (an auto layer) */
	uint64_t	tasks;			/* tasks in the layer now */
	/* The layer's match lines are rules[first_rule .. first_rule+nr_rules)
	 * of struct proto_status; decode assigns them in layer order. */
	uint32_t	first_rule;
	uint32_t	nr_rules;
	uint64_t	enqueues;
	uint64_t	dispatches;
	uint64_t	direct;			/* placed straight on an idle CPU */

	/* Added in 0.2 (same protocol version); zero when a 0.1 daemon sent
	 * the document. */
	char		kind[16];		/* "open", "confined" */
	bool		preempt;		/* may preempt throughput tasks */
	bool		users;			/* any user may run/move own tasks in */
	uint32_t	cpus_min;		/* allocation bounds, CPUs; */
	uint32_t	cpus_max;		/* cpus_max 0: no upper bound */
	uint64_t	llcs;			/* dense LLC indexes; 0: "auto" (all) */
	uint32_t	nr_owned;		/* CPUs allocated to the layer now */
	uint32_t	nr_span;		/* CPUs it may run on now */
	struct scxd_cpumask owned;		/* sent as a CPU list, "0-3,6" */
	uint64_t	cpu_ns;			/* CPU time used since attach */
	uint64_t	preemptions;		/* SCXD_LSTAT_PREEMPT */
	uint64_t	migrations;		/* SCXD_LSTAT_MIGRATE */
	uint64_t	xllc_migrations;	/* SCXD_LSTAT_XLLC */
	uint64_t	steals;			/* SCXD_LSTAT_STEAL */
	uint64_t	rescues;		/* SCXD_LSTAT_RESCUE (anti-stall) */
	uint64_t	wakeups;		/* SCXD_LSTAT_WAKEUP: queued at wakeup */
	uint64_t	resumes;		/* SCXD_LSTAT_RESUME: resumed after preemption */
	uint64_t	shortened;		/* SCXD_LSTAT_SHORTEN (0.3): a waker ended a slice */
	uint64_t	kept;			/* SCXD_LSTAT_KEEP (0.3): kept its CPU out of slice */
	uint64_t	kernel_picks;		/* SCXD_LSTAT_KPICK (0.3): select_cpu_and's picks */
	uint64_t	busy;			/* SCXD_LSTAT_BUSY (0.3): woke, no CPU idle */
	/* Over the last sampling interval (stats_interval_ms): */
	double		util;			/* busy CPUs: 1.5 = one and a half */
	double		lat_p50_us;		/* wakeup latency percentiles */
	double		lat_p99_us;
	uint64_t	lat_samples;		/* wakeups measured */
	/* Since attach (0.4): the log2 histogram (bucket b: [2^b, 2^(b+1))
	 * ns, the last one everything longer) and the latencies' sum. */
	uint64_t	lat_hist[SCXD_LAT_BUCKETS];
	uint64_t	lat_sum_ns;
	/* 0.6: of its tasks, how many it serves as each class now (a
	 * latency or throughput layer: all as its policy); an auto layer's
	 * thresholds (0 for others); tasks it moved to its other class. */
	uint64_t	served_latency;
	uint64_t	served_throughput;
	uint64_t	auto_latency_run_us;
	uint32_t	auto_min_wakeups;
	uint64_t	class_changes;		/* SCXD_LSTAT_RECLASS */
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
	uint64_t	stats_interval_ms;	/* of layers[].util/latency; 0: none yet (0.2) */
	struct {				/* the last exit; kind "" if none */
		char	kind[PROTO_STR_LEN];
		int64_t	code;
		char	reason[PROTO_STR_LEN * 2];
		char	msg[PROTO_EXIT_MSG_LEN];
	} exit;
	uint32_t	nr_layers;
	struct proto_status_layer layers[SCXD_MAX_LAYERS];
	char		rules[SCXD_MAX_RULES][PROTO_RULE_LEN];
	/* How the running configuration differs from the file's (0.2):
	 * "+ [layer.x] key = value" / "- [layer.x] key = value" lines,
	 * config_diff()'s; a 0.1 daemon sends none. */
	uint32_t	nr_changes;
	char		changes[PROTO_MAX_CHANGES][PROTO_CHANGE_LEN];
	/* What would fight scxd (0.4; a 0.3 daemon sends none). */
	uint32_t	nr_rivals;
	struct proto_rival rivals[PROTO_MAX_RIVALS];
};

/* NULL on ENOMEM. Layers past SCXD_MAX_LAYERS and rule ranges past
 * SCXD_MAX_RULES are left out. Integers above 2^53 lose precision; a
 * util or latency that is negative or not finite is sent as 0. */
cJSON *proto_status_encode(const struct proto_status *s);

/* Zeroes *s, then fills it from j. Unknown fields are ignored, and so is
 * the absence of a field added in 0.2; a missing 0.1 field, a wrong type,
 * a number out of range, a string too long or a CPU list that is not one
 * fails with -EBADMSG, err->code PROTO_ERR_PARSE and err->message naming
 * the field as a path ("layers[1].counters.enqueues: not a number"). */
int proto_status_decode(const cJSON *j, struct proto_status *s, struct proto_error *err);

/* ---- the "topology" result --------------------------------------------- */

/* One possible CPU, from struct scxd_cpu_topo. */
struct proto_topology_cpu {
	uint32_t	cpu;
	bool		online;
	uint32_t	llc;			/* dense LLC index */
	int32_t		llc_id;			/* kernel's id (struct scxd_cpu_topo) */
	int32_t		node;			/* NUMA node */
	uint32_t	llc_size;		/* CPUs sharing the LLC */
};

struct proto_topology_llc {
	uint32_t	index;			/* dense, as in struct scxd_layer.llcs */
	int32_t		id;			/* kernel's id */
	struct scxd_cpumask cpus;		/* sent as a CPU list */
};

/* Plain old data, like struct proto_status (about 17 KiB: keep it off
 * small stacks). cpus[] are the possible CPUs in ascending order, llcs[]
 * the LLCs in index order. */
struct proto_topology {
	char		source[16];		/* proto_topo_source_name() */
	uint32_t	nr_cpus;		/* = entries of cpus[] */
	uint32_t	nr_llcs;		/* = entries of llcs[] */
	struct proto_topology_cpu cpus[SCXD_MAX_CPUS];
	struct proto_topology_llc llcs[SCXD_MAX_LLCS];
};

/* "cid", "kernel", "sysfs", or "none" (not known yet) for enum scxd_topo_source. */
const char *proto_topo_source_name(uint32_t source);

/* NULL on ENOMEM. Entries past nr_cpus/nr_llcs, or past the arrays, are
 * left out; nr_cpus/nr_llcs are sent as the number of entries sent. */
cJSON *proto_topology_encode(const struct proto_topology *t);

/* Like proto_status_decode(): zeroes *t, fills it, names a bad field
 * ("cpus[3].llc: not an unsigned 32-bit integer"). Also rejected: more
 * entries than the arrays hold, nr_cpus/nr_llcs other than the number of
 * entries, a cpu or llc index out of range. */
int proto_topology_decode(const cJSON *j, struct proto_topology *t, struct proto_error *err);

/* ---- the "version" result ---------------------------------------------- */

struct proto_version {
	uint32_t	proto;
	char		version[PROTO_STR_LEN];
};

/* {"proto": SCXD_PROTO_VERSION, "version": SCXD_VERSION}; NULL on ENOMEM. */
cJSON *proto_version_encode(void);
int proto_version_decode(const cJSON *j, struct proto_version *v, struct proto_error *err);

/* ---- the "processes" result -------------------------------------------- */

#define PROTO_MAX_PROCESSES	4096

/*
 * A process scxd schedules, with its threads' behaviour since the
 * scheduler attached (struct scxd_behavior, summed: counters that only
 * grow while the process and its threads live). What scxctl suggest
 * observes, twice, to see what each process did in between.
 */
struct proto_process {
	int32_t		pid;			/* the thread-group id */
	int32_t		ppid;
	uint32_t	uid;			/* effective */
	uint32_t	gid;
	int32_t		nice;
	bool		kthread;
	char		comm[SCXD_COMM_LEN];	/* the leader's: "pcomm" in a rule */
	char		cgroup[SCXD_PATH_LEN];	/* cgroup v2 path: "/a/b" */
	char		layer[SCXD_NAME_LEN];	/* the leader's layer */
	uint32_t	threads;
	uint32_t	served_latency;		/* threads served as latency now */
	uint64_t	wakeups;
	uint64_t	cpu_ns;
	uint64_t	runs;			/* runs that ended in a sleep */
	uint64_t	short_runs;		/* ... of at most short_run_us */
};

struct proto_processes {
	uint64_t	short_run_us;		/* SCXD_SHORT_RUN_NS / 1000 */
	uint32_t	nr_processes;
	uint32_t	left_out;		/* processes past PROTO_MAX_PROCESSES */
	struct proto_process processes[PROTO_MAX_PROCESSES];
};

/* NULL on ENOMEM. */
cJSON *proto_processes_encode(const struct proto_processes *p);
/* Like proto_topology_decode(). */
int proto_processes_decode(const cJSON *j, struct proto_processes *p, struct proto_error *err);

/* ---- results by method ------------------------------------------------- */

/* The decoder of method @m's result: *out is a struct proto_status,
 * proto_topology, proto_version or proto_processes for status, topology,
 * version and processes;
 * -EINVAL for a method whose result has no struct. */
int proto_result_decode(enum proto_method_id m, const cJSON *j, void *out,
			struct proto_error *err);

#endif /* SCXD_PROTOCOL_H */
