/*
 * manager.h - the one object that owns the daemon's state: configuration,
 * the BPF scheduler (loader), the control socket and the event loop, and
 * their lifecycle: load, attach, sample and place every second, re-attach
 * after a restartable exit, apply a new configuration, detach.
 *
 * main() uses the first block only. The control methods (methods.h) live
 * beside the manager, in files of their own, and use the second block:
 * they read its state and change it only through these functions.
 */
#ifndef SCXD_MANAGER_H
#define SCXD_MANAGER_H
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "config.h"
#include "protocol.h"
#include "roles.h"
#include "stats.h"

struct manager;

struct manager_options {
	const char *config_path;	/* NULL: the built-in configuration */
	const char *socket_path;	/* NULL: from the config */
	const char *state_dir;		/* NULL: SCXD_STATE_DIR (where save writes) */
	const char *const *role_dirs;	/* NULL-terminated, first wins; NULL: SCXD_ROLE_DIRS */
	const struct scxd_tunables *tunables;	/* NULL: the defaults */
	uint32_t topo_start;		/* enum scxd_topo_source to start at; 0: the best */
	bool replace;			/* disable another sched_ext scheduler to start */
	unsigned debug_error_exits;	/* debug builds: fail the first N attaches */
	unsigned debug_error_after_ms;	/* ... this long after each */
};

/* Reads the configuration (errors are logged with file:line). @opts'
 * strings must outlive the manager. */
int manager_new(struct manager **ret, const struct manager_options *opts);
struct manager *manager_free(struct manager *m);
/* Load + attach the scheduler, open the control socket, READY=1, loop
 * until SIGTERM/SIGINT, detach. Returns the exit status for main(). */
int manager_run(struct manager *m);
/* Load without attaching and print each program's verifier statistics. */
int manager_verifier_stats(struct manager *m);

/* ---- for the control methods ------------------------------------------- */

struct manager {
	sd_event *event;
	struct scxd_config *config;	/* running */
	struct scxd_config *file_config; /* as the file (or built-in) last read */
	char config_path[PATH_MAX];	/* "" for the built-in configuration */
	char saved_path[PATH_MAX];	/* what `save` writes, read at start */
	char saved_old_path[PATH_MAX + 8]; /* where reload sets it aside */
	const char *role_dirs[ROLE_DIRS_MAX + 1];	/* role files: NAME.ini; NULL-terminated */
	/* How config differs from file_config, for status: computed when
	 * either changes, not per request. */
	unsigned nr_changes;
	char changes[PROTO_MAX_CHANGES][PROTO_CHANGE_LEN];
	char socket_path[108];
	struct scxd_tunables tunables;	/* the scheduler loads with these */
	/* The compare instrument: owns the maps the configuration is in,
	 * which each scheduler reuses. NULL when it could not load: then
	 * the scheduler has its own and there is no compare. */
	struct tracer *tracer;
	struct comparison *compare;	/* the running or last compare, or NULL */
	struct loader *loader;
	struct control *control;
	sd_event_source *exit_poll;
	sd_event_source *tick;
	sd_event_source *restart;
	uint64_t start_usec;
	unsigned restarts;		/* consecutive restart attempts */
	unsigned errors;		/* error exits in a row (on_error_exit) */
	uint64_t attached_usec;		/* CLOCK_MONOTONIC of the last attach */
	unsigned inject_errors;		/* attaches left to fail (--debug-error-exits) */
	uint64_t inject_after_ns;	/* ... this long after each */

	/* The topology the scheduler uses (read back from BPF). */
	struct scxd_cpu_topo topo[SCXD_MAX_CPUS];
	u32 nr_cpus, nr_llcs, topo_source;
	u32 topo_start;		/* the first topology source to try (--topology) */
	bool replace;		/* --replace: see manager_options */

	struct scxd_layer_cpus placement[SCXD_MAX_LAYERS];

	/* Counters at the last tick, and the last tick's interval. */
	struct layer_sample last[SCXD_MAX_LAYERS];
	struct layer_sample window[SCXD_MAX_LAYERS];
	double util[SCXD_MAX_LAYERS];
	uint64_t last_usec;

	char status[256];		/* the last STATUS= sent to systemd */
	/* The tuners that would fight scxd (rivals.h), as last scanned:
	 * /proc is read at most every RIVALS_SCAN_USEC, not per status. */
	struct proto_rival tuners[PROTO_MAX_RIVALS];
	uint32_t nr_tuners;
	uint64_t tuners_usec;

	/* The Prometheus textfile (export.c): the path last written, "" for
	 * none, and the error last logged about it (0: none). */
	char exported[256];
	int export_err;
};

/* Sampling interval: utilization, latency percentiles, CPU allocation. */
#define MANAGER_TICK_USEC	(1000 * 1000ULL)

/* export.c: the status as a Prometheus textfile at the configured
 * prometheus_textfile, rewritten each tick (a path the configuration no
 * longer names is removed); manager_unexport() removes it at exit, so
 * that a stopped daemon's numbers are not read as a running one's. */
void manager_export(struct manager *m);
void manager_unexport(struct manager *m);

/* Is scxd's scheduler attached (and not ejected)? */
bool manager_attached(const struct manager *m);

/*
 * Make @next the running configuration, or change nothing. Every change
 * comes through here: a reload, a role, and each change through the
 * socket. A configuration the allocator cannot place (llcs naming no LLC
 * of this machine) is refused like a syntax error (-EBADMSG), with a
 * message in @errmsg. Takes @next (freed on failure).
 */
int manager_apply(struct manager *m, struct scxd_config *next, char *errmsg, size_t errlen);

/* The configuration the files make (config_stack.h): the main file with
 * its role and drop-ins, or the role alone without one; @role (not NULL)
 * runs that role instead of the one the files select. Into *c (untouched
 * on failure); -errno with *err filled. */
int manager_load(struct manager *m, const char *role, struct scxd_config *c,
		 struct config_error *err);

/* Re-read the configuration file; an invalid one changes nothing. A saved
 * configuration is set aside (it would otherwise come back at the next
 * start). */
int manager_reload(struct manager *m, char *errmsg, size_t errlen);

/* Detach: every task goes back to the kernel's default scheduler; the
 * daemon, its configuration and the control socket stay. -EBUSY when not
 * attached. */
int manager_stop(struct manager *m, char *errmsg, size_t errlen);
/* Attach again with the running configuration. -EBUSY when attached, or
 * when another sched_ext scheduler runs. */
int manager_start(struct manager *m, char *errmsg, size_t errlen);

#endif
