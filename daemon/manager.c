/* manager.c - see manager.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "alloc.h"
#include "config.h"
#include "config_edit.h"
#include "control.h"
#include "loader.h"
#include "log.h"
#include "manager.h"
#include "protocol.h"
#include "stats.h"
#include "topology.h"

/* How often the loop looks whether the kernel has ejected the scheduler. */
#define EXIT_POLL_USEC		(250 * 1000ULL)
#define SAVED_NAME		"saved.ini"

/* Sampling interval: utilization, latency percentiles, CPU allocation. */
#define TICK_USEC		(1000 * 1000ULL)
/* Restartable exits (CPU hotplug): attach again after 0.5, 1, 2, 4, 8 s;
 * give up after that many failures in a row. */
#define RESTART_FIRST_USEC	(500 * 1000ULL)
#define RESTART_MAX		5

struct manager {
	sd_event *event;
	struct scxd_config *config;	/* running */
	struct scxd_config *file_config; /* as the file (or built-in) last read */
	char config_path[PATH_MAX];	/* "" for the built-in configuration */
	char saved_path[PATH_MAX];	/* what `save` writes, read at start */
	char saved_old_path[PATH_MAX + 8]; /* where reload sets it aside */
	char roles_dir[PATH_MAX];	/* role files: NAME.ini */
	/* How config differs from file_config, for status: computed when
	 * either changes, not per request. */
	unsigned nr_changes;
	char changes[PROTO_MAX_CHANGES][PROTO_CHANGE_LEN];
	char socket_path[108];
	struct loader *loader;
	struct control *control;
	sd_event_source *exit_poll;
	sd_event_source *tick;
	sd_event_source *restart;
	uint64_t start_usec;
	unsigned restarts;		/* consecutive restart attempts */

	/* The topology the scheduler uses (read back from BPF). */
	struct scxd_cpu_topo topo[SCXD_MAX_CPUS];
	u32 nr_cpus, nr_llcs, topo_source;

	struct scxd_layer_cpus placement[SCXD_MAX_LAYERS];

