/*
 * config_stack.h - the configuration as its files stack up.
 *
 * What a machine runs is a role with the admin's changes on top, read in
 * this order, each file changing what the ones before it made:
 *
 *   1. the role: ROLE.ini from the role search path (roles.h), the admin's
 *      /etc/scxd/roles before the vendor's /usr/lib/scxd/roles;
 *   2. the main file (/etc/scxd/scxd.ini), which selects the role with
 *      "[scxd] role = NAME" (default: "default");
 *   3. its drop-ins, MAIN.d/ *.ini (/etc/scxd/scxd.ini.d/), in lexical
 *      order of their names.
 *
 * A later file sets a key of [scxd] or of a layer the earlier ones made:
 * only the keys it gives. Its match lines add to the layer's; an empty
 * "match =" first forgets those it had. A [layer.NAME] section that names
 * no layer yet adds one, placed just before the last layer (the
 * catch-all) or before the layer that "before = LAYER" names (which moves
 * an existing layer too).
 *
 * A main file that has a "match = *" line is complete: it is the whole
 * list of layers, as every file was before roles came in files, and its
 * role = only names it; the role files are not read (unless a role is
 * asked for by name, `scxctl role set`: then that role's layers replace
 * the file's and its [scxd] settings stay). Drop-ins apply to it all the
 * same.
 *
 * The stacked result is checked as one file is, and an error names the
 * file and line it came from, whichever file that is.
 */
#ifndef SCXD_CONFIG_STACK_H
#define SCXD_CONFIG_STACK_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

#define STACK_DROPINS_MAX	64	/* drop-ins read from MAIN.d/ at most */

struct config_stack {
	const char *main;		/* the main file; NULL: the role alone */
	const char *role;		/* the role to run; NULL: the main file's */
	const char *const *role_dirs;	/* NULL-terminated; NULL: SCXD_ROLE_DIRS */
	bool no_dropins;		/* do not read MAIN.d/ */
};

/*
 * Load @s into *c (untouched on failure); c->source is the main file (or
 * the role's). With @explain, print the effective configuration there
 * first: every key, defaults included, each with the file:line it came
 * from. Returns 0, or -errno with *err filled: -EINVAL (invalid, or no
 * such role), -ENOMEM, or what reading a file failed with.
 */
int config_stack_load(struct scxd_config *c, const struct config_stack *s, FILE *explain,
		      struct config_error *err);

#endif
