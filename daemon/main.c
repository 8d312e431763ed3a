/* main.c - scxd: parse the command line, hand over to the manager. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_stack.h"
#include "defaults.h"
#include "log.h"
#include "manager.h"
#include "protocol.h"
#include "roles.h"
#include "tunables.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: scxd [OPTIONS]\n"
		"Run the scxd layered sched_ext scheduler.\n\n"
		"  -c, --config FILE   configuration: a role and changes to it, read with\n"
		"                      FILE.d/*.ini (default: role \"default\" alone; the unit\n"
		"                      passes %s)\n"
		"  -s, --socket PATH   control socket (default: from the config, %s)\n"
		"      --state-dir DIR where `scxctl save` keeps the running configuration\n"
		"                      (default %s)\n"
		"      --roles-dir DIR where role files (NAME.ini) are; repeatable, the\n"
		"                      first that has a role wins (default %s,\n"
		"                      then the vendor's /usr/local/lib/scxd/roles and\n"
		"                      /usr/lib/scxd/roles)\n"
		"      --check         validate the configuration (the file, its role and\n"
		"                      drop-ins), print its layers, exit (0 valid, 78 invalid)\n"
		"      --explain       with --check: print every key of the effective\n"
		"                      configuration and the file:line it came from\n"
		"      --verifier-stats  load the scheduler (no attach) with the configuration\n"
		"                      and print each BPF program's verifier statistics\n"
		"      --tune NAME=TIME  set a timing tunable of the scheduler (repeatable;\n"
		"                      --tune help lists them)\n"
		"      --topology SOURCE  read the CPU topology from SOURCE down: cid,\n"
		"                      kernel or sysfs (default: the best the kernel has)\n"
		"      --replace       when another sched_ext scheduler is attached, have\n"
		"                      the kernel disable it (SysRq-S) instead of refusing\n"
		"  -v, --verbose       log at debug level\n"
		"  -V, --version       print the version\n"
		"  -h, --help          this help\n",
		SCXD_CONFIG_PATH, SCXD_SOCKET_PATH, SCXD_STATE_DIR, SCXD_ROLES_DIR);
#ifdef SCXD_DEBUG
	fprintf(f, "Debug build (make SANITIZE=1):\n"
		"      --debug-error-exits N[,MS]  the scheduler fails (scx_bpf_error)\n"
		"                      MS (default 1000) ms after each of its first N attaches\n");
#endif
}

/* EX_CONFIG from sysexits.h: the configuration is invalid. */
#define EXIT_CONFIG 78

static int check_config(const struct manager_options *opts, bool explain)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_error err = {0};
	struct config_stack s = { .main = opts->config_path, .role_dirs = opts->role_dirs };
	char buf[600];
	int r;

	if (!c)
		return EXIT_FAILURE;
	r = config_stack_load(c, &s, explain ? stdout : NULL, &err);
	if (r < 0) {
		fprintf(stderr, "scxd: %s\n", config_error_str(&err, buf, sizeof(buf)));
		free(c);
		return EXIT_CONFIG;
	}
	if (!explain)
		config_describe(c, stdout);
	free(c);
	return EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'D' },
		{ "roles-dir", required_argument, NULL, 'R' },
		{ "check", no_argument, NULL, 'C' },
		{ "explain", no_argument, NULL, 'E' },
		{ "verifier-stats", no_argument, NULL, 'S' },
		{ "tune", required_argument, NULL, 'T' },
		{ "topology", required_argument, NULL, 'P' },
		{ "replace", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
#ifdef SCXD_DEBUG
		{ "debug-error-exits", required_argument, NULL, 'X' },
#endif
		{}
	};
	struct manager_options opts = {0};
	const char *role_dirs[ROLE_DIRS_MAX + 1] = {0};
	size_t nr_role_dirs = 0;
	bool explain = false;
	struct scxd_tunables tunables;
	struct manager *m = NULL;
	int c, r, check = 0, verbose = 0, vstats = 0;
	char msg[256];

	tunables_default(&tunables);
	opts.tunables = &tunables;

	while ((c = getopt_long(argc, argv, "c:s:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opts.config_path = optarg; break;
		case 's': opts.socket_path = optarg; break;
		case 'D': opts.state_dir = optarg; break;
		case 'R':
			if (nr_role_dirs == ROLE_DIRS_MAX) {
				fprintf(stderr, "scxd: more than %d --roles-dir\n", ROLE_DIRS_MAX);
				return 2;
			}
			role_dirs[nr_role_dirs++] = optarg;
			opts.role_dirs = role_dirs;
			break;
		case 'C': check = 1; break;
		case 'E': explain = true; break;
		case 'r': opts.replace = true; break;
#ifdef SCXD_DEBUG
		case 'X': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10), ms = 1000;

			if (end != optarg && *end == ',')
				ms = strtoul(end + 1, &end, 10);
			if (!*optarg || *end || n > 1000 || ms < 1 || ms > 600000) {
				fprintf(stderr, "scxd: --debug-error-exits: '%s' is not N[,MS] "
					"(N 0..1000, MS 1..600000)\n", optarg);
				return 2;
			}
			opts.debug_error_exits = n;
			opts.debug_error_after_ms = ms;
			break;
		}
#endif
		case 'S': vstats = 1; break;
		case 'T':
			if (!strcmp(optarg, "help")) {
				tunables_describe(&tunables, stdout, false);
				return EXIT_SUCCESS;
			}
			if (tunables_set(&tunables, optarg, msg, sizeof(msg)) < 0) {
				fprintf(stderr, "scxd: %s\n", msg);
				return 2;
			}
			break;
		case 'P':
			if (!strcmp(optarg, "cid")) {
				opts.topo_start = SCXD_TOPO_NONE;
			} else if (!strcmp(optarg, "kernel")) {
				opts.topo_start = SCXD_TOPO_KERNEL;
			} else if (!strcmp(optarg, "sysfs")) {
				opts.topo_start = SCXD_TOPO_SYSFS;
			} else {
				fprintf(stderr, "scxd: --topology: '%s' is not cid, kernel or sysfs\n",
					optarg);
				return 2;
			}
			break;
		case 'v': verbose = 1; break;
		case 'V': printf("scxd %s\n", SCXD_VERSION); return EXIT_SUCCESS;
		case 'h': usage(stdout); return EXIT_SUCCESS;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "scxd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (explain && !check) {
		fprintf(stderr, "scxd: --explain goes with --check\n");
		return 2;
	}
	if (check)
		return check_config(&opts, explain);

	log_setup(verbose ? LOG_DEBUG : LOG_INFO);
	r = manager_new(&m, &opts);
	if (r < 0)
		return r == -EINVAL ? EXIT_CONFIG : EXIT_FAILURE;
	if (verbose)
		log_set_min_max_level(LOG_DEBUG);
	r = vstats ? manager_verifier_stats(m) : manager_run(m);
	manager_free(m);
	return r;
}
