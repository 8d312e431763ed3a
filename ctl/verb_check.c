/* SPDX-License-Identifier: GPL-2.0 */
/* verb_check.c - check: validate a configuration file, no daemon needed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "ctl.h"

int run_check(const struct opts *o, int argc, char **argv)
{
	struct scxd_config *c;
	struct config_error err = {0};
	char buf[600];
	int r;

	if (argc != 2)
		return usage_error("scxctl check FILE");
	c = calloc(1, sizeof(*c));
	if (!c)
		return ctl_oom();
	r = config_load_file(c, argv[1], &err);
	if (r < 0) {
		config_error_str(&err, buf, sizeof(buf));
		free(c);
		if (r == -EINVAL)
			return ctl_fail(EXIT_CONFIG, MSG_CONFIG, "%s", buf);
		return ctl_fail(EXIT_ERROR, "cannot read the file", "%s", buf);
	}
	config_describe(c, stdout);
	free(c);
	return EXIT_OK;
}
