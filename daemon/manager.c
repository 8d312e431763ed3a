/*
 * manager.c - the daemon's lifecycle; see manager.h. The control methods
 * are in method_*.c, and reach the manager through manager.h.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "alloc.h"
#include "comparison.h"
#include "config.h"
#include "config_edit.h"
#include "config_stack.h"
#include "control.h"
#include "loader.h"
#include "log.h"
#include "manager.h"
#include "methods.h"
#include "protocol.h"
#include "rivals.h"
#include "saved.h"
#include "stats.h"
#include "topology.h"
#include "tracer.h"
#include "tunables.h"

/* How often the loop looks whether the kernel has ejected the scheduler. */
#define EXIT_POLL_USEC		(250 * 1000ULL)

/* Restartable exits (CPU hotplug): attach again after 0.5, 1, 2, 4, 8 s;
 * give up after that many failures in a row. */
#define RESTART_FIRST_USEC	(500 * 1000ULL)
#define RESTART_MAX		5

/* Error exits (the scheduler failed: scx_bpf_error(), a stall): attach
 * again after 0.5, 1, 2, 4 s; the fifth error in a row ends the daemon
 * with the reason. An attach that lasts ERROR_STABLE_USEC ends the row. */
#define ERROR_RESTARTS_MAX	4
#define ERROR_STABLE_USEC	(60 * 1000 * 1000ULL)

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

/*
 * A configuration saved by `scxctl save` replaces the file's at start, if
 * it was saved from the same file and still loads; otherwise the file's
 * stands and the reason is logged.
 */
static void load_saved(struct manager *m)
{
	struct config_error err = {0};
	struct scxd_config *c;
	char buf[600];
	int r;

	c = calloc(1, sizeof(*c));
	if (!c)
		return;
	r = saved_read(m->saved_path, m->config_path, c, &err);
	if (r == -ESTALE)
		log_warning("Ignoring %s: saved from another configuration file (%s)",
			    m->saved_path, err.msg);
	else if (r < 0 && r != -ENOENT)
		log_warning("Ignoring the saved configuration: %s",
			    config_error_str(&err, buf, sizeof(buf)));
	if (r < 0) {
		free(c);
		return;
	}
	snprintf(c->source, sizeof(c->source), "%s", m->config->source);
	free(m->config);
	m->config = c;
	log_notice("Using the configuration saved in %s (scxctl reload returns to %s)",
		   m->saved_path, m->config->source);
}

int manager_load(struct manager *m, const char *role, struct scxd_config *c,
		 struct config_error *err)
{
	struct config_stack s = {
		.main = m->config_path[0] ? m->config_path : NULL,
		.role = role,
		.role_dirs = m->role_dirs,
	};

	return config_stack_load(c, &s, NULL, err);
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
	if (opts->config_path)
		snprintf(m->config_path, sizeof(m->config_path), "%s", opts->config_path);
	for (size_t i = 0; i < ROLE_DIRS_MAX; i++) {
		static const char *const defaults[] = { SCXD_ROLE_DIRS, NULL };
		const char *const *dirs = opts->role_dirs ?: defaults;

		if (!(m->role_dirs[i] = dirs[i]))
			break;
	}
	r = manager_load(m, NULL, m->config, &err);
	if (r < 0) {
		log_error("Failed to load configuration: %s",
			  config_error_str(&err, buf, sizeof(buf)));
		manager_free(m);
		return r == -ENOENT ? -ENOENT : -EINVAL;
	}
	m->file_config = malloc(sizeof(*m->file_config));
	if (!m->file_config) {
		manager_free(m);
		return log_error_errno(-ENOMEM, "Failed to allocate configuration: %m");
	}
	memcpy(m->file_config, m->config, sizeof(*m->config));
	snprintf(m->saved_path, sizeof(m->saved_path), "%s/" SAVED_NAME,
		 opts->state_dir ? opts->state_dir : SCXD_STATE_DIR);
	snprintf(m->saved_old_path, sizeof(m->saved_old_path), "%s.old", m->saved_path);
	m->topo_start = opts->topo_start;
	m->replace = opts->replace;
	m->inject_errors = opts->debug_error_exits;
	m->inject_after_ns = opts->debug_error_after_ms * 1000000ULL;
	if (opts->tunables)
		m->tunables = *opts->tunables;
	else
		tunables_default(&m->tunables);
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
	manager_unexport(m);
	comparison_free(m);
	control_free(m->control);
	loader_free(m->loader);
	tracer_free(m->tracer);
	sd_event_source_unref(m->exit_poll);
	sd_event_source_unref(m->tick);
	sd_event_source_unref(m->restart);
	sd_event_unref(m->event);
	free(m->config);
	free(m->file_config);
	free(m);
	return NULL;
}

