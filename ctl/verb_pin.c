/* SPDX-License-Identifier: GPL-2.0 */
/* verb_pin.c - pins: run a command in a layer, move a running process
 * (or a cgroup's) to one, unpin. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

/* "PID" or "--cgroup PATH" at argv[*i] into params; EXIT_OK or a usage error. */
static int parse_target(int argc, char **argv, int *i, cJSON *params)
{
	const char *v;

	if (opt_is(argv[*i], "--cgroup")) {
		if (!(v = opt_value(argc, argv, i, "--cgroup")))
			return EXIT_USAGE;
		return cJSON_AddStringToObject(params, "cgroup", v) ? EXIT_OK
			: ctl_oom();
	}
	int pid = parse_pid(argv[*i]);

	if (!pid)
		return EXIT_USAGE;
	return cJSON_AddNumberToObject(params, "pid", pid) ? EXIT_OK
		: ctl_oom();
}

/* move PID|--cgroup PATH --layer NAME; unpin PID|--cgroup PATH */
int run_pin_change(const struct opts *o, int argc, char **argv)
{
	bool move = !strcmp(argv[0], "move");
	cJSON *params = cJSON_CreateObject();
	bool target = false;
	const char *layer = NULL;
	char done[160];
	int status = EXIT_OK;

	if (!params)
		return ctl_oom();
	for (int i = 1; i < argc && status == EXIT_OK; i++) {
		if (move && opt_is(argv[i], "--layer")) {
			if (!(layer = opt_value(argc, argv, &i, "--layer")))
				status = EXIT_USAGE;
		} else if (!target) {
			status = parse_target(argc, argv, &i, params);
			target = true;
		} else {
			status = usage_error("%s: unexpected '%.64s'", argv[0], argv[i]);
		}
	}
	if (status == EXIT_OK && (!target || (move && !layer)))
		status = usage_error(move ? "usage: scxctl move PID|--cgroup PATH --layer NAME"
					  : "usage: scxctl unpin PID|--cgroup PATH");
	if (status == EXIT_OK && layer && !cJSON_AddStringToObject(params, "layer", layer))
		status = ctl_oom();
	if (status != EXIT_OK) {
		cJSON_Delete(params);
		return status;
	}
	if (move)
		snprintf(done, sizeof(done), "pinned to layer %.64s", layer);
	else
		snprintf(done, sizeof(done), "unpinned");
	return change(o, move ? PROTO_METHOD_MOVE : PROTO_METHOD_UNPIN, params, done);
}

/* run --layer NAME -- CMD ARGS: pin ourselves, then become CMD. */
int run_run(const struct opts *o, int argc, char **argv)
{
	const char *layer = NULL;
	cJSON *params, *result;
	int i, status;

	/* The "--" is required: without it, a --help or --json of the
	 * command's would be taken for scxctl's own. */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!opt_is(argv[i], "--layer") || !(layer = opt_value(argc, argv, &i, "--layer")))
			return usage_error("scxctl run --layer NAME -- COMMAND [ARGS...]");
	}
	if (!layer || i + 1 >= argc)
		return usage_error("scxctl run --layer NAME -- COMMAND [ARGS...]");
	i++;
	params = string_params("layer", layer);
	if (!params)
		return ctl_oom();
	status = rpc(o, PROTO_METHOD_RUN, params, &result);
	if (status != EXIT_OK)
		return status;
	cJSON_Delete(result);
	fflush(stdout);
	execvp(argv[i], argv + i);
	/* Like env(1): 127 when the command is not found, 126 otherwise. */
	status = errno == ENOENT ? 127 : 126;
	fprintf(stderr, "scxctl: run: %s: %s\n", argv[i], strerror(errno));
	return status;
}
