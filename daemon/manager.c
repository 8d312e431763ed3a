/* manager.c - see manager.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "control.h"
#include "loader.h"
#include "log.h"
#include "manager.h"
#include "protocol.h"

#ifndef SCXD_VERSION
#define SCXD_VERSION "0.1.0"
#endif

/* How often the loop looks whether the kernel has ejected the scheduler. */
#define EXIT_POLL_USEC	(250 * 1000ULL)

struct manager {
	sd_event *event;
	struct scxd_config *config;
	char socket_path[108];
	struct loader *loader;
	struct control *control;
	sd_event_source *exit_poll;
	uint64_t start_usec;
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[4096];
	size_t n;

	if (level == LIBBPF_DEBUG && log_get_max_level() < LOG_DEBUG)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_internal(level == LIBBPF_WARN ? LOG_WARNING : LOG_DEBUG, 0, "libbpf: %s", buf);
	return 0;
}

int manager_new(struct manager **ret, const struct manager_options *opts)
{
	struct config_error err = {0};
	struct manager *m;
	char buf[600];
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return log_error_errno(-ENOMEM, "Failed to allocate manager: %m");
	m->config = calloc(1, sizeof(*m->config));
	if (!m->config) {
		free(m);
		return log_error_errno(-ENOMEM, "Failed to allocate configuration: %m");
	}
	r = opts->config_path ? config_load_file(m->config, opts->config_path, &err)
			      : config_load_default(m->config);
	if (r < 0) {
		log_error("Failed to load configuration: %s",
			  config_error_str(&err, buf, sizeof(buf)));
		manager_free(m);
		return r == -ENOENT ? -ENOENT : -EINVAL;
	}
	log_set_max_level(m->config->log_level);
	snprintf(m->socket_path, sizeof(m->socket_path), "%s",
		 opts->socket_path ? opts->socket_path : m->config->socket_path);
	*ret = m;
	return 0;
}

struct manager *manager_free(struct manager *m)
{
	if (!m)
		return NULL;
	control_free(m->control);
	loader_free(m->loader);
	sd_event_source_unref(m->exit_poll);
	sd_event_unref(m->event);
	free(m->config);
	free(m);
	return NULL;
}

static void log_exit(const struct scxd_exit_rec *e, bool expected)
{
	int level = expected ? LOG_INFO : LOG_ERR;

	log_internal(level, 0, "Scheduler exited: %s (kind %d, code %lld)%s%s%s%s",
		     loader_exit_kind_name(e->kind), e->kind, (long long)e->exit_code,
		     e->reason[0] ? ": " : "", e->reason, e->msg[0] ? ": " : "", e->msg);
}

static int on_exit_poll(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;

	if (!loader_exited(m->loader))
		return sd_event_source_set_time(s, usec + EXIT_POLL_USEC);
	log_exit(loader_exit_rec(m->loader), false);
	sd_notifyf(0, "STATUS=Scheduler ejected by the kernel: %s",
		   loader_exit_rec(m->loader)->reason);
	return sd_event_exit(sd_event_source_get_event(s), EXIT_FAILURE);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	log_info("Received %s, detaching", strsignal(si->ssi_signo));
	return sd_event_exit(sd_event_source_get_event(s), EXIT_SUCCESS);
}

/* --- control methods --- */

static int method_version(void *userdata, const struct control_request *req, cJSON **result,
			  char *errmsg, size_t errlen)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return -ENOMEM;
	cJSON_AddStringToObject(o, "version", SCXD_VERSION);
	cJSON_AddNumberToObject(o, "proto", SCXD_PROTO_VERSION);
	*result = o;
	return 0;
}

static int method_status(void *userdata, const struct control_request *req, cJSON **result,
			 char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	return manager_status(m, result, errmsg, errlen);
}

static const struct control_method methods[] = {
	{ "status", false, method_status },
	{ "version", false, method_version },
};

int manager_run(struct manager *m)
{
	sigset_t mask;
	int r, status;

	libbpf_set_print(libbpf_print);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	r = sd_event_default(&m->event);
	if (r < 0)
		return log_error_errno(r, "Failed to create event loop: %m"), EXIT_FAILURE;
	if ((r = sd_event_add_signal(m->event, NULL, SIGTERM, on_signal, m)) < 0 ||
	    (r = sd_event_add_signal(m->event, NULL, SIGINT, on_signal, m)) < 0)
		return log_error_errno(r, "Failed to watch signals: %m"), EXIT_FAILURE;
	/* Pings the systemd watchdog when WatchdogSec= is set; no-op otherwise. */
	sd_event_set_watchdog(m->event, true);

	r = loader_new(&m->loader);
	if (r < 0)
		return log_error_errno(r, "Failed to load the BPF scheduler: %m"), EXIT_FAILURE;
	r = loader_apply_config(m->loader, m->config);
	if (r < 0)
		return log_error_errno(r, "Failed to write the configuration to BPF: %m"), EXIT_FAILURE;
	r = loader_attach(m->loader);
	if (r < 0)
		return log_error_errno(r, "Failed to attach the scheduler%s: %m",
				       r == -EBUSY ? " (another sched_ext scheduler is running)" : ""),
		       EXIT_FAILURE;
	m->start_usec = 0;
	sd_event_now(m->event, CLOCK_MONOTONIC, &m->start_usec);
	log_info("Scheduler %s attached: %u layers, %u rules from %s", SCXD_OPS_NAME,
		 m->config->nr_layers, m->config->nr_rules, m->config->source);

	r = control_new(&m->control, m->event, m->socket_path, m->config->socket_group,
			methods, sizeof(methods) / sizeof(methods[0]), m);
	if (r < 0) {
		log_error_errno(r, "Failed to open control socket %s: %m", m->socket_path);
		status = EXIT_FAILURE;
		goto out;
	}
	r = sd_event_add_time_relative(m->event, &m->exit_poll, CLOCK_MONOTONIC, EXIT_POLL_USEC,
				       0, on_exit_poll, m);
	if (r < 0) {
		log_error_errno(r, "Failed to add exit watch: %m");
		status = EXIT_FAILURE;
		goto out;
	}

	sd_notifyf(0, "READY=1\nSTATUS=Scheduling with %u layers", m->config->nr_layers);
	r = sd_event_loop(m->event);
	status = r < 0 ? EXIT_FAILURE : r;
out:
	sd_notify(0, "STOPPING=1");
	m->control = control_free(m->control);
	if (!loader_exited(m->loader)) {
		loader_detach(m->loader);
		if (loader_exited(m->loader))
			log_exit(loader_exit_rec(m->loader), true);
	}
	log_info("Detached, exiting with status %d", status);
	return status;
}
