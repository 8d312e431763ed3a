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
