/* log.c - see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-journal.h>

#include "log.h"

static int max_level = LOG_INFO;
static int min_max_level;	/* log_set_max_level() never goes below it */
static int to_journal;

/* systemd sets JOURNAL_STREAM=dev:ino when stderr is a journal stream. */
static int stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_setup(int level)
{
	max_level = level;
	to_journal = stderr_is_journal();
}

void log_set_max_level(int level)
{
	max_level = level > min_max_level ? level : min_max_level;
}

void log_set_min_max_level(int level)
{
	min_max_level = level;
	log_set_max_level(max_level);
}

int log_get_max_level(void)
{
	return max_level;
}

int log_internal(int level, int err, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	char buf[8192];
	int saved = errno;
	va_list ap;

	if (level > max_level)
		return err;
	errno = err < 0 ? -err : saved;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	errno = saved;

	if (to_journal)
		sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", level,
				"SYSLOG_IDENTIFIER=scxd", err ? "ERRNO=%d" : NULL, err < 0 ? -err : err,
				NULL);
	else
		fprintf(stderr, "scxd: %s%s%s\n", level <= LOG_WARNING ? names[level & 7] : "",
			level <= LOG_WARNING ? ": " : "", buf);
	return err;
}

/*
 * libbpf's messages, through our log. A failed load prints the verifier's
 * whole log as one message; its verdict is at the end, so a message too
 * long for one log entry keeps its tail.
 */
int log_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	const size_t keep = 6000;
	char *buf = NULL;
	const char *p;
	int n;

	if (level == LIBBPF_DEBUG && log_get_max_level() < LOG_DEBUG)
		return 0;
	n = vasprintf(&buf, fmt, ap);
	if (n < 0)
		return 0;
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	p = (size_t)n > keep ? buf + n - keep : buf;
	log_internal(level == LIBBPF_WARN ? LOG_WARNING : LOG_DEBUG, 0, "%s%s",
		     p != buf ? "[...] " : "", p);
	free(buf);
	return 0;
}
