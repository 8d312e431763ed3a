/* SPDX-License-Identifier: GPL-2.0 */
/* verb_check.c - check: validate a configuration as its files stack up
 * (config_stack.h), no daemon needed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config_stack.h"
#include "ctl.h"
#include "defaults.h"
#include "roles.h"

#define CHECK_USAGE "scxctl check [FILE] [--explain] [--role NAME] [--roles-dir DIR]..."

int run_check(const struct opts *o, int argc, char **argv)
{
	const char *dirs[ROLE_DIRS_MAX + 1] = {0};
	struct config_stack s = { .main = SCXD_CONFIG_PATH };
	struct config_error err = {0};
	struct scxd_config *c;
	bool explain = false, file = false;
	size_t ndirs = 0;
	char buf[600];
	int r, i;

	for (i = 1; i < argc; i++) {
		const char *v;

		if (opt_is(argv[i], "--explain")) {
			explain = true;
		} else if (opt_is(argv[i], "--role")) {
			if (!(s.role = opt_value(argc, argv, &i, "--role")))
				return EXIT_USAGE;
		} else if (opt_is(argv[i], "--roles-dir")) {
			if (!(v = opt_value(argc, argv, &i, "--roles-dir")))
				return EXIT_USAGE;
			if (ndirs == ROLE_DIRS_MAX)
				return usage_error("more than %d --roles-dir", ROLE_DIRS_MAX);
			dirs[ndirs++] = v;
			s.role_dirs = dirs;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error("unknown option '%.64s' (" CHECK_USAGE ")", argv[i]);
		} else if (file) {
			return usage_error(CHECK_USAGE);
		} else {
			s.main = argv[i];
			file = true;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return ctl_oom();
	r = config_stack_load(c, &s, explain ? stdout : NULL, &err);
	if (r < 0) {
		config_error_str(&err, buf, sizeof(buf));
		free(c);
		if (r == -EINVAL)
			return ctl_fail(EXIT_CONFIG, MSG_CONFIG, "%s", buf);
		return ctl_fail(EXIT_ERROR, "cannot read the file", "%s", buf);
	}
	if (!explain)
		config_describe(c, stdout);
	free(c);
	return EXIT_OK;
}
