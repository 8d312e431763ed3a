/* main.c - scxd: parse the command line, hand over to the manager. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "defaults.h"
#include "log.h"
#include "manager.h"
#include "protocol.h"
#include "tunables.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: scxd [OPTIONS]\n"
		"Run the scxd layered sched_ext scheduler.\n\n"
		"  -c, --config FILE   configuration (default: built-in; the unit passes %s)\n"
		"  -s, --socket PATH   control socket (default: from the config, %s)\n"
		"      --state-dir DIR where `scxctl save` keeps the running configuration\n"
		"                      (default %s)\n"
		"      --roles-dir DIR role files for scxctl role, NAME.ini (default %s)\n"
		"      --check         validate the configuration, print its layers, exit\n"
		"                      (0 valid, 78 invalid)\n"
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
		SCXD_CONFIG_PATH, SCXD_SOCKET_PATH, SCXD_STATE_DIR,
		SCXD_ROLES_DIR);
}

/* EX_CONFIG from sysexits.h: the configuration is invalid. */
#define EXIT_CONFIG 78

static int check_config(const char *path)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	struct config_error err = {0};
	char buf[600];
	int r;

	if (!c)
		return EXIT_FAILURE;
	r = path ? config_load_file(c, path, &err) : config_load_default(c);
	if (r < 0) {
		fprintf(stderr, "scxd: %s\n", config_error_str(&err, buf, sizeof(buf)));
		free(c);
		return EXIT_CONFIG;
	}
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
		{ "verifier-stats", no_argument, NULL, 'S' },
		{ "tune", required_argument, NULL, 'T' },
		{ "topology", required_argument, NULL, 'P' },
		{ "replace", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct manager_options opts = {0};
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
		case 'R': opts.roles_dir = optarg; break;
		case 'C': check = 1; break;
		case 'r': opts.replace = true; break;
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
	if (check)
		return check_config(opts.config_path);

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