	/* Counters at the last tick, and the last tick's interval. */
	struct layer_sample last[SCXD_MAX_LAYERS];
	struct layer_sample window[SCXD_MAX_LAYERS];
	double util[SCXD_MAX_LAYERS];
	uint64_t last_usec;
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

static void add_change(void *data, const char *line)
{
	struct manager *m = data;

	if (m->nr_changes < PROTO_MAX_CHANGES)
		snprintf(m->changes[m->nr_changes++], PROTO_CHANGE_LEN, "%s", line);
}

/* Recompute how the running configuration differs from the file's. */
static void update_changes(struct manager *m)
{
	m->nr_changes = 0;
	if (config_diff(m->file_config, m->config, add_change, m) < 0)
		log_warning("Out of memory comparing the configuration with its file");
}

/* The first line of a saved configuration: which file it was made from. */
static void saved_header(const struct manager *m, char *buf, size_t len)
{
	snprintf(buf, len, "# scxd saved configuration, base: %s\n",
		 m->config_path[0] ? m->config_path : "(built-in)");
}

/*
 * A configuration saved by `scxctl save` replaces the file's at start, if
 * it was saved from the same file and still loads; otherwise the file's
 * stands and the reason is logged.
 */
static void load_saved(struct manager *m)
{
	struct config_error err = {0};
	struct scxd_config *c;
	char want[PATH_MAX + 64], have[PATH_MAX + 64] = "", buf[600];
	FILE *f;
	int r;

	f = fopen(m->saved_path, "re");
	if (!f)
		return;
	saved_header(m, want, sizeof(want));
	if (!fgets(have, sizeof(have), f))
		have[0] = '\0';
	fclose(f);
	if (strcmp(have, want)) {
		log_warning("Ignoring %s: saved from another configuration file (%.*s)",
			    m->saved_path, (int)strcspn(have, "\n"), have);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	r = config_load_file(c, m->saved_path, &err);
	if (r < 0) {
		log_warning("Ignoring the saved configuration: %s",
			    config_error_str(&err, buf, sizeof(buf)));
		free(c);
		return;
	}
	snprintf(c->source, sizeof(c->source), "%s", m->config->source);
	free(m->config);
	m->config = c;
	log_notice("Using the configuration saved in %s (scxctl reload returns to %s)",
		   m->saved_path, m->config->source);
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
	if (opts->config_path)
		snprintf(m->config_path, sizeof(m->config_path), "%s", opts->config_path);
	m->file_config = malloc(sizeof(*m->file_config));
	if (!m->file_config) {
		manager_free(m);
		return log_error_errno(-ENOMEM, "Failed to allocate configuration: %m");
	}
	memcpy(m->file_config, m->config, sizeof(*m->config));
	snprintf(m->saved_path, sizeof(m->saved_path), "%s/" SAVED_NAME,
		 opts->state_dir ? opts->state_dir : SCXD_STATE_DIR);
	snprintf(m->saved_old_path, sizeof(m->saved_old_path), "%s.old", m->saved_path);
	snprintf(m->roles_dir, sizeof(m->roles_dir), "%s",
		 opts->roles_dir ? opts->roles_dir : SCXD_ROLES_DIR);
	load_saved(m);
	update_changes(m);
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
	sd_event_source_unref(m->tick);
	sd_event_source_unref(m->restart);
	sd_event_unref(m->event);
	free(m->config);
	free(m->file_config);
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

/* Recompute where layers run from the last interval's utilization. */
static int place_layers(struct manager *m)
{
	struct alloc_input in = {
		.nr_cpus = m->nr_cpus, .topo = m->topo,
		.nr_layers = m->config->nr_layers, .layers = m->config->layers,
		.util = m->util, .prev = m->placement,
	};
	struct scxd_layer_cpus next[SCXD_MAX_LAYERS];
	int r;

	r = alloc_compute(&in, next);
	if (r < 0)
		return r;
	r = loader_write_placement(m->loader, next, m->config->nr_layers, m->nr_cpus);
	if (r < 0)
		return r;
	memcpy(m->placement, next, sizeof(next));
	return 0;
}

static int sample_layers(struct manager *m)
{
	struct layer_sample now[SCXD_MAX_LAYERS];
	uint64_t usec = 0;
	u32 i, n = m->config->nr_layers;
	int r;

	sd_event_now(m->event, CLOCK_MONOTONIC, &usec);
	r = loader_read_samples(m->loader, now, n);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++) {
		layer_sample_delta(&now[i], &m->last[i], &m->window[i]);
		m->util[i] = m->last_usec ? layer_util(&m->window[i], (usec - m->last_usec) * 1000) : 0;
		m->last[i] = now[i];
	}
	m->last_usec = usec;
	return 0;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	int r;

	if (m->loader && loader_attached(m->loader)) {
		r = sample_layers(m);
		if (r < 0)
			log_warning_errno(r, "Failed to read scheduler counters: %m");
		else if ((r = place_layers(m)) < 0)
			log_warning_errno(r, "Failed to update CPU allocation: %m");
	}
	r = sd_event_source_set_time(s, usec + TICK_USEC);
	return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/*
 * Load, configure and attach the scheduler: the sysfs topology first (BPF
 * keeps it on kernels without sd_llc_id), then the kernel's view read back
 * once attached, and the layers placed on it.
 */
static int scheduler_start(struct manager *m)
{
	struct scxd_cpu_topo sysfs[SCXD_MAX_CPUS];
	u32 nr = 0;
	int r;

	r = loader_new(&m->loader, false);
	if (r < 0)
		return log_error_errno(r, "Failed to load the BPF scheduler: %m");
	r = topology_read_sysfs("/sys", sysfs, SCXD_MAX_CPUS, &nr);
	if (r < 0)
		log_warning_errno(r, "Failed to read CPU topology from sysfs: %m");
	else if ((r = loader_write_topology(m->loader, sysfs, nr)) < 0)
		return log_error_errno(r, "Failed to write the topology to BPF: %m");
	r = loader_apply_config(m->loader, m->config, NULL);
	if (r < 0)
		return log_error_errno(r, "Failed to write the configuration to BPF: %m");
	r = loader_attach(m->loader);
	if (r < 0)
		return log_error_errno(r, "Failed to attach the scheduler%s: %m",
				       r == -EBUSY ? " (another sched_ext scheduler is running)" : "");
	r = loader_read_topology(m->loader, m->topo, SCXD_MAX_CPUS, &m->nr_cpus, &m->nr_llcs,
				 &m->topo_source);
	if (r < 0)
		return log_error_errno(r, "Failed to read the topology back from BPF: %m");
	memset(m->placement, 0, sizeof(m->placement));
	memset(m->last, 0, sizeof(m->last));
	memset(m->util, 0, sizeof(m->util));
	m->last_usec = 0;
	r = place_layers(m);
	if (r < 0)
		return log_error_errno(r, "Failed to place the layers on CPUs: %m");
	log_info("Scheduler %s attached: %u layers, %u rules from %s; %u CPUs in %u LLCs (topology from %s)",
		 SCXD_OPS_NAME, m->config->nr_layers, m->config->nr_rules, m->config->source,
		 m->nr_cpus, m->nr_llcs, proto_topo_source_name(m->topo_source));
	return 0;
}

static int on_restart(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	uint64_t delay;
	int r;

	m->loader = loader_free(m->loader);
	r = scheduler_start(m);
	if (r == 0) {
		m->restarts = 0;
		sd_notify(0, "STATUS=Scheduler re-attached");
		return 0;
	}
	m->loader = loader_free(m->loader);
	if (++m->restarts >= RESTART_MAX) {
		log_error("Giving up after %u failed attempts to re-attach", m->restarts);
		return sd_event_exit(m->event, EXIT_FAILURE);
	}
	delay = RESTART_FIRST_USEC << m->restarts;
	log_warning("Re-attach failed, retrying in %llu ms", (unsigned long long)delay / 1000);
	r = sd_event_source_set_time(s, usec + delay);
	return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int on_exit_poll(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	const struct scxd_exit_rec *e;
	int r;

	if (!m->loader || !loader_exited(m->loader)) {
		r = sd_event_source_set_time(s, usec + EXIT_POLL_USEC);
		return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	e = loader_exit_rec(m->loader);
	if (loader_exit_restartable(e)) {
		log_warning("Scheduler exited: %s (%s%s%s); the kernel asks for a restart, re-attaching",
			    loader_exit_kind_name(e->kind), e->reason, e->msg[0] ? ": " : "", e->msg);
		m->loader = loader_free(m->loader);
		/* The previous restart's (spent, oneshot) source, if any. */
		m->restart = sd_event_source_unref(m->restart);
		r = sd_event_add_time_relative(m->event, &m->restart, CLOCK_MONOTONIC,
					       RESTART_FIRST_USEC, 0, on_restart, m);
		if (r < 0)
			return sd_event_exit(m->event, EXIT_FAILURE);
		r = sd_event_source_set_time(s, usec + EXIT_POLL_USEC);
		return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	}
	log_exit(e, false);
	sd_notifyf(0, "STATUS=Scheduler ejected by the kernel: %s", e->reason);
	return sd_event_exit(sd_event_source_get_event(s), EXIT_FAILURE);
}

/*
 * Make @next the running configuration, or change nothing. Every change
 * comes through here: a reload, and each change through the socket. A
 * configuration the allocator cannot place (llcs naming no LLC of this
 * machine) is refused like a syntax error, with a message in @errmsg.
 * Takes @next (freed on failure).
 */
static int manager_apply(struct manager *m, struct scxd_config *next, char *errmsg,
			 size_t errlen)
{
	int r;

	if (m->nr_cpus) {
		struct scxd_layer_cpus trial[SCXD_MAX_LAYERS];
		double util[SCXD_MAX_LAYERS] = {0};
		struct alloc_input in = {
			.nr_cpus = m->nr_cpus, .topo = m->topo, .nr_layers = next->nr_layers,
			.layers = next->layers, .util = util, .prev = NULL,
		};

		if (alloc_compute(&in, trial) < 0) {
			snprintf(errmsg, errlen, "%s: a layer's llcs select no online CPU of this "
				 "machine", next->source);
			free(next);
			return -EBADMSG;
		}
	}
	if (m->loader && loader_attached(m->loader)) {
		r = loader_apply_config(m->loader, next, m->config);
		if (r < 0) {
			snprintf(errmsg, errlen, "writing the configuration to BPF: %s",
				 strerror(-r));
			loader_apply_config(m->loader, m->config, NULL);
			free(next);
			return r;
		}
	}
	free(m->config);
	m->config = next;
	update_changes(m);
	log_set_max_level(m->config->log_level);
	/* Layer i may be another layer now: no hysteresis from the old one. */
	memset(m->placement, 0, sizeof(m->placement));
	memset(m->last, 0, sizeof(m->last));
	memset(m->util, 0, sizeof(m->util));
	m->last_usec = 0;
	if (m->loader && loader_attached(m->loader) && (r = place_layers(m)) < 0)
		log_warning_errno(r, "Failed to place the new layers: %m");
	return 0;
}

/*
 * Re-read the configuration file: the running configuration becomes the
 * file's, and a saved one is set aside (it would otherwise come back at
 * the next start). An invalid file changes nothing.
 */
static int reload_file(struct manager *m, char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	struct scxd_config *next;
	char buf[600];
	int r;

	if (!m->config_path[0]) {
		snprintf(errmsg, errlen, "scxd runs its built-in configuration: no file to re-read");
		return -EINVAL;
	}
	next = calloc(1, sizeof(*next));
	if (!next)
		return -ENOMEM;
	r = config_load_file(next, m->config_path, &err);
	if (r < 0) {
		snprintf(errmsg, errlen, "%s", config_error_str(&err, buf, sizeof(buf)));
		free(next);
		return r == -ENOMEM ? r : -EBADMSG;
	}
	r = manager_apply(m, next, errmsg, errlen);
	if (r < 0)
		return r;
	if (rename(m->saved_path, m->saved_old_path) == 0)
		log_notice("Set the saved configuration aside as %s", m->saved_old_path);
	memcpy(m->file_config, m->config, sizeof(*m->config));
	update_changes(m);
	log_notice("Reloaded %s: %u layers, %u rules", m->config->source, m->config->nr_layers,
		   m->config->nr_rules);
	return 0;
}

/* SIGHUP: re-read the configuration file; an invalid one changes nothing. */
static int on_reload(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;
	char msg[700];
	int r;

	r = reload_file(m, msg, sizeof(msg));
	if (r < 0)
		log_error_errno(r, "Reload rejected, configuration unchanged: %s", msg);
	return 0;
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

/* The status document: configuration, kernel state, placement and the
 * counters of the last sampling interval. */
static int fill_status(struct manager *m, struct proto_status *st)
{
	struct layer_sample now[SCXD_MAX_LAYERS] = {0};
	const struct scxd_config *c = m->config;
	bool attached = m->loader && loader_attached(m->loader);
	uint64_t usec = 0;
	u32 i, j;
	int r;

	st->proto = SCXD_PROTO_VERSION;
	snprintf(st->version, sizeof(st->version), "%s", SCXD_VERSION);
	sched_ext_state(st->state, sizeof(st->state));
	sched_ext_ops(st->ops, sizeof(st->ops));
	st->attached = attached && !strcmp(st->ops, SCXD_OPS_NAME);
	snprintf(st->config, sizeof(st->config), "%s", c->source);
	snprintf(st->role, sizeof(st->role), "%s", c->role);
	snprintf(st->socket, sizeof(st->socket), "%s", m->socket_path);
	sd_event_now(m->event, CLOCK_MONOTONIC, &usec);
	st->uptime_s = (usec - m->start_usec) / 1000000;
	st->stats_interval_ms = m->last_usec ? TICK_USEC / 1000 : 0;
	st->nr_changes = m->nr_changes;
	memcpy(st->changes, m->changes, m->nr_changes * sizeof(m->changes[0]));

	if (m->loader && loader_exited(m->loader)) {
		const struct scxd_exit_rec *e = loader_exit_rec(m->loader);

		snprintf(st->exit.kind, sizeof(st->exit.kind), "%s", loader_exit_kind_name(e->kind));
		st->exit.code = e->exit_code;
		snprintf(st->exit.reason, sizeof(st->exit.reason), "%s", e->reason);
		snprintf(st->exit.msg, sizeof(st->exit.msg), "%s", e->msg);
	}

	if (attached) {
		r = loader_read_samples(m->loader, now, c->nr_layers);
		if (r < 0)
			return r;
	}
	st->nr_layers = c->nr_layers;
	for (i = 0; i < c->nr_layers; i++) {
		const struct scxd_layer *cl = &c->layers[i];
		const struct layer_sample *w = &m->window[i];
		struct proto_status_layer *l = &st->layers[i];

		snprintf(l->name, sizeof(l->name), "%s", cl->name);
		l->index = i;
		snprintf(l->policy, sizeof(l->policy), "%s", policy_name(cl->policy));
		l->weight = cl->weight;
		l->slice_us = cl->slice_ns / 1000;
		snprintf(l->kind, sizeof(l->kind), "%s",
			 cl->kind == SCXD_KIND_CONFINED ? "confined" : "open");
		l->preempt = cl->preempt;
		l->users = cl->users;
		l->cpus_min = cl->cpus_min;
		l->cpus_max = cl->cpus_max;
		l->llcs = cl->llcs;
		l->nr_owned = m->placement[i].nr_owned;
		l->nr_span = m->placement[i].nr_span;
		l->owned = m->placement[i].owned;

		l->tasks = now[i].tasks > 0 ? now[i].tasks : 0;
		l->enqueues = now[i].cnt[SCXD_LSTAT_ENQ];
		l->dispatches = now[i].cnt[SCXD_LSTAT_DISPATCH];
		l->direct = now[i].cnt[SCXD_LSTAT_DIRECT];
		l->cpu_ns = now[i].cnt[SCXD_LSTAT_CPU_NS];
		l->preemptions = now[i].cnt[SCXD_LSTAT_PREEMPT];
		l->migrations = now[i].cnt[SCXD_LSTAT_MIGRATE];
		l->xllc_migrations = now[i].cnt[SCXD_LSTAT_XLLC];
		l->steals = now[i].cnt[SCXD_LSTAT_STEAL];
		l->rescues = now[i].cnt[SCXD_LSTAT_RESCUE];
		l->wakeups = now[i].cnt[SCXD_LSTAT_WAKEUP];
		l->resumes = now[i].cnt[SCXD_LSTAT_RESUME];

		l->util = m->util[i];
		l->lat_p50_us = lat_hist_percentile(w->hist, SCXD_LAT_BUCKETS, 0.50) / 1000.0;
		l->lat_p99_us = lat_hist_percentile(w->hist, SCXD_LAT_BUCKETS, 0.99) / 1000.0;
		l->lat_samples = lat_hist_samples(w->hist, SCXD_LAT_BUCKETS);
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

static int method_topology(void *userdata, const struct control_request *req, cJSON **result,
			   char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	struct proto_topology *t;
	u32 cpu;

	if (!m->nr_cpus) {
		snprintf(errmsg, errlen, "no scheduler attached");
		return -EBUSY;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->source, sizeof(t->source), "%s", proto_topo_source_name(m->topo_source));
	t->nr_cpus = m->nr_cpus;
	t->nr_llcs = m->nr_llcs;
	/* Every LLC index is listed, in order, even one whose CPUs are all
	 * offline; only online CPUs give an LLC its id and members. */
	for (u32 i = 0; i < t->nr_llcs && i < SCXD_MAX_LLCS; i++) {
		t->llcs[i].index = i;
		t->llcs[i].id = -1;
	}
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		const struct scxd_cpu_topo *c = &m->topo[cpu];
		struct proto_topology_llc *llc = &t->llcs[c->llc % SCXD_MAX_LLCS];

		t->cpus[cpu] = (struct proto_topology_cpu){
			.cpu = cpu, .online = c->online, .llc = c->llc, .llc_id = c->llc_id,
			.node = c->node, .llc_size = c->llc_size,
		};
		if (!c->online || c->llc >= t->nr_llcs)
			continue;
		llc->id = c->llc_id;
		scxd_cpumask_set(&llc->cpus, cpu);
	}
	*result = proto_topology_encode(t);
	free(t);
	return *result ? 0 : -ENOMEM;
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

/* ---- changes ----------------------------------------------------------- */

/* params.@key: *out is NULL when absent; -EINVAL when not a string. */
static int param_string(const cJSON *params, const char *key, bool required, const char **out,
			char *errmsg, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);

	*out = NULL;
	if (!v && !required)
		return 0;
	if (!cJSON_IsString(v) || !v->valuestring[0]) {
		snprintf(errmsg, errlen, "\"%s\" must be a non-empty string", key);
		return -EINVAL;
	}
	*out = v->valuestring;
	return 0;
}

/* An edit's own refusal (before the text is parsed) -> the method's. */
static int edit_failed(int r, const struct config_error *err, char *errmsg, size_t errlen)
{
	snprintf(errmsg, errlen, "%s", err->msg);
	return r == -EEXIST ? -EINVAL : r;
}

/* Parse the edited text and make it the running configuration. */
static int commit_edit(struct manager *m, struct config_edit *e, char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	struct scxd_config *next = calloc(1, sizeof(*next));
	int r;

	if (!next)
		return -ENOMEM;
	r = config_edit_commit(e, next, m->config->source, &err);
	if (r < 0) {
		snprintf(errmsg, errlen, "%s", err.msg);
		free(next);
		return r == -ENOMEM ? r : -EBADMSG;
	}
	return manager_apply(m, next, errmsg, errlen);
}

/*
 * "set": {"key": value, ...} applied to @layer. Values are the INI
 * file's: strings, or numbers and booleans (yes/no) for convenience; ""
 * removes a key (back to its default).
 */
static int apply_settings(struct config_edit *e, const char *layer, const cJSON *set,
			  char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	const cJSON *kv;
	char num[32];
	int r;

	if (!set)
		return 0;
	if (!cJSON_IsObject(set)) {
		snprintf(errmsg, errlen, "\"set\" must be an object of key: value");
		return -EINVAL;
	}
	cJSON_ArrayForEach(kv, set) {
		const char *v;

		if (cJSON_IsString(kv)) {
			v = kv->valuestring;
		} else if (cJSON_IsBool(kv)) {
			v = cJSON_IsTrue(kv) ? "yes" : "no";
		} else if (cJSON_IsNumber(kv) && kv->valuedouble == (double)(long long)kv->valuedouble) {
			snprintf(num, sizeof(num), "%lld", (long long)kv->valuedouble);
			v = num;
		} else {
			snprintf(errmsg, errlen, "\"set\": the value of \"%s\" must be a string, "
				 "an integer or a boolean", kv->string);
			return -EINVAL;
		}
		r = config_edit_set(e, layer, kv->string, v, &err);
		if (r < 0)
			return edit_failed(r, &err, errmsg, errlen);
	}
	return 0;
}

/*
 * One change: fn edits the running configuration's text from the request's
 * params (returning -errno with errmsg set), then the result is committed
 * as a whole, or nothing changes.
 */
typedef int (*edit_fn)(struct manager *m, struct config_edit *e, const cJSON *params,
		       char *errmsg, size_t errlen);

static int run_change(struct manager *m, const struct control_request *req, edit_fn fn,
		      char *errmsg, size_t errlen)
{
	struct config_edit *e = config_edit_new(m->config);
	int r;

	if (!e)
		return -ENOMEM;
	r = fn(m, e, req->params, errmsg, errlen);
	if (!r)
		r = commit_edit(m, e, errmsg, errlen);
	config_edit_free(e);
	return r;
}

static int edit_set_layer(struct manager *m, struct config_edit *e, const cJSON *params,
			  char *errmsg, size_t errlen)
{
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(params, "set");
	const char *layer;
	int r;

	r = param_string(params, "layer", true, &layer, errmsg, errlen);
	if (r < 0)
		return r;
	if (!cJSON_IsObject(set) || !set->child) {
		snprintf(errmsg, errlen, "\"set\" must be an object with at least one key");
		return -EINVAL;
	}
	if (config_layer_find(m->config, layer) < 0) {
		snprintf(errmsg, errlen, "no layer '%s'", layer);
		return -ENOENT;
	}
	return apply_settings(e, layer, set, errmsg, errlen);
}

static int edit_add_layer(struct manager *m, struct config_edit *e, const cJSON *params,
			  char *errmsg, size_t errlen)
{
	const cJSON *match = cJSON_GetObjectItemCaseSensitive(params, "match"), *rule;
	struct config_error err = {0};
	const char *layer, *before;
	int r;

	if ((r = param_string(params, "layer", true, &layer, errmsg, errlen)) < 0 ||
	    (r = param_string(params, "before", false, &before, errmsg, errlen)) < 0)
		return r;
	if (match && !cJSON_IsArray(match)) {
		snprintf(errmsg, errlen, "\"match\" must be an array of rules");
		return -EINVAL;
	}
	r = config_edit_add_layer(e, layer, before, &err);
	if (r < 0)
		return edit_failed(r, &err, errmsg, errlen);
	r = apply_settings(e, layer, cJSON_GetObjectItemCaseSensitive(params, "set"), errmsg,
			   errlen);
	cJSON_ArrayForEach(rule, match) {
		if (r < 0)
			break;
		if (!cJSON_IsString(rule)) {
			snprintf(errmsg, errlen, "\"match\" must be an array of rules");
			r = -EINVAL;
		} else if ((r = config_edit_add_match(e, layer, rule->valuestring, &err)) < 0) {
			r = edit_failed(r, &err, errmsg, errlen);
		}
	}
	return r;
}

static int edit_remove_layer(struct manager *m, struct config_edit *e, const cJSON *params,
			     char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	const char *layer;
	int r;

	r = param_string(params, "layer", true, &layer, errmsg, errlen);
	if (r < 0)
		return r;
	r = config_edit_remove_layer(e, layer, &err);
	return r < 0 ? edit_failed(r, &err, errmsg, errlen) : 0;
}

static int edit_match(struct config_edit *e, const cJSON *params, bool add, char *errmsg,
		      size_t errlen)
{
	struct config_error err = {0};
	const char *layer, *rule;
	int r;

	if ((r = param_string(params, "layer", true, &layer, errmsg, errlen)) < 0 ||
	    (r = param_string(params, "rule", true, &rule, errmsg, errlen)) < 0)
		return r;
	r = add ? config_edit_add_match(e, layer, rule, &err)
		: config_edit_remove_match(e, layer, rule, &err);
	return r < 0 ? edit_failed(r, &err, errmsg, errlen) : 0;
}

static int edit_match_add(struct manager *m, struct config_edit *e, const cJSON *params,
			  char *errmsg, size_t errlen)
{
	return edit_match(e, params, true, errmsg, errlen);
}

static int edit_match_remove(struct manager *m, struct config_edit *e, const cJSON *params,
			     char *errmsg, size_t errlen)
{
	return edit_match(e, params, false, errmsg, errlen);
}

#define CHANGE_METHOD(name)							\
	static int method_##name(void *userdata, const struct control_request *req,	\
				 cJSON **result, char *errmsg, size_t errlen)		\
	{									\
		return run_change(userdata, req, edit_##name, errmsg, errlen);	\
	}
CHANGE_METHOD(set_layer)
CHANGE_METHOD(add_layer)
CHANGE_METHOD(remove_layer)
CHANGE_METHOD(match_add)
CHANGE_METHOD(match_remove)

static int method_reload(void *userdata, const struct control_request *req, cJSON **result,
			 char *errmsg, size_t errlen)
{
	return reload_file(userdata, errmsg, errlen);
}

/* Write @text to @path through a temporary file and rename(): a crash
 * leaves the old file or the new one, never half of one. */
static int write_atomically(const char *path, const char *head, const char *text)
{
	char tmp[PATH_MAX + 16];
	FILE *f;
	int r = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (fputs(head, f) < 0 || fputs(text, f) < 0 || fflush(f) || fsync(fileno(f)))
		r = -errno ?: -EIO;
	if (fclose(f) && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

/* Persist the running configuration: the next start uses it (load_saved). */
static int method_save(void *userdata, const struct control_request *req, cJSON **result,
		       char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	char head[PATH_MAX + 128], dir[PATH_MAX], *text, *slash;
	int r;

	snprintf(dir, sizeof(dir), "%s", m->saved_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			snprintf(errmsg, errlen, "creating %s: %s", dir, strerror(-r));
			return r;
		}
	}
	text = config_format(m->config);
	if (!text)
		return -ENOMEM;
	saved_header(m, head, sizeof(head));
	strncat(head, "# Written by `scxctl save`; `scxctl reload` returns to the file.\n",
		sizeof(head) - strlen(head) - 1);
	r = write_atomically(m->saved_path, head, text);
	free(text);
	if (r < 0) {
		snprintf(errmsg, errlen, "writing %s: %s", m->saved_path, strerror(-r));
		return r;
	}
	*result = cJSON_CreateObject();
	if (!*result || !cJSON_AddStringToObject(*result, "path", m->saved_path))
		return -ENOMEM;
	return 0;
}

/* ---- pins: run, move, unpin, explain --------------------------------- */

/* The real and effective uid of process @pid (from /proc). */
static int proc_uids(pid_t pid, uid_t *ruid, uid_t *euid)
{
	char path[64], line[256];
	unsigned r, e;
	int found = -ESRCH;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u %u", &r, &e) == 2) {
			*ruid = r;
			*euid = e;
			found = 0;
			break;
		}
	fclose(f);
	return found;
}

/* The processes a pin request names: params.pid, or every process in
 * params.cgroup (a path under /sys/fs/cgroup) and its descendants. */
struct targets {
	pid_t	*pids;
	size_t	n, cap;
};

static int targets_add(struct targets *t, pid_t pid)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		pid_t *p = realloc(t->pids, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		t->pids = p;
		t->cap = cap;
	}
	t->pids[t->n++] = pid;
	return 0;
}

static int targets_from_cgroup(struct targets *t, const char *dir, int depth)
{
	char path[PATH_MAX + 16];
	struct dirent *de;
	long pid;
	FILE *f;
	DIR *d;
	int r = 0;

	if (depth > 32)
		return -ELOOP;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (r == 0 && fscanf(f, "%ld", &pid) == 1)
		r = targets_add(t, pid);
	fclose(f);
	d = opendir(dir);
	if (!d)
		return r ?: -errno;
	while (r == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		r = targets_from_cgroup(t, path, depth + 1);
	}
	closedir(d);
	return r;
}

static int get_targets(const cJSON *params, struct targets *t, char *errmsg, size_t errlen)
{
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(params, "pid");
	const char *cg;
	char dir[PATH_MAX];
	int r;

	r = param_string(params, "cgroup", false, &cg, errmsg, errlen);
	if (r < 0)
		return r;
	if (!!cg == !!pid) {
		snprintf(errmsg, errlen, "give either \"pid\" or \"cgroup\"");
		return -EINVAL;
	}
	if (pid) {
		if (!cJSON_IsNumber(pid) || pid->valuedouble < 1 || pid->valuedouble > INT32_MAX ||
		    pid->valuedouble != (double)(int)pid->valuedouble) {
			snprintf(errmsg, errlen, "\"pid\" must be a process id");
			return -EINVAL;
		}
		return targets_add(t, pid->valueint);
	}
	if (cg[0] != '/' || strstr(cg, "/..") || strlen(cg) > PATH_MAX - 32) {
		snprintf(errmsg, errlen, "\"cgroup\" must be an absolute path such as "
			 "/user.slice/app.scope, not '%s'", cg);
		return -EINVAL;
	}
	snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s", strcmp(cg, "/") ? cg : "");
	r = targets_from_cgroup(t, dir, 0);
	if (r < 0)
		snprintf(errmsg, errlen, "cgroup %s: %s", cg, strerror(-r));
	return r == -ENOENT ? -ENOENT : r;
}

/*
 * May the caller pin (or unpin) @t into @layer (NULL: unpin)? An admin
 * may do anything; any other user only their own processes, and only
 * into a layer the configuration opens to users (users = yes).
 */
static int may_pin(struct manager *m, const struct control_request *req, const struct targets *t,
		   const struct scxd_layer *layer, char *errmsg, size_t errlen)
{
	uid_t ruid = 0, euid = 0;
	int r;

	if (req->admin)
		return 0;
	if (layer && !layer->users) {
		snprintf(errmsg, errlen, "layer '%s' is not open to users (users = yes); "
			 "root or group \"%s\" can move tasks into it", layer->name,
			 m->config->socket_group);
		return -EPERM;
	}
	for (size_t i = 0; i < t->n; i++) {
		r = proc_uids(t->pids[i], &ruid, &euid);
		if (r == -ESRCH)
			continue;	/* gone meanwhile */
		if (r < 0)
			return r;
		if (ruid != req->uid || euid != req->uid) {
			snprintf(errmsg, errlen, "process %d is not yours", (int)t->pids[i]);
			return -EPERM;
		}
	}
	return 0;
}

/* Pin (layer_id != 0) or unpin every thread of every target process. */
static int pin_targets(struct manager *m, const struct targets *t, u32 layer_id, char *errmsg,
		       size_t errlen, unsigned *done)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int r;

	*done = 0;
	if (!m->loader || !loader_attached(m->loader)) {
		snprintf(errmsg, errlen, "the scheduler is not attached");
		return -EBUSY;
	}
	for (size_t i = 0; i < t->n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/task", (int)t->pids[i]);
		d = opendir(path);
		if (!d)
			continue;	/* gone meanwhile */
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			r = loader_pin(m->loader, atoi(de->d_name), layer_id);
			if (r == 0)
				(*done)++;
			else if (r != -ESRCH && r != -ENOENT) {
				closedir(d);
				snprintf(errmsg, errlen, "thread %s: %s", de->d_name, strerror(-r));
				return r;
			}
		}
		closedir(d);
	}
	return loader_refresh(m->loader);
}

/* run, move (layer given) and unpin (none): one path. */
static int pin_request(struct manager *m, const struct control_request *req, bool self,
		       bool unpin, cJSON **result, char *errmsg, size_t errlen)
{
	const struct scxd_layer *layer = NULL;
	struct targets t = {0};
	const char *name = NULL;
	unsigned done = 0;
	int r, i;

	if (!unpin) {
		r = param_string(req->params, "layer", true, &name, errmsg, errlen);
		if (r < 0)
			return r;
		i = config_layer_find(m->config, name);
		if (i < 0) {
			snprintf(errmsg, errlen, "no layer '%s'", name);
			return -ENOENT;
		}
		layer = &m->config->layers[i];
	}
	r = self ? targets_add(&t, req->pid) : get_targets(req->params, &t, errmsg, errlen);
	if (!r)
		r = may_pin(m, req, &t, layer, errmsg, errlen);
	if (!r)
		r = pin_targets(m, &t, layer ? layer->id : 0, errmsg, errlen, &done);
	free(t.pids);
	if (r < 0)
		return r;
	if (!done) {
		snprintf(errmsg, errlen, unpin ? "no pinned thread found" : "no such process");
		return -ENOENT;
	}
	*result = cJSON_CreateObject();
	if (!*result || !cJSON_AddNumberToObject(*result, "threads", done))
		return -ENOMEM;
	return 0;
}

static int method_run(void *userdata, const struct control_request *req, cJSON **result,
		      char *errmsg, size_t errlen)
{
	return pin_request(userdata, req, true, false, result, errmsg, errlen);
}

static int method_move(void *userdata, const struct control_request *req, cJSON **result,
		       char *errmsg, size_t errlen)
{
	return pin_request(userdata, req, false, false, result, errmsg, errlen);
}

static int method_unpin(void *userdata, const struct control_request *req, cJSON **result,
			char *errmsg, size_t errlen)
{
	return pin_request(userdata, req, false, true, result, errmsg, errlen);
}

/* Which layer a task is in, and why. */
static int method_explain(void *userdata, const struct control_request *req, cJSON **result,
			  char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	const cJSON *pid = cJSON_GetObjectItemCaseSensitive(req->params, "pid");
	struct scxd_task_info info;
	const char *reason = "rule";
	char path[64], comm[32] = "";
	u32 pin_id = 0;
	FILE *f;
	cJSON *o;
	int r;

	if (!cJSON_IsNumber(pid) || pid->valuedouble < 1 || pid->valuedouble > INT32_MAX) {
		snprintf(errmsg, errlen, "\"pid\" must be a process id");
		return -EINVAL;
	}
	if (!m->loader || !loader_attached(m->loader)) {
		snprintf(errmsg, errlen, "the scheduler is not attached");
		return -EBUSY;
	}
	r = loader_task_info(m->loader, pid->valueint, &info, &pin_id);
	if (r == -ESRCH || r == -ENOENT) {
		snprintf(errmsg, errlen, r == -ESRCH ? "no process %d" :
			 "process %d is not scheduled by scxd", pid->valueint);
		return -ENOENT;
	}
	if (r < 0)
		return r;
	if (info.layer >= m->config->nr_layers) {
		snprintf(errmsg, errlen, "process %d is not in a layer yet", pid->valueint);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", pid->valueint);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	o = *result = cJSON_CreateObject();
	if (!o)
		return -ENOMEM;
	if (info.rule == SCXD_RULE_PINNED)
		reason = "pinned";
	else if (info.rule == SCXD_RULE_CATCH_ALL || info.rule >= m->config->nr_rules)
		reason = "catch-all";
	cJSON_AddNumberToObject(o, "pid", pid->valueint);
	cJSON_AddStringToObject(o, "comm", comm);
	cJSON_AddStringToObject(o, "layer", m->config->layers[info.layer].name);
	cJSON_AddStringToObject(o, "reason", reason);
	if (!strcmp(reason, "rule")) {
		cJSON_AddNumberToObject(o, "rule_index", info.rule);
		cJSON_AddStringToObject(o, "rule", m->config->rule_text[info.rule]);
	} else {
		cJSON_AddNullToObject(o, "rule_index");
		cJSON_AddNullToObject(o, "rule");
	}
	cJSON_AddBoolToObject(o, "pinned", pin_id != 0);
	return 0;
}

/* ---- stop / start ------------------------------------------------------ */

/* Detach: every task goes back to the kernel's default scheduler; the
 * daemon, its configuration and the control socket stay. */
static int method_stop(void *userdata, const struct control_request *req, cJSON **result,
		       char *errmsg, size_t errlen)
{
	struct manager *m = userdata;

	if (!m->loader || !loader_attached(m->loader)) {
		snprintf(errmsg, errlen, "the scheduler is not attached");
		return -EBUSY;
	}
	/* A pending automatic re-attach would undo the stop. */
	m->restart = sd_event_source_disable_unref(m->restart);
	loader_detach(m->loader);
	m->loader = loader_free(m->loader);
	log_notice("Scheduler detached on request; tasks run on the kernel's default scheduler");
	sd_notify(0, "STATUS=Stopped: tasks on the kernel's default scheduler");
	return 0;
}

static int method_start(void *userdata, const struct control_request *req, cJSON **result,
			char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	int r;

	if (m->loader && loader_attached(m->loader)) {
		snprintf(errmsg, errlen, "the scheduler is attached already");
		return -EBUSY;
	}
	m->restart = sd_event_source_disable_unref(m->restart);
	m->loader = loader_free(m->loader);
	r = scheduler_start(m);
	if (r < 0) {
		m->loader = loader_free(m->loader);
		snprintf(errmsg, errlen, "attaching the scheduler: %s%s", strerror(-r),
			 r == -EBUSY ? " (another sched_ext scheduler is running)" : "");
		return r == -EBUSY ? -EBUSY : r;
	}
	sd_notifyf(0, "STATUS=Scheduling with %u layers", m->config->nr_layers);
	return 0;
}

/* ---- roles: one configuration file per machine role --------------------- */

/* The file of role @name ("NAME.ini" in the roles directory). */
static int role_path(struct manager *m, const char *name, char *path, size_t len, char *errmsg,
		     size_t errlen)
{
	size_t n = strlen(name);

	if (!n || n > 64 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789_.-") != n || name[0] == '.') {
		snprintf(errmsg, errlen, "invalid role name '%s'", name);
		return -EINVAL;
	}
	snprintf(path, len, "%s/%s.ini", m->roles_dir, name);
	if (access(path, R_OK) < 0) {
		snprintf(errmsg, errlen, "no role '%s' (%s)", name, path);
		return -ENOENT;
	}
	return 0;
}

/* The role file's summary: its first comment line after "NAME.ini - ". */
static void role_description(const char *path, char *buf, size_t len)
{
	char line[512], *dash;
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (line[0] == ';' || line[0] == '#')) {
		line[strcspn(line, "\n")] = '\0';
		dash = strstr(line, " - ");
		snprintf(buf, len, "%s", dash ? dash + 3 : line + 1 + (line[1] == ' '));
	}
	fclose(f);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int method_roles(void *userdata, const struct control_request *req, cJSON **result,
			char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	char *names[256], path[PATH_MAX + 80], desc[256];
	cJSON *list, *o;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	*result = cJSON_CreateObject();
	if (!*result || !cJSON_AddStringToObject(*result, "current", m->config->role) ||
	    !cJSON_AddStringToObject(*result, "dir", m->roles_dir) ||
	    !(list = cJSON_AddArrayToObject(*result, "roles")))
		return -ENOMEM;
	d = opendir(m->roles_dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".ini") && de->d_name[0] != '.' &&
		    (names[n] = strndup(de->d_name, l - 4)))
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.ini", m->roles_dir, names[i]);
		role_description(path, desc, sizeof(desc));
		o = cJSON_CreateObject();
		if (o) {
			cJSON_AddStringToObject(o, "name", names[i]);
			cJSON_AddStringToObject(o, "description", desc);
			cJSON_AddItemToArray(list, o);
		}
		free(names[i]);
	}
	return 0;
}

/* Load role @name into a new configuration (freed by the caller). */
static int load_role(struct manager *m, const cJSON *params, struct scxd_config **out,
		     char *path, size_t len, char *errmsg, size_t errlen)
{
	struct config_error err = {0};
	const char *name;
	char buf[600];
	int r;

	r = param_string(params, "name", true, &name, errmsg, errlen);
	if (r < 0 || (r = role_path(m, name, path, len, errmsg, errlen)) < 0)
		return r;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	r = config_load_file(*out, path, &err);
	if (r < 0) {
		snprintf(errmsg, errlen, "%s", config_error_str(&err, buf, sizeof(buf)));
		free(*out);
		*out = NULL;
		return r == -ENOMEM ? r : -EBADMSG;
	}
	return 0;
}

static int method_role_show(void *userdata, const struct control_request *req, cJSON **result,
			    char *errmsg, size_t errlen)
{
	struct scxd_config *c = NULL;
	char path[PATH_MAX + 80], *text;
	int r;

	r = load_role(userdata, req->params, &c, path, sizeof(path), errmsg, errlen);
	if (r < 0)
		return r;
	text = config_format(c);
	free(c);
	*result = cJSON_CreateObject();
	if (!text || !*result || !cJSON_AddStringToObject(*result, "path", path) ||
	    !cJSON_AddStringToObject(*result, "text", text)) {
		free(text);
		return -ENOMEM;
	}
	free(text);
	return 0;
}

/* Run role NAME's configuration from now on; reload returns to the file. */
static int method_role_set(void *userdata, const struct control_request *req, cJSON **result,
			   char *errmsg, size_t errlen)
{
	struct manager *m = userdata;
	struct scxd_config *c = NULL;
	char path[PATH_MAX + 80];
	int r;

	r = load_role(m, req->params, &c, path, sizeof(path), errmsg, errlen);
	if (r < 0)
		return r;
	r = manager_apply(m, c, errmsg, errlen);
	if (r == 0)
		log_notice("Running role %s from %s", m->config->role, path);
	return r;
}

static const struct control_method methods[] = {
	{ PROTO_METHOD_STATUS, false, false, method_status },
	{ PROTO_METHOD_VERSION, false, false, method_version },
	{ PROTO_METHOD_TOPOLOGY, false, false, method_topology },
	{ PROTO_METHOD_SET_LAYER, true, false, method_set_layer },
	{ PROTO_METHOD_ADD_LAYER, true, false, method_add_layer },
	{ PROTO_METHOD_REMOVE_LAYER, true, false, method_remove_layer },
	{ PROTO_METHOD_MATCH_ADD, true, false, method_match_add },
	{ PROTO_METHOD_MATCH_REMOVE, true, false, method_match_remove },
	{ PROTO_METHOD_RELOAD, true, false, method_reload },
	{ PROTO_METHOD_SAVE, true, false, method_save },
	{ PROTO_METHOD_RUN, true, true, method_run },
	{ PROTO_METHOD_MOVE, true, true, method_move },
	{ PROTO_METHOD_UNPIN, true, true, method_unpin },
	{ PROTO_METHOD_EXPLAIN, false, false, method_explain },
	{ PROTO_METHOD_STOP, true, false, method_stop },
	{ PROTO_METHOD_ROLES, false, false, method_roles },
	{ PROTO_METHOD_ROLE_SHOW, false, false, method_role_show },
	{ PROTO_METHOD_ROLE_SET, true, false, method_role_set },
	{ PROTO_METHOD_START, true, false, method_start },
};

int manager_run(struct manager *m)
{
	sigset_t mask;
	int r, status;

	libbpf_set_print(libbpf_print);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	r = sd_event_default(&m->event);
	if (r < 0)
		return log_error_errno(r, "Failed to create event loop: %m"), EXIT_FAILURE;
	if ((r = sd_event_add_signal(m->event, NULL, SIGTERM, on_signal, m)) < 0 ||
	    (r = sd_event_add_signal(m->event, NULL, SIGINT, on_signal, m)) < 0 ||
	    (r = sd_event_add_signal(m->event, NULL, SIGHUP, on_reload, m)) < 0)
		return log_error_errno(r, "Failed to watch signals: %m"), EXIT_FAILURE;
	/* Pings the systemd watchdog when WatchdogSec= is set; no-op otherwise. */
	sd_event_set_watchdog(m->event, true);
	sd_event_now(m->event, CLOCK_MONOTONIC, &m->start_usec);

	if (scheduler_start(m) < 0)
		return EXIT_FAILURE;

	r = control_new(&m->control, m->event, m->socket_path, m->config->socket_group,
			methods, sizeof(methods) / sizeof(methods[0]), m);
	if (r < 0) {
		log_error_errno(r, "Failed to open control socket %s: %m", m->socket_path);
		status = EXIT_FAILURE;
		goto out;
	}
	control_set_audit(m->control, on_audit);
	if ((r = sd_event_add_time_relative(m->event, &m->exit_poll, CLOCK_MONOTONIC,
					    EXIT_POLL_USEC, 0, on_exit_poll, m)) < 0 ||
	    (r = sd_event_add_time_relative(m->event, &m->tick, CLOCK_MONOTONIC, TICK_USEC, 0,
					    on_tick, m)) < 0) {
		log_error_errno(r, "Failed to add timers: %m");
		status = EXIT_FAILURE;
		goto out;
	}

	sd_notifyf(0, "READY=1\nSTATUS=Scheduling with %u layers", m->config->nr_layers);
	r = sd_event_loop(m->event);
	status = r < 0 ? EXIT_FAILURE : r;
out:
	sd_notify(0, "STOPPING=1");
	m->control = control_free(m->control);
	if (!m->loader) {
		/* Between a restartable exit and a successful re-attach. */
	} else if (loader_exited(m->loader) && status == EXIT_SUCCESS) {
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

/* Load the scheduler with the verifier's statistics, print them, exit:
 * how far each program is from the verifier's limits with this config. */
int manager_verifier_stats(struct manager *m)
{
	struct loader *l = NULL;
	int r;

	libbpf_set_print(libbpf_print);
	r = loader_new(&l, true);
	if (r < 0)
		return log_error_errno(r, "Failed to load the BPF scheduler: %m"), EXIT_FAILURE;
	r = loader_apply_config(l, m->config, NULL);
	if (r < 0) {
		loader_free(l);
		return log_error_errno(r, "Failed to write the configuration to BPF: %m"), EXIT_FAILURE;
	}
	printf("%s: %u layers, %u rules\n%s", m->config->source, m->config->nr_layers,
	       m->config->nr_rules, loader_verifier_stats(l));
	loader_free(l);
	return EXIT_SUCCESS;
}
