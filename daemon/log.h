/* log.h - the daemon's logging: the journal when stderr is connected to it
 * (structured, with PRIORITY), plain stderr otherwise. Only the daemon's
 * top layers (main, the manager and its control methods) log; modules
 * return -errno to them. */
#ifndef SCXD_LOG_H
#define SCXD_LOG_H
#include <errno.h>
#include <stdarg.h>
#include <syslog.h>
#include <bpf/libbpf.h>

void log_setup(int max_level);
void log_set_max_level(int level);
/* A floor for log_set_max_level(): scxd -v keeps debug logging through
 * every change of the configuration's log_level. */
void log_set_min_max_level(int level);
int log_get_max_level(void);
/* Logs at @level; "%m" is strerror(-@err) when @err is non-zero.
 * Returns @err (negative), so that `return log_error_errno(r, ...)` works. */
int log_internal(int level, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The events an admin looks for in the journal, each with its own
 * MESSAGE_ID (journalctl MESSAGE_ID=...; the table in log.c, listed in
 * scxd(8)) and the field SCXD_EVENT=NAME, plus SCXD_ROLE=, SCXD_LAYER=
 * and, for what a caller asked, SCXD_CALLER_UID= and SCXD_CALLER_PID=.
 * Off the journal they are plain messages.
 */
enum log_event {
	LOG_EV_ATTACH,		/* the scheduler attached (start, start again, re-attach) */
	LOG_EV_DETACH,		/* detached on request or at exit */
	LOG_EV_EJECT,		/* the kernel ejected it: exit kind and reason */
	LOG_EV_RESTART,		/* the kernel asked for a restart: re-attaching */
	LOG_EV_CHANGE,		/* a change through the socket, applied */
	LOG_EV_REFUSED,		/* a change through the socket, refused */
	LOG_EV_RELOAD,		/* the configuration file re-read and applied */
	LOG_EV_RELOAD_REJECTED,	/* ... and rejected: the running one kept */
	LOG_EV_NR,
};

/* Who and what an event concerns: NULL strings and -1 ids are left out. */
struct log_ctx {
	const char	*role;
	const char	*layer;
	long		caller_uid;
	long		caller_pid;
};

/* The event's name ("attach") and MESSAGE_ID (32 hex digits). */
const char *log_event_name(enum log_event ev);
const char *log_event_id(enum log_event ev);

/* log_internal(), with the event's fields. */
int log_event(enum log_event ev, int level, int err, const struct log_ctx *ctx,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* libbpf's print callback (libbpf_set_print()): its messages, through
 * this log; debug ones only at debug level. */
int log_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap);

#define log_debug(...)		log_internal(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)		log_internal(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)		log_internal(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...)	log_internal(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)		log_internal(LOG_ERR, 0, __VA_ARGS__)
#define log_warning_errno(e, ...) log_internal(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...)	log_internal(LOG_ERR, (e), __VA_ARGS__)

#endif
