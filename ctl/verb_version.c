/* SPDX-License-Identifier: GPL-2.0 */
/* verb_version.c - version: scxctl's, the daemon's and the protocol's. */
#include <stdio.h>

#include "ctl.h"

int run_version(const struct opts *o, int argc, char **argv)
{
	struct proto_version v;
	bool printed;
	int status;

	if (!o->json) {
		printf("scxctl %s (protocol %d)\n", SCXD_VERSION, SCXD_PROTO_VERSION);
		fflush(stdout);
	}
	status = rpc_decode(o, PROTO_METHOD_VERSION, &v, &printed);
	if (status != EXIT_OK || printed)
		return status;
	printf("scxd %s (protocol %u)\n", v.version, v.proto);
	return EXIT_OK;
}
