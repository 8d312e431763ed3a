/* test_tunables.c - scxd --tune NAME=TIME (daemon/tunables.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"
#include "tunables.h"

TEST(the_defaults_are_the_ones_bpf_compiles_in)
{
	struct scxd_tunables t;

	tunables_default(&t);
	CHECK(t.starve_ns == 100000000ULL);
	CHECK(t.steal_ns == 500000ULL);
	CHECK(t.claim_ns == 1000000ULL);
	CHECK(t.layer_credit_ns == 20000000ULL);
	CHECK(t.wake_gran_ns == 0ULL);
	CHECK(t.latency_burst_ns == 10000000ULL);
}

TEST(a_time_is_ns_or_has_a_unit)
{
	struct scxd_tunables t;
	char msg[256];

	tunables_default(&t);
	CHECK_INT(tunables_set(&t, "steal_ns=3ms", msg, sizeof(msg)), 0);
	CHECK(t.steal_ns == 3000000ULL);
	CHECK_INT(tunables_set(&t, "steal_ns=500us", msg, sizeof(msg)), 0);
	CHECK(t.steal_ns == 500000ULL);
	CHECK_INT(tunables_set(&t, "steal_ns=1234", msg, sizeof(msg)), 0);
	CHECK(t.steal_ns == 1234ULL);
	CHECK_INT(tunables_set(&t, "starve_ns=2s", msg, sizeof(msg)), 0);
	CHECK(t.starve_ns == 2000000000ULL);
	CHECK_INT(tunables_set(&t, "claim_ns=0", msg, sizeof(msg)), 0);
	CHECK(t.claim_ns == 0);
	CHECK_INT(tunables_set(&t, "layer_credit_ns=7ns", msg, sizeof(msg)), 0);
	CHECK(t.layer_credit_ns == 7);
}

TEST(bad_names_values_and_bounds_are_refused_and_change_nothing)
{
	static const char *const bad[] = {
		"steal_ns=", "steal_ns", "steal_ns=2 ms", "steal_ns=-1", "steal_ns=1.5ms",
		"steal_ns=2m", "steal_ns=ms", "steal_ns=99999999999999999999",
		"steal_ns=18446744073709551615s",
	};
	struct scxd_tunables t, before;
	char msg[256];

	tunables_default(&t);
	before = t;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = tunables_set(&t, bad[i], msg, sizeof(msg));

		if (r != -EINVAL)
			printf("  %s: %d\n", bad[i], r);
		CHECK_INT(r, -EINVAL);
		CHECK_CONTAINS(msg, "steal_ns");
	}
	CHECK_INT(tunables_set(&t, "stale_ns=1ms", msg, sizeof(msg)), -ENOENT);
	CHECK_CONTAINS(msg, "unknown tunable 'stale_ns'");
	CHECK_INT(tunables_set(&t, "starve_ns=0", msg, sizeof(msg)), -ERANGE);
	CHECK_INT(tunables_set(&t, "starve_ns=11s", msg, sizeof(msg)), -ERANGE);
	CHECK_CONTAINS(msg, "outside");
	CHECK(!memcmp(&t, &before, sizeof(t)));
}

TEST(describe_lists_every_tunable_or_only_the_changed_ones)
{
	struct scxd_tunables t;
	char *buf = NULL, msg[128];
	size_t len = 0;
	FILE *f;

	tunables_default(&t);
	f = open_memstream(&buf, &len);
	CHECK(f);
	CHECK_INT(tunables_describe(&t, f, true), 0);
	CHECK_INT(tunables_describe(&t, f, false), 6);
	CHECK_INT(tunables_set(&t, "claim_ns=2ms", msg, sizeof(msg)), 0);
	CHECK_INT(tunables_describe(&t, f, true), 1);
	fclose(f);
	CHECK_CONTAINS(buf, "claim_ns = 2000000 ns (default 1000000");
	free(buf);
}

TEST_MAIN
