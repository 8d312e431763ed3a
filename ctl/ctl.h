/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ctl.h - what scxctl's verbs share: options, the fixed error messages and
 * exit statuses scripts rely on, the verb table entry, and the transport.
 *
 * One file per verb family (verb_*.c), each verb carrying its own usage
 * text; scxctl.c holds main(), the global options and the order of the
 * verbs in `scxctl --help`; transport.c talks to the daemon; table.c
 * renders text tables.
 *
 * Scripts may rely on two things: the exit status (below) and the first
 * part of every error line, "scxctl: <fixed message>: <detail>", where the
 * fixed message is one per failure kind and never changes.
 */
#ifndef SCXCTL_CTL_H
#define SCXCTL_CTL_H

#include <stdbool.h>
#include <cJSON.h>

#include "protocol.h"

enum {
	EXIT_OK		= 0,
	EXIT_ERROR	= 1,
	EXIT_USAGE	= 2,
	EXIT_NOT_RUNNING = 3,
	EXIT_PERMISSION	= 4,
	EXIT_CONFIG	= 78,	/* EX_CONFIG */
};

/* Fixed messages for failures that happen before the daemon answers. */
#define MSG_USAGE	"usage"
#define MSG_NOT_RUNNING	"daemon not running"
#define MSG_PERMISSION	"permission denied"
#define MSG_CONNECT	"connection failed"
#define MSG_TIMEOUT	"timed out"
#define MSG_RESPONSE	"bad response"
#define MSG_NOMEM	"out of memory"
#define MSG_OUTPUT	"output error"
#define MSG_CONFIG	"invalid config"
#define MSG_NOT_FOUND	"not found"

struct opts {
	const char	*socket;
	bool		json;
	int		timeout_ms;
	bool		timeout_set;	/* given with --timeout */
	int		conn;		/* a connection rpc_connect() opened, used
					 * for every request; -1: one per request */
};

/* "scxctl: FIXED: DETAIL" (or "scxctl: FIXED") on stderr; returns status. */
__attribute__((format(printf, 3, 4)))
int ctl_fail(int status, const char *fixed, const char *fmt, ...);
/* A usage error: "scxctl: usage: WHAT (see 'scxctl --help')", EXIT_USAGE. */
__attribute__((format(printf, 1, 2)))
int usage_error(const char *fmt, ...);
/* Out of memory: EXIT_ERROR. */
int ctl_oom(void);

/* The value of option argv[*i] ("--key VALUE" or "--key=VALUE"); NULL and
 * a usage error when it has none. */
const char *opt_value(int argc, char **argv, int *i, const char *name);
/* Is @arg option @name, alone or as "--name=..."? */
bool opt_is(const char *arg, const char *name);
/* A process id argument; 0 (with a usage error printed) when it is not one. */
int parse_pid(const char *s);

/* ---- transport.c ---- */

long long now_ms(void);

/* A connection to the daemon, held across requests (opts.conn).
 * The daemon knows a client by it (a compare lasts while it is open). */
int rpc_connect(const struct opts *o, int *fd);

/* One request, one response, on o->conn or a connection of its own.
 * params is consumed. On EXIT_OK *result is the daemon's result;
 * otherwise the error has been printed. */
int rpc(const struct opts *o, enum proto_method_id method, cJSON *params, cJSON **result);

/* rpc(), then with --json print the result as received and leave *result
 * NULL: a verb goes on to print text only when *result is set. */
int rpc_or_json(const struct opts *o, enum proto_method_id method, cJSON *params,
		cJSON **result);

/* rpc_or_json(), and the result decoded into *out (proto_result_decode())
 * unless --json printed it: then *printed is set and *out untouched. */
int rpc_decode(const struct opts *o, enum proto_method_id method, void *out, bool *printed);

int print_json(const cJSON *j);

/* Request params {"@key": "@value"}; NULL on ENOMEM. */
cJSON *string_params(const char *key, const char *value);

/* Send a change; on success print @done (the change, in words), or the
 * result with --json. */
int change(const struct opts *o, enum proto_method_id method, cJSON *params, const char *done);

/* ---- the verbs: scxctl.c's table names them, verb_*.c run them ---- */

struct verb {
	const char	*name;
	const char	*summary;	/* its line in scxctl --help */
	const char	*help;		/* scxctl VERB --help: ctl/help/NAME.txt */
	unsigned	flags;
	/* argv[0] is the verb's name: one function may serve two verbs. */
	int		(*run)(const struct opts *o, int argc, char **argv);
};

enum {
	NO_ARGS		= 1 << 0,	/* any argument is a usage error */
};

typedef int verb_fn(const struct opts *o, int argc, char **argv);

verb_fn run_status, run_stats, run_layers, run_layer, run_top;	/* verb_status.c */
verb_fn run_topology;						/* verb_topology.c */
verb_fn run_version;						/* verb_version.c */
verb_fn run_layer_change, run_remove_layer, run_match;		/* verb_change.c */
verb_fn run_reload, run_save, run_stop, run_start;
verb_fn run_run, run_pin_change;				/* verb_pin.c */
verb_fn run_explain;						/* verb_explain.c */
verb_fn run_role;						/* verb_role.c */
verb_fn run_check;						/* verb_check.c */
verb_fn run_compare;						/* verb_compare.c */
verb_fn run_suggest;						/* verb_suggest.c */

#endif /* SCXCTL_CTL_H */
