/* log.c - see log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
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

static const struct {
	const char *name;
	const char *id;		/* MESSAGE_ID: made once with uuid4, never changed */
} events[LOG_EV_NR] = {
	[LOG_EV_ATTACH]		 = { "attach", "4183b828274b4f46b8ef18c482fd4921" },
	[LOG_EV_DETACH]		 = { "detach", "792da6cafbe9421bab1f7d383598a2b4" },
	[LOG_EV_EJECT]		 = { "eject", "0eeac1854e1648999650fa3c145d7574" },
	[LOG_EV_RESTART]	 = { "restart", "1ab01d60bd3f429aa206c52936c2d2d1" },
	[LOG_EV_CHANGE]		 = { "change", "1f799b9c65d14ba098f17f11de97bf9b" },
	[LOG_EV_REFUSED]	 = { "change-refused", "1ad8bc1a6775498eb416b82f38682b7a" },
	[LOG_EV_RELOAD]		 = { "reload", "159c29299c21424884cc7043aaee0347" },
	[LOG_EV_RELOAD_REJECTED] = { "reload-rejected", "e3e007b57cce4465af18d4f1f490468b" },
};

const char *log_event_name(enum log_event ev)
{
	return ev < LOG_EV_NR ? events[ev].name : "unknown";
}

const char *log_event_id(enum log_event ev)
{
	return ev < LOG_EV_NR ? events[ev].id : "";
}

/* One message: to the journal with @fields (n "KEY=value" strings) added,
 * or to stderr. */
static int emit(int level, int err, char *const *fields, size_t n, const char *fmt, va_list ap)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	char buf[8192], msg[8200], pri[16], errno_f[24];
	struct iovec iov[16];
	size_t k = 0;
	int saved = errno;

	if (level > max_level)
		return err;
	errno = err < 0 ? -err : saved;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	errno = saved;

	if (!to_journal) {
		fprintf(stderr, "scxd: %s%s%s\n", level <= LOG_WARNING ? names[level & 7] : "",
			level <= LOG_WARNING ? ": " : "", buf);
		return err;
	}
	snprintf(msg, sizeof(msg), "MESSAGE=%s", buf);
	snprintf(pri, sizeof(pri), "PRIORITY=%d", level & 7);
	iov[k++] = (struct iovec){ msg, strlen(msg) };
	iov[k++] = (struct iovec){ pri, strlen(pri) };
	iov[k++] = (struct iovec){ (char *)"SYSLOG_IDENTIFIER=scxd", 22 };
	if (err) {
		snprintf(errno_f, sizeof(errno_f), "ERRNO=%d", err < 0 ? -err : err);
		iov[k++] = (struct iovec){ errno_f, strlen(errno_f) };
	}
	for (size_t i = 0; i < n && k < sizeof(iov) / sizeof(iov[0]); i++)
		iov[k++] = (struct iovec){ fields[i], strlen(fields[i]) };
	sd_journal_sendv(iov, k);
	return err;
}

int log_internal(int level, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = emit(level, err, NULL, 0, fmt, ap);
	va_end(ap);
	return err;
}

int log_event(enum log_event ev, int level, int err, const struct log_ctx *ctx,
	      const char *fmt, ...)
{
	char f[6][300];
	char *fields[6];
	size_t n = 0;
	va_list ap;

	snprintf(f[n++], sizeof(f[0]), "MESSAGE_ID=%s", log_event_id(ev));
	snprintf(f[n++], sizeof(f[0]), "SCXD_EVENT=%s", log_event_name(ev));
	if (ctx && ctx->role)
		snprintf(f[n++], sizeof(f[0]), "SCXD_ROLE=%s", ctx->role);
	if (ctx && ctx->layer)
		snprintf(f[n++], sizeof(f[0]), "SCXD_LAYER=%s", ctx->layer);
	if (ctx && ctx->caller_uid >= 0)
		snprintf(f[n++], sizeof(f[0]), "SCXD_CALLER_UID=%ld", ctx->caller_uid);
	if (ctx && ctx->caller_pid >= 0)
		snprintf(f[n++], sizeof(f[0]), "SCXD_CALLER_PID=%ld", ctx->caller_pid);
	for (size_t i = 0; i < n; i++)
		fields[i] = f[i];
	va_start(ap, fmt);
	err = emit(level, err, fields, n, fmt, ap);
	va_end(ap);
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
