/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scxctl - the command line client of scxd's control socket: the global
 * options, the verbs in the order `scxctl --help` lists them, and help.
 * Each verb, with its usage text, is in a verb_*.c file (see ctl.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "help.h"

int ctl_fail(int status, const char *fixed, const char *fmt, ...)
{
	char detail[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (detail[0])
		fprintf(stderr, "scxctl: %s: %s\n", fixed, detail);
	else
		fprintf(stderr, "scxctl: %s\n", fixed);
	return status;
}

int usage_error(const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ctl_fail(EXIT_USAGE, MSG_USAGE, "%s (see 'scxctl --help')", what);
}

int ctl_oom(void)
{
	return ctl_fail(EXIT_ERROR, MSG_NOMEM, NULL);
}

const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	const char *eq = strchr(argv[*i], '=');

	if (eq)
		return eq + 1;
	if (*i + 1 >= argc || !argv[*i + 1][0]) {
		usage_error("%s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

bool opt_is(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

int parse_pid(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > INT32_MAX) {
		usage_error("'%.32s' is not a process id", s);
		return 0;
	}
	return v;
}

static int run_help(const struct opts *o, int argc, char **argv);

/*
 * Every verb, in the order of scxctl --help: its name, its line there,
 * its help text (HELP_NAME, from ctl/help/NAME.txt), and the function
 * that runs it, in the verb_*.c file of its family.
 */
static const struct verb verbs[] = {
	{ "status", "show the scheduler state and its layers",
	  HELP_status, NO_ARGS, run_status },
	{ "stats", "show the per-layer scheduling counters",
	  HELP_stats, 0, run_stats },
	{ "layers", "list the layers and their settings",
	  HELP_layers, NO_ARGS, run_layers },
	{ "layer", "show one layer: settings, match lines, current state",
	  HELP_layer, 0, run_layer },
	{ "top", "live view of the layers, refreshed every second",
	  HELP_top, 0, run_top },
	{ "topology", "show the CPUs and last-level caches the scheduler sees",
	  HELP_topology, NO_ARGS, run_topology },
	{ "version", "show the versions of scxctl, scxd and the protocol",
	  HELP_version, NO_ARGS, run_version },
	{ "set-layer", "change a layer of the running scheduler",
	  HELP_set_layer, 0, run_layer_change },
	{ "add-layer", "add a layer to the running scheduler",
	  HELP_add_layer, 0, run_layer_change },
	{ "remove-layer", "remove a layer; its tasks are re-classified",
	  HELP_remove_layer, 0, run_remove_layer },
	{ "match", "add or remove a match rule of a layer",
	  HELP_match, 0, run_match },
	{ "reload", "re-read the configuration file",
	  HELP_reload, NO_ARGS, run_reload },
	{ "save", "keep the running configuration across restarts",
	  HELP_save, NO_ARGS, run_save },
	{ "stop", "detach the scheduler, keep the daemon",
	  HELP_stop, NO_ARGS, run_stop },
	{ "start", "attach the scheduler again after stop",
	  HELP_start, NO_ARGS, run_start },
	{ "run", "start a command in a layer, with all it starts",
	  HELP_run, 0, run_run },
	{ "move", "pin a running process (or a cgroup's) to a layer",
	  HELP_move, 0, run_pin_change },
	{ "unpin", "let the rules place a pinned process again",
	  HELP_unpin, 0, run_pin_change },
	{ "explain", "show which layer a process is in, and why",
	  HELP_explain, 0, run_explain },
	{ "role", "list, show or switch to a machine role",
	  HELP_role, 0, run_role },
	{ "check", "validate a configuration file without a daemon",
	  HELP_check, 0, run_check },
	{ "compare", "compare scxd with the kernel's scheduler, per layer",
	  HELP_compare, 0, run_compare },
	{ "suggest", "watch what processes do and propose a configuration",
	  HELP_suggest, 0, run_suggest },
	{ "help", "show this help, or a verb's help",
	  HELP_help, 0, run_help },
};

#define N_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < N_VERBS; i++)
		if (!strcmp(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static void print_usage(void)
{
	printf("Usage: scxctl [OPTIONS] VERB\n"
	       "\n"
	       "Query and control the scxd scheduler daemon over its control socket.\n"
	       "\n"
	       "Verbs:\n");
	for (size_t i = 0; i < N_VERBS; i++)
		printf("  %-12s %s\n", verbs[i].name, verbs[i].summary);
	printf("\n"
	       "Options:\n"
	       "  -s, --socket PATH  control socket (default: $SCXD_SOCKET, else %s)\n"
	       "  -j, --json         print the daemon's JSON result instead of text\n"
	       "  -t, --timeout MS   give up after MS milliseconds (default 5000)\n"
	       "  -h, --help         show this help; after a verb, that verb's help\n"
	       "\n"
	       "Exit status:\n"
	       "  0   success\n"
	       "  1   error (one line on stderr: \"scxctl: <message>: <detail>\")\n"
	       "  2   usage error\n"
	       "  3   daemon not running (socket missing or connection refused)\n"
	       "  4   permission denied\n"
	       "  78  invalid config\n",
	       SCXD_SOCKET_PATH);
}

static int run_help(const struct opts *o, int argc, char **argv)
{
	const struct verb *v;

	if (argc > 2)
		return usage_error("help takes at most one verb");
	if (argc < 2) {
		print_usage();
		return EXIT_OK;
	}
	v = find_verb(argv[1]);
	if (!v)
		return usage_error("unknown verb '%s'", argv[1]);
	fputs(v->help, stdout);
	return EXIT_OK;
}

/* ---- main ---- */

static int parse_timeout(const char *s, int *ms)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 3600000)
		return -EINVAL;
	*ms = v;
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket",	required_argument,	NULL, 's' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .socket = SCXD_SOCKET_PATH, .timeout_ms = 5000, .conn = -1 };
	const char *env = getenv("SCXD_SOCKET");
	const struct verb *v;
	bool help = false;
	int c;

	if (env && env[0])
		o.socket = env;
	opterr = 0;
	/* "+": options after the verb are the verb's (set-layer --latency). */
	while ((c = getopt_long(argc, argv, "+:s:jt:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!optarg[0])
				return usage_error("--socket needs a path");
			o.socket = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 't':
			o.timeout_set = true;
			if (parse_timeout(optarg, &o.timeout_ms) < 0)
				return usage_error("--timeout wants milliseconds from 1 to 3600000, "
						   "not '%s'", optarg);
			break;
		case 'h':
			help = true;
			break;
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	if (!argc) {
		if (help) {
			print_usage();
			return EXIT_OK;
		}
		return usage_error("no verb given");
	}
	/* --json and --help may also follow the verb (up to a "--", after
	 * which all is run's command); the verb gets the rest. */
	{
		bool rest = false;
		int n = 1;

		for (int i = 1; i < argc; i++) {
			if (rest || !strcmp(argv[i], "--"))
				rest = true, argv[n++] = argv[i];
			else if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
				o.json = true;
			else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
				help = true;
			else
				argv[n++] = argv[i];
		}
		argc = n;
	}
	v = find_verb(argv[0]);
	if (!v)
		return usage_error("unknown verb '%.64s'", argv[0]);
	if (help) {
		if (v->run == run_help)
			print_usage();
		else
			fputs(v->help, stdout);
		return EXIT_OK;
	}
	if ((v->flags & NO_ARGS) && argc > 1)
		return usage_error("%s takes no arguments", v->name);
	return v->run(&o, argc, argv);
}

int main(int argc, char **argv)
{
	int status = run(argc, argv);

	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == EXIT_OK)
			status = ctl_fail(EXIT_ERROR, MSG_OUTPUT, "stdout: %m");
	}
	return status;
}
