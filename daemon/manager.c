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

/*
 * libbpf's messages, through our log. A failed load prints the verifier's
 * whole log as one message; its verdict is at the end, so a message too
 * long for one log entry keeps its tail.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
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

	if (!loader_exited(m->loader)) {
		int r = sd_event_source_set_time(s, usec + EXIT_POLL_USEC);

		return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
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
	*result = proto_version_encode();
	return *result ? 0 : -ENOMEM;
}

/* The status document: configuration, kernel state and BPF counters. */
static int fill_status(struct manager *m, struct proto_status *st)
{
	struct layer_counters_sum sums[SCXD_MAX_LAYERS] = {0};
	const struct scxd_config *c = m->config;
	uint64_t now = 0;
	u32 i, j;
	int r;

	st->proto = SCXD_PROTO_VERSION;
	snprintf(st->version, sizeof(st->version), "%s", SCXD_VERSION);
	sched_ext_state(st->state, sizeof(st->state));
	sched_ext_ops(st->ops, sizeof(st->ops));
	st->attached = loader_attached(m->loader) && !strcmp(st->ops, SCXD_OPS_NAME);
	snprintf(st->config, sizeof(st->config), "%s", c->source);
	snprintf(st->role, sizeof(st->role), "%s", c->role);
	snprintf(st->socket, sizeof(st->socket), "%s", m->socket_path);
	sd_event_now(m->event, CLOCK_MONOTONIC, &now);
	st->uptime_s = (now - m->start_usec) / 1000000;

	if (loader_exited(m->loader)) {
		const struct scxd_exit_rec *e = loader_exit_rec(m->loader);

		snprintf(st->exit.kind, sizeof(st->exit.kind), "%s", loader_exit_kind_name(e->kind));
		st->exit.code = e->exit_code;
		snprintf(st->exit.reason, sizeof(st->exit.reason), "%s", e->reason);
		snprintf(st->exit.msg, sizeof(st->exit.msg), "%s", e->msg);
	}

	r = loader_read_layers(m->loader, sums, c->nr_layers);
	if (r < 0)
		return r;
	st->nr_layers = c->nr_layers;
	for (i = 0; i < c->nr_layers; i++) {
		struct proto_status_layer *l = &st->layers[i];

		snprintf(l->name, sizeof(l->name), "%s", c->layers[i].name);
		l->index = i;
		snprintf(l->policy, sizeof(l->policy), "%s", policy_name(c->layers[i].policy));
		l->weight = c->layers[i].weight;
		l->slice_us = c->layers[i].slice_ns / 1000;
		l->tasks = sums[i].tasks > 0 ? sums[i].tasks : 0;
		l->enqueues = sums[i].cnt[SCXD_LSTAT_ENQ];
		l->dispatches = sums[i].cnt[SCXD_LSTAT_DISPATCH];
		l->direct = sums[i].cnt[SCXD_LSTAT_DIRECT];
	}
	/* Rules are stored grouped by layer, in layer order. */
	for (j = 0; j < c->nr_rules; j++) {
		struct proto_status_layer *l = &st->layers[c->rules[j].layer];

		if (!l->nr_rules)
			l->first_rule = j;
		l->nr_rules++;
		snprintf(st->rules[j], sizeof(st->rules[j]), "%s", c->rule_text[j]);
	}
	return 0;
}

static int method_status(void *userdata, const struct control_request *req, cJSON **result,
			 char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	struct proto_status *st;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	r = fill_status(m, st);
	if (r < 0) {
		snprintf(errmsg, errlen, "reading BPF counters: %s", strerror(-r));
		free(st);
		return r;
	}
	*result = proto_status_encode(st);
	free(st);
	return *result ? 0 : -ENOMEM;
}

/* Every change through the socket is logged with who asked for it. */
static void on_audit(void *userdata, const struct control_request *req, int r)
{
	char *params = req->params ? cJSON_PrintUnformatted(req->params) : NULL;

	if (r < 0)
		log_warning_errno(r, "Control: %s %s by uid %u (pid %d) refused: %m", req->method,
				  params ? params : "{}", (unsigned)req->uid, (int)req->pid);
	else
		log_notice("Control: %s %s by uid %u (pid %d) applied", req->method,
			   params ? params : "{}", (unsigned)req->uid, (int)req->pid);
	free(params);
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
	control_set_audit(m->control, on_audit);
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
	if (loader_exited(m->loader) && status == EXIT_SUCCESS) {
		/* Ejected between the last poll and the signal. */
		log_exit(loader_exit_rec(m->loader), false);
		status = EXIT_FAILURE;
	} else if (!loader_exited(m->loader)) {
		loader_detach(m->loader);
		if (loader_exited(m->loader))
			log_exit(loader_exit_rec(m->loader), true);
	}
	log_info("Detached, exiting with status %d", status);
	return status;
}
