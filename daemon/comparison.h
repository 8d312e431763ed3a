/*
 * comparison.h - the engine behind `scxctl compare`: rounds of two arms,
 * the kernel's default scheduler (scxd detached) then scxd, each
 * measured by the instrument (tracer.h) for the same time or for one run
 * of the user's command, on the manager's event loop.
 *
 * Safe by construction: whatever ends a compare (its last round, an
 * error, compare-stop, its client gone (below), the daemon's shutdown) leaves scxd attached with the configuration it
 * had; changes to the configuration wait until it is over. Only complete
 * rounds count: an abort reports what they measured.
 */
#ifndef SCXD_COMPARISON_H
#define SCXD_COMPARISON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compare.h"

struct manager;

/* A compare is its client's while the connection that started it is open,
 * however long the client takes to ask (a loaded machine can starve it
 * for seconds). Once that connection closes, a client asks for progress
 * at least this often, or the compare ends and scxd attaches again: a
 * client killed mid-compare (its connection closes with it) leaves scxd
 * detached for at most this long. */
#define COMPARE_LEASE_USEC	(3 * 1000000ULL)
/* After a switch of scheduler, before measuring. */
#define COMPARE_SETTLE_USEC	(1 * 1000000ULL)

struct compare_params {
	unsigned	duration_s;	/* per arm, without a command */
	unsigned	rounds;
	const char	*command;	/* NULL or "": timed arms */
};

/* Start one for the client on connection @conn (control_request.conn).
 * -EBUSY: one runs, or scxd is not attached; -EOPNOTSUPP: no instrument;
 * -EINVAL: bad params. @errmsg says which. */
int comparison_begin(struct manager *m, const struct compare_params *p, uint64_t conn,
		     char *errmsg, size_t errlen);

/* The client is still there. */
void comparison_renew(struct manager *m);

/* Connection @conn closed: if it started the running compare, the lease
 * counts from now on. */
void comparison_hangup(struct manager *m, uint64_t conn);

/*
 * With a command: the client starts its run in the current arm (@begin,
 * once the phase is "ready"), or reports it ended after @wall_s with exit
 * status @status. -EBUSY when the phase is not the one that expects it.
 */
int comparison_step(struct manager *m, bool begin, double wall_s, int status, char *errmsg,
		 size_t errlen);

/* End the running compare now, with @why: scxd is attached again. */
void comparison_abort(struct manager *m, const char *why);

bool comparison_running(const struct manager *m);

/* The running or the last compare; state "none" when there was none. */
const struct compare_result *comparison_last(const struct manager *m);

/* At shutdown: ends a running one, without attaching scxd again (the
 * daemon is about to detach it). */
void comparison_free(struct manager *m);

#endif
