/*
 * tunables.h - the scheduler's timing tunables (SCXD_TUNABLES in scxd.h):
 * their defaults, and `scxd --tune NAME=VALUE`. They are rodata of the
 * BPF program, so they are set once, before it loads. Pure: never logs.
 */
#ifndef SCXD_TUNABLES_H
#define SCXD_TUNABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scxd.h"

void tunables_default(struct scxd_tunables *t);

/*
 * Set one tunable from "NAME=VALUE": VALUE is a time, in ns or with a
 * unit (ns, us, ms, s: "2ms", "500us", "0"). -ENOENT for an unknown NAME,
 * -EINVAL for a VALUE that is not a time, -ERANGE for one outside the
 * tunable's bounds; @errmsg says which.
 */
int tunables_set(struct scxd_tunables *t, const char *assignment, char *errmsg, size_t errlen);

/* "NAME = VALUE ns (default D, MIN..MAX): what it is", one line each;
 * with @changed_only, only those that differ from their default. Returns
 * how many lines it wrote. */
int tunables_describe(const struct scxd_tunables *t, FILE *f, bool changed_only);

#endif
