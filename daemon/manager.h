/* manager.h - the one object that owns the daemon's state: configuration,
 * the BPF scheduler (loader), the control socket and the event loop. */
#ifndef SCXD_MANAGER_H
#define SCXD_MANAGER_H
#include <stdbool.h>

struct manager;

struct manager_options {
	const char *config_path;	/* NULL: the built-in configuration */
	const char *socket_path;	/* NULL: from the config */
	const char *state_dir;		/* NULL: SCXD_STATE_DIR (where save writes) */
	const char *roles_dir;		/* NULL: SCXD_ROLES_DIR (role files, NAME.ini) */
};

/* Reads the configuration (errors are logged with file:line). */
int manager_new(struct manager **ret, const struct manager_options *opts);
struct manager *manager_free(struct manager *m);
/* Load + attach the scheduler, open the control socket, READY=1, loop
 * until SIGTERM/SIGINT, detach. Returns the exit status for main(). */
int manager_run(struct manager *m);
/* Load without attaching and print each program's verifier statistics. */
int manager_verifier_stats(struct manager *m);
#endif