/* The tunables that differ from their defaults, for whoever reads a
 * benchmark's log. */
static void log_tunables(const struct manager *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int n;

	if (!f)
		return;
	n = tunables_describe(&m->tunables, f, true);
	if (fclose(f) == 0 && n > 0)
		log_notice("Tunables set with --tune:\n%s", buf);
	free(buf);
}

bool manager_attached(const struct manager *m)
{
	return m->loader && loader_attached(m->loader);
}

/* The journal fields of an event of @m's own: its role, no caller. */
static struct log_ctx own(const struct manager *m)
{
	return (struct log_ctx){ .role = m->config->role, .caller_uid = -1, .caller_pid = -1 };
}

/* An exit the daemon asked for (@expected) is a detach; any other is an
 * ejection. */
static void log_exit(const struct manager *m, const struct scxd_exit_rec *e, bool expected)
{
	struct log_ctx ctx = own(m);

	log_event(expected ? LOG_EV_DETACH : LOG_EV_EJECT, expected ? LOG_INFO : LOG_ERR, 0, &ctx,
		  "Scheduler exited: %s (kind %d, code %lld)%s%s%s%s",
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
	/* Unchanged (most seconds): BPF already has it, masks included. */
	if (!memcmp(next, m->placement, m->config->nr_layers * sizeof(next[0])))
		return 0;
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

/* STATUS= for systemd (systemctl status), sent only when it changed. */
__attribute__((format(printf, 2, 3)))
static void notify_status(struct manager *m, const char *fmt, ...)
{
	char status[sizeof(m->status)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	if (!strcmp(status, m->status))
		return;
	snprintf(m->status, sizeof(m->status), "%s", status);
	sd_notifyf(0, "STATUS=%s", status);
}

/* What an attached scheduler does: its layers, role and tasks (counted
 * by the last tick's sample). */
static void notify_scheduling(struct manager *m)
{
	long long tasks = 0;

	for (u32 i = 0; i < m->config->nr_layers; i++)
		tasks += m->last[i].tasks > 0 ? m->last[i].tasks : 0;
	notify_status(m, "Scheduling with %u layers of role %s: %lld tasks",
		      m->config->nr_layers, m->config->role, tasks);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	int r;

	if (manager_attached(m)) {
		r = sample_layers(m);
		if (r < 0)
			log_warning_errno(r, "Failed to read scheduler counters: %m");
		else if ((r = place_layers(m)) < 0)
			log_warning_errno(r, "Failed to update CPU allocation: %m");
		notify_scheduling(m);
	}
	manager_export(m);
	r = sd_event_source_set_time(s, usec + MANAGER_TICK_USEC);
	return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/*
 * Attach the loaded scheduler with the running configuration: the kernel's
 * view of the topology read back once attached, and the layers placed on
 * it. Also what manager_start() does with a scheduler manager_stop() kept
 * loaded: no second pass through the verifier.
 */
static int scheduler_attach(struct manager *m)
{
	struct log_ctx ctx;
	int r;

	r = loader_rewind(m->loader);
	if (r < 0)
		return log_error_errno(r, "Failed to reset the scheduler's state: %m");
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
	ctx = own(m);
	log_event(LOG_EV_ATTACH, LOG_INFO, 0, &ctx,
		  "Scheduler %s attached: %u layers, %u rules from %s; %u CPUs in %u LLCs (topology from %s)",
		 SCXD_OPS_NAME, m->config->nr_layers, m->config->nr_rules, m->config->source,
		 m->nr_cpus, m->nr_llcs, proto_topo_source_name(m->topo_source));
	sd_event_now(m->event, CLOCK_MONOTONIC, &m->attached_usec);
	if (m->inject_errors) {
		r = loader_inject_error(m->loader, m->inject_after_ns);
		if (r < 0)
			log_warning_errno(r, "Failed to inject an error: %m");
		else
			log_notice("Debug: the scheduler fails in %llu ms (%u more injected errors)",
				   (unsigned long long)m->inject_after_ns / 1000000, --m->inject_errors);
	}
	return 0;
}

/* Load the scheduler unless it is loaded, write the sysfs topology (BPF
 * keeps it on kernels without sd_llc_id; CPUs may have come or gone since
 * the last attach), then attach it. */
static int scheduler_start(struct manager *m)
{
	struct loader_maps shared;
	struct scxd_cpu_topo sysfs[SCXD_MAX_CPUS];
	u32 nr = 0;
	int r;

	if (!m->loader) {
		if (m->tracer)
			tracer_shared_maps(m->tracer, &shared);
		r = loader_new(&m->loader, &m->tunables, m->tracer ? &shared : NULL,
			       m->topo_start, false);
		if (r < 0)
			return log_error_errno(r, "Failed to load the BPF scheduler: %m");
	}
	r = topology_read_sysfs("/sys", sysfs, SCXD_MAX_CPUS, &nr);
	if (r < 0)
		log_warning_errno(r, "Failed to read CPU topology from sysfs: %m");
	else if ((r = loader_write_topology(m->loader, sysfs, nr)) < 0)
		return log_error_errno(r, "Failed to write the topology to BPF: %m");
	return scheduler_attach(m);
}

/*
 * Attach again after a stop or an exit: the scheduler kept loaded first
 * (no second pass through the verifier, which under load can take a
 * minute), else a fresh load. A failure leaves nothing loaded.
 */
static int scheduler_restart(struct manager *m)
{
	int r;

	if (m->loader) {
		loader_detach(m->loader);
		r = scheduler_start(m);
		if (r == 0)
			return 0;
		log_warning_errno(r, "Failed to attach the loaded scheduler again, loading it anew: %m");
		m->loader = loader_free(m->loader);
	}
	r = scheduler_start(m);
	if (r < 0)
		m->loader = loader_free(m->loader);
	return r;
}

static int on_restart(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	uint64_t delay;
	int r;

	r = scheduler_restart(m);
	if (r == 0) {
		m->restarts = 0;
		notify_scheduling(m);
		return 0;
	}
	if (++m->restarts >= RESTART_MAX) {
		log_error("Giving up after %u failed attempts to re-attach", m->restarts);
		return sd_event_exit(m->event, EXIT_FAILURE);
	}
	delay = RESTART_FIRST_USEC << m->restarts;
	log_warning("Re-attach failed, retrying in %llu ms", (unsigned long long)delay / 1000);
	r = sd_event_source_set_time(s, usec + delay);
	return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* Detach the exited scheduler and attach it again in @delay. */
static int restart_in(struct manager *m, uint64_t delay)
{
	loader_detach(m->loader);
	/* The previous restart's (spent, oneshot) source, if any. */
	m->restart = sd_event_source_unref(m->restart);
	return sd_event_add_time_relative(m->event, &m->restart, CLOCK_MONOTONIC, delay, 0,
					  on_restart, m);
}

/*
 * The scheduler failed: attach again with back-off, unless it has failed
 * ERROR_RESTARTS_MAX times in a row already; then give up, so that a
 * scheduler that cannot run does not flap forever (systemd's
 * Restart=on-failure and its start limit take it from there).
 */
static int on_error_exit(struct manager *m, const struct scxd_exit_rec *e, uint64_t usec)
{
	uint64_t delay;
	int r;

	log_exit(m, e, false);
	if (usec - m->attached_usec >= ERROR_STABLE_USEC)
		m->errors = 0;
	if (++m->errors > ERROR_RESTARTS_MAX) {
		log_error("Giving up: the scheduler failed %u times in a row, each within %llu s of "
			  "attaching; the last time: %s%s%s",
			  m->errors, ERROR_STABLE_USEC / 1000000, e->reason, e->msg[0] ? ": " : "",
			  e->msg);
		notify_status(m, "Gave up after %u errors in a row: %s", m->errors, e->reason);
		return sd_event_exit(m->event, EXIT_FAILURE);
	}
	delay = RESTART_FIRST_USEC << (m->errors - 1);
	log_warning("Re-attaching in %llu ms (error %u of at most %u in a row)",
		    (unsigned long long)delay / 1000, m->errors, ERROR_RESTARTS_MAX + 1);
	notify_status(m, "Re-attaching after an error (%u in a row): %s", m->errors, e->reason);
	r = restart_in(m, delay);
	return r < 0 ? sd_event_exit(m->event, EXIT_FAILURE) : 0;
}

static int on_exit_poll(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	const struct scxd_exit_rec *e;
	int r;

	if (m->loader && loader_ejected(m->loader)) {
		e = loader_exit_rec(m->loader);
		if (loader_exit_restartable(e)) {
			struct log_ctx ctx = own(m);

			log_event(LOG_EV_RESTART, LOG_WARNING, 0, &ctx,
				  "Scheduler exited: %s (%s%s%s); the kernel asks for a restart, re-attaching",
				  loader_exit_kind_name(e->kind), e->reason, e->msg[0] ? ": " : "",
				  e->msg);
			notify_status(m, "Re-attaching: the kernel asked for a restart (%s)", e->reason);
			if (restart_in(m, RESTART_FIRST_USEC) < 0)
				return sd_event_exit(m->event, EXIT_FAILURE);
		} else if (loader_exit_error(e)) {
			r = on_error_exit(m, e, usec);
			if (r < 0)
				return r;
		} else {
			log_exit(m, e, false);
			notify_status(m, "Scheduler ejected by the kernel: %s", e->reason);
			return sd_event_exit(m->event, EXIT_FAILURE);
		}
	}
	r = sd_event_source_set_time(s, usec + EXIT_POLL_USEC);
	return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/*
 * Every change comes through here; see manager.h. The allocator is asked
 * first, with no utilization, whether it can place the layers at all.
 */
int manager_apply(struct manager *m, struct scxd_config *next, char *errmsg, size_t errlen)
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
	/* The shared maps, attached or not: the instrument reads them too. */
	if (m->tracer && (r = tracer_write_config(m->tracer, next)) < 0) {
		snprintf(errmsg, errlen, "writing the configuration to BPF: %s", strerror(-r));
		tracer_write_config(m->tracer, m->config);
		free(next);
		return r;
	}
	if (manager_attached(m)) {
		r = loader_apply_config(m->loader, next, m->config);
		if (r < 0) {
			snprintf(errmsg, errlen, "writing the configuration to BPF: %s",
				 strerror(-r));
			if (m->tracer)
				tracer_write_config(m->tracer, m->config);
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
	if (manager_attached(m) && (r = place_layers(m)) < 0)
		log_warning_errno(r, "Failed to place the new layers: %m");
	return 0;
}

/*
 * The running configuration becomes the file's, and a saved one is set
 * aside. An invalid file changes nothing.
 */
int manager_reload(struct manager *m, char *errmsg, size_t errlen)
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
	r = manager_load(m, NULL, next, &err);
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

	if (comparison_running(m)) {
		log_warning("Reload refused: a compare is running; reload when it ends");
		return 0;
	}
	struct log_ctx ctx = own(m);

	ctx.caller_uid = si->ssi_uid;
	ctx.caller_pid = si->ssi_pid;
	r = manager_reload(m, msg, sizeof(msg));
	if (r < 0)
		log_event(LOG_EV_RELOAD_REJECTED, LOG_ERR, r, &ctx,
			  "Reload rejected, configuration unchanged: %s", msg);
	else
		log_event(LOG_EV_RELOAD, LOG_NOTICE, 0, &ctx,
			  "Reload (SIGHUP from pid %u, uid %u) applied: %s",
			  (unsigned)si->ssi_pid, (unsigned)si->ssi_uid, m->config->source);
	return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	log_info("Received %s, detaching", strsignal(si->ssi_signo));
	return sd_event_exit(sd_event_source_get_event(s), EXIT_SUCCESS);
}

int manager_stop(struct manager *m, char *errmsg, size_t errlen)
{
	struct log_ctx ctx;

	if (!manager_attached(m)) {
		snprintf(errmsg, errlen, "the scheduler is not attached");
		return -EBUSY;
	}
	/* A pending automatic re-attach would undo the stop. */
	m->restart = sd_event_source_disable_unref(m->restart);
	/* Kept loaded: start attaches it again without the verifier. */
	loader_detach(m->loader);
	ctx = own(m);
	log_event(LOG_EV_DETACH, LOG_NOTICE, 0, &ctx,
		  "Scheduler detached on request; tasks run on the kernel's default scheduler");
	notify_status(m, "Stopped: tasks on the kernel's default scheduler");
	return 0;
}

int manager_start(struct manager *m, char *errmsg, size_t errlen)
{
	int r;

	if (manager_attached(m)) {
		snprintf(errmsg, errlen, "the scheduler is attached already");
		return -EBUSY;
	}
	m->restart = sd_event_source_disable_unref(m->restart);
	r = scheduler_restart(m);
	if (r < 0) {
		snprintf(errmsg, errlen, "attaching the scheduler: %s%s", strerror(-r),
			 r == -EBUSY ? " (another sched_ext scheduler is running)" : "");
		return r;
	}
	notify_scheduling(m);
	return 0;
}

/* Every change through the socket is logged with who asked for it, and
 * the layer it names, if it names one. */
static void on_audit(void *userdata, const struct control_request *req, int r)
{
	struct manager *m = userdata;
	char *params = req->params ? cJSON_PrintUnformatted(req->params) : NULL;
	const cJSON *layer = cJSON_GetObjectItemCaseSensitive(req->params, "name");
	struct log_ctx ctx = own(m);

	if (!cJSON_IsString(layer))
		layer = cJSON_GetObjectItemCaseSensitive(req->params, "layer");
	ctx.layer = cJSON_IsString(layer) ? layer->valuestring : NULL;
	ctx.caller_uid = req->uid;
	ctx.caller_pid = req->pid;
	if (r < 0)
		log_event(LOG_EV_REFUSED, LOG_WARNING, r, &ctx,
			  "Control: %s %s by uid %u (pid %d) refused: %m", req->method,
			  params ? params : "{}", (unsigned)req->uid, (int)req->pid);
	else
		log_event(LOG_EV_CHANGE, LOG_NOTICE, 0, &ctx,
			  "Control: %s %s by uid %u (pid %d) applied", req->method,
			  params ? params : "{}", (unsigned)req->uid, (int)req->pid);
	free(params);
}

static void on_hangup(void *userdata, uint64_t conn)
{
	comparison_hangup(userdata, conn);
}

/* sched_ext's state is @state within @secs seconds (polled). */
static bool sched_ext_reaches(const char *state, unsigned secs)
{
	char now[32];

	for (unsigned i = 0; i <= secs * 10; i++) {
		if (sched_ext_state(now, sizeof(now)) == 0 && !strcmp(now, state))
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/*
 * Before the first attach: warn of the tuners that would fight scxd, and
 * do not start over another sched_ext scheduler (the kernel would refuse
 * the attach anyway, less clearly) unless --replace, which has the kernel
 * disable it (SysRq-S). One on its way out (state "disabling", as when
 * systemd stops a conflicting unit) is waited for.
 */
static int face_rivals(struct manager *m)
{
	struct proto_rival rv[PROTO_MAX_RIVALS];
	const struct proto_rival *sched = NULL;
	uint32_t n = 0;
	int r;

	if (rivals_find(RIVALS_ROOT, NULL, rv, PROTO_MAX_RIVALS, &n) < 0)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!rv[i].pid)
			sched = &rv[i];
		else
			log_warning("%s (pid %d) runs and would fight scxd: %s", rv[i].name,
				    rv[i].pid, rv[i].why);
	}
	if (!sched || sched_ext_reaches("disabled", 5))
		return 0;
	if (!m->replace)
		return log_error_errno(-EBUSY, "%s: %s. Stop it first, or start scxd with --replace "
				       "to have the kernel disable it", sched->name, sched->why);
	log_warning("Replacing %s: the kernel disables it (SysRq-S)", sched->name);
	r = rivals_disable_sched_ext(RIVALS_ROOT);
	if (r < 0)
		return log_error_errno(r, "Failed to disable %s: %m", sched->name);
	if (!sched_ext_reaches("disabled", 10))
		return log_error_errno(-EBUSY, "%s still attached 10 s after SysRq-S", sched->name);
	return 0;
}

int manager_run(struct manager *m)
{
	sigset_t mask;
	int r, status;

	libbpf_set_print(log_libbpf);
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

	log_tunables(m);
	if (face_rivals(m) < 0)
		return EXIT_FAILURE;
	r = tracer_new(&m->tracer);
	if (r < 0)
		log_warning_errno(r, "Failed to load the compare instrument, no scxctl compare: %m");
	else if ((r = tracer_write_config(m->tracer, m->config)) < 0)
		return log_error_errno(r, "Failed to write the configuration to BPF: %m"), EXIT_FAILURE;
	if (scheduler_start(m) < 0)
		return EXIT_FAILURE;

	r = control_new(&m->control, m->event, m->socket_path, m->config->socket_group,
			manager_methods, m);
	if (r < 0) {
		log_error_errno(r, "Failed to open control socket %s: %m", m->socket_path);
		status = EXIT_FAILURE;
		goto out;
	}
	control_set_audit(m->control, on_audit);
	control_set_hangup(m->control, on_hangup);
	if ((r = sd_event_add_time_relative(m->event, &m->exit_poll, CLOCK_MONOTONIC,
					    EXIT_POLL_USEC, 0, on_exit_poll, m)) < 0 ||
	    (r = sd_event_add_time_relative(m->event, &m->tick, CLOCK_MONOTONIC, MANAGER_TICK_USEC, 0,
					    on_tick, m)) < 0) {
		log_error_errno(r, "Failed to add timers: %m");
		status = EXIT_FAILURE;
		goto out;
	}

	notify_scheduling(m);
	sd_notify(0, "READY=1");
	r = sd_event_loop(m->event);
	status = r < 0 ? EXIT_FAILURE : r;
out:
	sd_notify(0, "STOPPING=1");
	comparison_free(m);
	m->control = control_free(m->control);
	if (!m->loader) {
		/* A re-attach failed. (Waiting to attach again after an exit,
		 * or stopped: detached, neither branch below.) */
	} else if (loader_ejected(m->loader) && status == EXIT_SUCCESS) {
		/* Ejected between the last poll and the signal. */
		log_exit(m, loader_exit_rec(m->loader), false);
		status = EXIT_FAILURE;
	} else if (loader_attached(m->loader)) {
		loader_detach(m->loader);
		if (loader_exited(m->loader))
			log_exit(m, loader_exit_rec(m->loader), true);
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

	libbpf_set_print(log_libbpf);
	r = loader_new(&l, &m->tunables, NULL, m->topo_start, true);
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
